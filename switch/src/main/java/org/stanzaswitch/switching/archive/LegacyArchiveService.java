package org.stanzaswitch.switching.archive;

import org.agrona.DirectBuffer;
import org.agrona.ExpandableArrayBuffer;
import org.agrona.concurrent.UnsafeBuffer;
import org.stanzaswitch.codec.Bytes;
import org.stanzaswitch.codec.ChildElements;
import org.stanzaswitch.codec.ElementFlyweight;
import org.stanzaswitch.codec.Jid;
import org.stanzaswitch.codec.JidParser;
import org.stanzaswitch.codec.StanzaErrorCondition;
import org.stanzaswitch.codec.XmlEncoder;
import org.stanzaswitch.codec.XmlReader;
import org.stanzaswitch.codec.XmppTime;
import org.stanzaswitch.journal.MessageRecord;
import org.stanzaswitch.switching.Session;

import java.util.ArrayList;
import java.util.List;

/**
 * XEP-0136 Message Archiving, the older protocol, served from the same archive as XEP-0313: automatic
 * archiving (on, always; {@code <auto save='false'/>} is refused), the list of collections and the retrieval
 * of one. A collection is the user's messages with one contact (bare JID) on one UTC day, named by the
 * contact and the time of its first message. Listing reads the records of the user's archive it covers, so it
 * costs O(archive) where MAM costs O(page): a legacy path. Owned by the router thread.
 */
public final class LegacyArchiveService
{
    public static final String ARCHIVE_NS = "urn:xmpp:archive";

    private static final long DAY_MILLIS = 86_400_000L;
    private static final byte[] LIST = Bytes.ascii("list");
    private static final byte[] CHAT = Bytes.ascii("chat");
    private static final byte[] FROM = Bytes.ascii("from");
    private static final byte[] TO = Bytes.ascii("to");
    private static final byte[] SECS = Bytes.ascii("secs");
    private static final byte[] WITH = Bytes.ascii("with");
    private static final byte[] START = Bytes.ascii("start");
    private static final byte[] SET = Bytes.ascii("set");
    private static final byte[] FIRST = Bytes.ascii("first");
    private static final byte[] LAST = Bytes.ascii("last");
    private static final byte[] COUNT = Bytes.ascii("count");
    private static final byte[] INDEX = Bytes.ascii("index");
    private static final byte[] XMLNS = Bytes.ascii("xmlns");
    private static final byte[] TYPE = Bytes.ascii("type");
    private static final byte[] RESULT = Bytes.ascii("result");
    private static final byte[] BODY = Bytes.ascii("body");
    private static final byte[] CLIENT_NS = Bytes.ascii("jabber:client");
    private static final byte[] ARCHIVE_NS_BYTES = Bytes.ascii(ARCHIVE_NS);
    private static final byte[] RSM_NS = Bytes.ascii("http://jabber.org/protocol/rsm");
    private static final UnsafeBuffer CLIENT_NS_BUFFER = new UnsafeBuffer(CLIENT_NS);

    /** One conversation of a day: its contact, its first message's time, and its positions in the index. */
    private record Collection(String with, long start, List<Integer> positions)
    {
    }

    private final MessageArchive archive;
    private final int maxPage;
    private final JidParser parser = new JidParser();
    private final XmlReader reader = new XmlReader();
    private final XmlEncoder xml = new XmlEncoder();
    private final ExpandableArrayBuffer out = new ExpandableArrayBuffer(4096);
    private final UnsafeBuffer small = new UnsafeBuffer(new byte[32]);
    private final MessageRecord record = new MessageRecord();
    private final ElementFlyweight stored = new ElementFlyweight(32);
    private final ChildElements children = new ChildElements();

    public LegacyArchiveService(final MessageArchive archive, final int maxPage)
    {
        this.archive = archive;
        this.maxPage = maxPage;
    }

    /**
     * @return null if answered, else the error to return.
     */
    public StanzaErrorCondition onIq(final Session requester, final ElementFlyweight iq, final boolean set)
    {
        reader.wrap(iq);
        reader.next();
        reader.next();
        final String request = reader.localName();
        if ("auto".equals(request) && set)
        {
            // Archiving is the server's policy here (XEP-0441 preferences steer it), so it cannot be switched off.
            return "false".equals(reader.attributeValue("save")) ? StanzaErrorCondition.FEATURE_NOT_IMPLEMENTED :
                reply(requester, iq);
        }
        if (set)
        {
            return StanzaErrorCondition.BAD_REQUEST;
        }
        try
        {
            final Jid with = jid(reader.attributeValue("with"));
            final long start = time(reader.attributeValue("start"), Long.MIN_VALUE);
            final long end = time(reader.attributeValue("end"), Long.MAX_VALUE);
            final int max = max();
            final List<Collection> collections = collections(requester.jid().bare(), with, start, end);
            if ("list".equals(request))
            {
                return list(requester, iq, collections, max);
            }
            if ("retrieve".equals(request) && with != null && start != Long.MIN_VALUE)
            {
                return retrieve(requester, iq, collections, start, max);
            }
            return StanzaErrorCondition.BAD_REQUEST;
        }
        catch (final IllegalArgumentException ex)
        {
            return StanzaErrorCondition.BAD_REQUEST;
        }
    }

    private Jid jid(final String text)
    {
        if (text == null)
        {
            return null;
        }
        final Jid jid = parser.parse(text);
        if (jid == null)
        {
            throw new IllegalArgumentException("with is not a JID");
        }
        return jid.bare();
    }

    private static long time(final String text, final long absent)
    {
        return text == null ? absent : XmppTime.parse(text);
    }

    private int max()
    {
        int max = maxPage;
        XmlReader.Event event;
        while ((event = reader.next()) != XmlReader.Event.END_DOCUMENT)
        {
            if (event == XmlReader.Event.START_ELEMENT && "max".equals(reader.localName()))
            {
                max = Math.min(maxPage, Integer.parseInt(reader.elementText().trim()));
            }
        }
        return max;
    }

    private List<Collection> collections(final Jid owner, final Jid with, final long start, final long end)
    {
        final List<Collection> collections = new ArrayList<>();
        final OwnerArchive entries = archive.ownerArchive(owner.toString());
        if (entries == null)
        {
            return collections;
        }
        final int contact = with == null ? -1 : archive.knownContactId(with.toString());
        if (with != null && contact < 0)
        {
            return collections;
        }
        final java.util.Map<String, Collection> open = new java.util.HashMap<>();
        for (int position = 0; position < entries.size(); position++)
        {
            if (contact >= 0 && entries.withAt(position) != contact)
            {
                continue;
            }
            final long received = archive.receivedAt(entries.indexAt(position));
            final String other = otherParty(owner, entries.indexAt(position));
            final Collection current = open.get(other);
            if (current != null && Math.floorDiv(current.start, DAY_MILLIS) == Math.floorDiv(received, DAY_MILLIS))
            {
                current.positions.add(position);
                continue;
            }
            final Collection started = new Collection(other, received, new ArrayList<>(List.of(position)));
            open.put(other, started);
            if (received >= start && received <= end)
            {
                collections.add(started);
            }
        }
        return collections;
    }

    private String otherParty(final Jid owner, final long index)
    {
        final String[] other = new String[1];
        archive.read(index, (i, buffer, offset, length) ->
        {
            record.wrap(buffer, offset);
            other[0] = owner.toString().equals(record.from()) ? record.to() : record.from();
        });
        return other[0];
    }

    private StanzaErrorCondition list(
        final Session requester, final ElementFlyweight iq, final List<Collection> collections, final int max)
    {
        startIq(requester, iq).start(LIST).attribute(XMLNS, ARCHIVE_NS_BYTES);
        final int shown = Math.min(max, collections.size());
        for (int i = 0; i < shown; i++)
        {
            final Collection collection = collections.get(i);
            xml.start(CHAT).attribute(WITH, collection.with);
            stamp(START, collection.start).end();
        }
        rsm(shown, collections.size(), 0);
        requester.deliver(out, 0, xml.end().end().length());
        return null;
    }

    private StanzaErrorCondition retrieve(
        final Session requester,
        final ElementFlyweight iq,
        final List<Collection> collections,
        final long start,
        final int max)
    {
        Collection found = null;
        for (final Collection collection : collections)
        {
            if (collection.start / 1000 == start / 1000)
            {
                found = collection;
            }
        }
        if (found == null)
        {
            return StanzaErrorCondition.ITEM_NOT_FOUND;
        }
        final Jid owner = requester.jid().bare();
        startIq(requester, iq).start(CHAT).attribute(XMLNS, ARCHIVE_NS_BYTES).attribute(WITH, found.with);
        stamp(START, found.start);
        final int shown = Math.min(max, found.positions.size());
        final long[] previous = {found.start};
        final OwnerArchive entries = archive.ownerArchive(owner.toString());
        for (int i = 0; i < shown; i++)
        {
            archive.read(entries.indexAt(found.positions.get(i)), (index, buffer, offset, length) ->
                writeItem(owner, previous, buffer, offset));
        }
        rsm(shown, found.positions.size(), 0);
        requester.deliver(out, 0, xml.end().end().length());
        return null;
    }

    private void writeItem(final Jid owner, final long[] previous, final DirectBuffer buffer, final int offset)
    {
        record.wrap(buffer, offset);
        final boolean sent = owner.toString().equals(record.from());
        final long received = record.receivedMillis();
        xml.start(sent ? TO : FROM).attribute(SECS, Long.toString((received - previous[0]) / 1000));
        previous[0] = received;
        stored.wrap(buffer, record.stanzaOffset(), record.stanzaLength(), CLIENT_NS_BUFFER, 0, CLIENT_NS.length);
        children.wrap(stored);
        while (children.next())
        {
            if (children.is(BODY, CLIENT_NS))
            {
                xml.raw(buffer, children.childOffset(), children.childLength());
            }
        }
        xml.end();
    }

    private XmlEncoder stamp(final byte[] name, final long millis)
    {
        // Second precision: clients echo 'start' back to name the collection.
        final int length = XmppTime.write(millis / 1000 * 1000, small, 0);
        small.putByte(length - 5, (byte)'Z');
        return xml.attribute(name, small, 0, length - 4);
    }

    private void rsm(final int shown, final int count, final int first)
    {
        xml.start(SET).attribute(XMLNS, RSM_NS);
        if (shown > 0)
        {
            xml.start(FIRST).attribute(INDEX, Integer.toString(first)).text(Integer.toString(first)).end();
            xml.start(LAST).text(Integer.toString(first + shown - 1)).end();
        }
        xml.start(COUNT).text(Integer.toString(count)).end().end();
    }

    private StanzaErrorCondition reply(final Session requester, final ElementFlyweight iq)
    {
        requester.deliver(out, 0, startIq(requester, iq).end().length());
        return null;
    }

    private XmlEncoder startIq(final Session requester, final ElementFlyweight request)
    {
        xml.wrap(out, 0).startIqReply(request);
        return xml.attribute(TO, requester.jid().toString()).attribute(TYPE, RESULT);
    }
}
