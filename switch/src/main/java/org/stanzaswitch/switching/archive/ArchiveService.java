package org.stanzaswitch.switching.archive;

import org.agrona.DirectBuffer;
import org.agrona.ExpandableArrayBuffer;
import org.agrona.concurrent.UnsafeBuffer;
import org.stanzaswitch.codec.Bytes;
import org.stanzaswitch.codec.ElementFlyweight;
import org.stanzaswitch.codec.Jid;
import org.stanzaswitch.codec.StanzaErrorCondition;
import org.stanzaswitch.codec.StartTagFlyweight;
import org.stanzaswitch.codec.XmlEncoder;
import org.stanzaswitch.codec.XmlReader;
import org.stanzaswitch.codec.XmppTime;
import org.stanzaswitch.journal.MessageRecord;
import org.stanzaswitch.journal.RecordHandler;
import org.stanzaswitch.switching.Session;

import java.util.logging.Logger;

/**
 * XEP-0313 Message Archive Management v2: the query form (§4.1.5), queries with
 * their filters and RSM paging (§4.1-§4.2), flipped pages and the archive's metadata (§5, the 'extended'
 * feature), for a user's own archive and for a room's (§3.2). Results are the archived stanzas forwarded
 * (XEP-0297) with the time they were received.
 * Owned by the router thread.
 */
public final class ArchiveService
{
    public static final String MAM_NS = "urn:xmpp:mam:2";
    public static final String DATA_NS = "jabber:x:data";

    private static final Logger LOG = Logger.getLogger(ArchiveService.class.getName());
    private static final byte[] MAM_NS_BYTES = Bytes.ascii(MAM_NS);
    private static final byte[] IQ = Bytes.ascii("iq");
    private static final byte[] MESSAGE = Bytes.ascii("message");
    private static final byte[] QUERY = Bytes.ascii("query");
    private static final byte[] RESULT = Bytes.ascii("result");
    private static final byte[] FORWARDED = Bytes.ascii("forwarded");
    private static final byte[] DELAY = Bytes.ascii("delay");
    private static final byte[] FIN = Bytes.ascii("fin");
    private static final byte[] SET = Bytes.ascii("set");
    private static final byte[] FIRST = Bytes.ascii("first");
    private static final byte[] LAST = Bytes.ascii("last");
    private static final byte[] COUNT = Bytes.ascii("count");
    private static final byte[] METADATA = Bytes.ascii("metadata");
    private static final byte[] START = Bytes.ascii("start");
    private static final byte[] END = Bytes.ascii("end");
    private static final byte[] X = Bytes.ascii("x");
    private static final byte[] FIELD = Bytes.ascii("field");
    private static final byte[] VALUE = Bytes.ascii("value");
    private static final byte[] VALIDATE = Bytes.ascii("validate");
    private static final byte[] OPEN = Bytes.ascii("open");
    private static final byte[] XMLNS = Bytes.ascii("xmlns");
    private static final byte[] ID = Bytes.ascii("id");
    private static final byte[] TO = Bytes.ascii("to");
    private static final byte[] FROM = Bytes.ascii("from");
    private static final byte[] TYPE = Bytes.ascii("type");
    private static final byte[] VAR = Bytes.ascii("var");
    private static final byte[] INDEX = Bytes.ascii("index");
    private static final byte[] STAMP = Bytes.ascii("stamp");
    private static final byte[] TIMESTAMP = Bytes.ascii("timestamp");
    private static final byte[] QUERYID = Bytes.ascii("queryid");
    private static final byte[] COMPLETE = Bytes.ascii("complete");
    private static final byte[] TRUE = Bytes.ascii("true");
    private static final byte[] DATATYPE = Bytes.ascii("datatype");
    private static final byte[] RESULT_TYPE = Bytes.ascii("result");
    private static final byte[] FORWARD_NS = Bytes.ascii("urn:xmpp:forward:0");
    private static final byte[] DELAY_NS = Bytes.ascii("urn:xmpp:delay");
    private static final byte[] RSM_NS = Bytes.ascii("http://jabber.org/protocol/rsm");
    private static final byte[] DATA_NS_BYTES = Bytes.ascii(DATA_NS);
    private static final byte[] VALIDATE_NS = Bytes.ascii("http://jabber.org/protocol/xdata-validate");
    private static final byte[] CLIENT_NS = Bytes.ascii("jabber:client");
    private static final String[][] FORM_FIELDS = {
        {"with", "jid-single"}, {"start", "text-single"}, {"end", "text-single"}, {"before-id", "text-single"},
        {"after-id", "text-single"}, {"include-groupchat", "boolean"}};

    private final MessageArchive archive;
    private final StanzaIds ids;
    private final ArchiveQuery query;
    private final XmlReader reader = new XmlReader();
    private final XmlEncoder xml = new XmlEncoder();
    private final ExpandableArrayBuffer out = new ExpandableArrayBuffer(4096);
    private final UnsafeBuffer small = new UnsafeBuffer(new byte[64]);
    private final MessageRecord record = new MessageRecord();
    private final StartTagFlyweight tag = new StartTagFlyweight(32);
    private final ResultWriter results = new ResultWriter();

    /**
     * @param archive the archive served.
     * @param ids     the node's UIDs.
     * @param maxPage the most results one page holds.
     */
    public ArchiveService(final MessageArchive archive, final StanzaIds ids, final int maxPage)
    {
        this.archive = archive;
        this.ids = ids;
        this.query = new ArchiveQuery(ids, maxPage);
    }

    /**
     * Answer an IQ in the MAM namespace that a user sent to their own archive.
     *
     * @param requester the user's session.
     * @param iq        the request.
     * @param set       true for type 'set'.
     * @return null if answered, else the error to return.
     */
    public StanzaErrorCondition onIq(final Session requester, final ElementFlyweight iq, final boolean set)
    {
        return answer(requester, requester.jid().bare(), null, iq, set);
    }

    /**
     * Answer an IQ in the MAM namespace sent to a room's archive (§3.2: exposed on the room's bare JID), once the
     * room has let the requester in.
     *
     * @param requester who asks.
     * @param room      the room's bare JID: the archive's owner, and who answers.
     * @param iq        the request.
     * @param set       true for type 'set'.
     * @return null if answered, else the error to return.
     */
    public StanzaErrorCondition onRoomIq(
        final Session requester, final Jid room, final ElementFlyweight iq, final boolean set)
    {
        return answer(requester, room, room, iq, set);
    }

    /**
     * @param owner     whose archive is read.
     * @param answerer  the address the replies come from, or null for a user's own archive (their server answers).
     */
    private StanzaErrorCondition answer(
        final Session requester, final Jid owner, final Jid answerer, final ElementFlyweight iq, final boolean set)
    {
        reader.wrap(iq);
        reader.next();
        reader.next();
        final String payload = reader.localName();
        if ("query".equals(payload))
        {
            return set ? runQuery(requester, owner, answerer, iq) : sendForm(requester, answerer, iq);
        }
        if ("metadata".equals(payload) && !set)
        {
            return sendMetadata(requester, owner, answerer, iq);
        }
        return StanzaErrorCondition.BAD_REQUEST;
    }

    private StanzaErrorCondition runQuery(
        final Session requester, final Jid owner, final Jid answerer, final ElementFlyweight iq)
    {
        final OwnerArchive ownerArchive = archive.ownerArchive(owner.toString());
        try
        {
            query.parse(reader);
            query.run(archive, ownerArchive, this::matchesFullJid);
        }
        catch (final ArchiveQuery.Refused refused)
        {
            LOG.fine(() -> "archive query from " + requester.jid() + " refused: " + refused.getMessage());
            return refused.condition;
        }
        final int pageSize = query.page.size();
        for (int i = 0; i < pageSize; i++)
        {
            final int position = query.page.getInt(query.flipPage ? pageSize - 1 - i : i);
            results.to = requester;
            results.from = owner;
            archive.read(ownerArchive.indexAt(position), results);
        }
        startIq(requester.jid(), answerer, iq).start(FIN).attribute(XMLNS, MAM_NS_BYTES);
        if (query.complete)
        {
            xml.attribute(COMPLETE, TRUE);
        }
        xml.start(SET).attribute(XMLNS, RSM_NS);
        if (pageSize > 0)
        {
            xml.start(FIRST).attribute(INDEX, Integer.toString(query.firstRank));
            uid(ownerArchive.indexAt(query.page.getInt(0))).end();
            xml.start(LAST);
            uid(ownerArchive.indexAt(query.page.getInt(pageSize - 1))).end();
        }
        xml.start(COUNT).text(Integer.toString(query.count)).end();
        requester.deliver(out, 0, xml.end().end().end().length());
        return null;
    }

    private XmlEncoder uid(final long index)
    {
        final int length = ids.write(index, small, 0);
        return xml.raw(small, 0, length);
    }

    private boolean matchesFullJid(final long index, final Jid full)
    {
        final boolean[] matched = new boolean[1];
        archive.read(index, (i, buffer, offset, length) ->
        {
            record.wrap(buffer, offset);
            tag.wrap(buffer, record.stanzaOffset(), record.stanzaLength());
            final byte[] wanted = full.utf8();
            matched[0] = attributeEquals(tag, tag.fromIndex(), wanted) || attributeEquals(tag, tag.toIndex(), wanted);
        });
        return matched[0];
    }

    private static boolean attributeEquals(final StartTagFlyweight tag, final int index, final byte[] value)
    {
        return index != StartTagFlyweight.MISSING &&
            Bytes.equals(tag.buffer(), tag.attributeValueOffset(index), tag.attributeValueLength(index), value);
    }

    private StanzaErrorCondition sendForm(final Session requester, final Jid answerer, final ElementFlyweight iq)
    {
        startIq(requester.jid(), answerer, iq).start(QUERY).attribute(XMLNS, MAM_NS_BYTES)
            .start(X).attribute(XMLNS, DATA_NS_BYTES).attribute(TYPE, "form")
            .start(FIELD).attribute(TYPE, "hidden").attribute(VAR, "FORM_TYPE")
            .start(VALUE).text(MAM_NS).end().end();
        for (final String[] field : FORM_FIELDS)
        {
            xml.start(FIELD).attribute(TYPE, field[1]).attribute(VAR, field[0]).end();
        }
        // XEP-0313 §4.1.5: 'ids' is an open list, never enumerated.
        xml.start(FIELD).attribute(TYPE, "list-multi").attribute(VAR, "ids")
            .start(VALIDATE).attribute(XMLNS, VALIDATE_NS).attribute(DATATYPE, "xs:string").start(OPEN).end().end()
            .end();
        requester.deliver(out, 0, xml.end().end().end().length());
        return null;
    }

    private StanzaErrorCondition sendMetadata(
        final Session requester, final Jid ownerJid, final Jid answerer, final ElementFlyweight iq)
    {
        final OwnerArchive owner = archive.ownerArchive(ownerJid.toString());
        startIq(requester.jid(), answerer, iq).start(METADATA).attribute(XMLNS, MAM_NS_BYTES);
        if (owner != null && owner.size() > 0)
        {
            metadataEntry(START, owner.indexAt(0));
            metadataEntry(END, owner.indexAt(owner.size() - 1));
        }
        requester.deliver(out, 0, xml.end().end().length());
        return null;
    }

    private void metadataEntry(final byte[] name, final long index)
    {
        final int idLength = ids.write(index, small, 0);
        xml.start(name).attribute(ID, small, 0, idLength);
        final int stampLength = XmppTime.write(archive.receivedAt(index), small, 0);
        xml.attribute(TIMESTAMP, small, 0, stampLength).end();
    }

    private XmlEncoder startIq(final Jid to, final Jid from, final ElementFlyweight request)
    {
        xml.wrap(out, 0).startIqReply(request);
        if (from != null)
        {
            xml.attribute(FROM, from.toString());
        }
        return xml.attribute(TO, to.toString()).attribute(TYPE, RESULT_TYPE);
    }

    /**
     * Writes one archived message as a query result (XEP-0313 §4.2) and delivers it.
     */
    private final class ResultWriter implements RecordHandler
    {
        Session to;
        Jid from;

        @Override
        public void onRecord(final long index, final DirectBuffer buffer, final int offset, final int length)
        {
            record.wrap(buffer, offset);
            xml.wrap(out, 0).start(MESSAGE).attribute(TO, to.jid().toString())
                .attribute(FROM, from.toString())
                .start(RESULT).attribute(XMLNS, MAM_NS_BYTES);
            if (query.queryId != null)
            {
                xml.attribute(QUERYID, query.queryId);
            }
            final int idLength = ids.write(index, small, 0);
            xml.attribute(ID, small, 0, idLength)
                .start(FORWARDED).attribute(XMLNS, FORWARD_NS)
                .start(DELAY).attribute(XMLNS, DELAY_NS);
            final int stampLength = XmppTime.write(record.receivedMillis(), small, 0);
            xml.attribute(STAMP, small, 0, stampLength).end();
            final int stanza = record.stanzaOffset();
            if ((record.flags() & MessageRecord.FLAG_NAMESPACE_DECLARED) != 0)
            {
                xml.raw(buffer, stanza, record.stanzaLength());
            }
            else
            {
                // The stanza inherited jabber:client from the stream; inside <forwarded/> it must say so.
                xml.rawDeclaringNamespace(buffer, stanza, record.stanzaLength(), CLIENT_NS);
            }
            to.deliver(out, 0, xml.end().end().end().length());
        }
    }
}
