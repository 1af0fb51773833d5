package org.stanzaswitch.switching;

import org.agrona.ExpandableArrayBuffer;
import org.stanzaswitch.codec.Bytes;
import org.stanzaswitch.codec.ElementFlyweight;
import org.stanzaswitch.codec.Jid;
import org.stanzaswitch.codec.JidParser;
import org.stanzaswitch.codec.StanzaErrorCondition;
import org.stanzaswitch.codec.XmlEncoder;
import org.stanzaswitch.codec.XmlReader;
import org.stanzaswitch.switching.roster.RosterItem;

import java.util.ArrayList;
import java.util.List;

/**
 * XEP-0191 blocking command: retrieve the block list, block and unblock addresses, and push every change to
 * the user's resources that asked for the list (§3.1-§3.3). Blocking someone who sees the user's presence
 * first tells them the user went offline (§3.3). Enforcement is the router's, through {@link BlockLists}.
 * Owned by the router thread.
 */
final class BlockingService
{
    static final String BLOCKING_NS = "urn:xmpp:blocking";

    private static final byte[] IQ = Bytes.ascii("iq");
    private static final byte[] BLOCKLIST = Bytes.ascii("blocklist");
    private static final byte[] ITEM = Bytes.ascii("item");
    private static final byte[] XMLNS = Bytes.ascii("xmlns");
    private static final byte[] ID = Bytes.ascii("id");
    private static final byte[] FROM = Bytes.ascii("from");
    private static final byte[] TO = Bytes.ascii("to");
    private static final byte[] TYPE = Bytes.ascii("type");
    private static final byte[] JID = Bytes.ascii("jid");
    private static final byte[] RESULT = Bytes.ascii("result");
    private static final byte[] SET = Bytes.ascii("set");
    private static final byte[] PRESENCE = Bytes.ascii("presence");

    private final StateWriter writer;
    private final BlockLists blockLists;
    private final SessionRegistry sessions;
    private final XmlReader reader = new XmlReader();
    private final XmlEncoder xml = new XmlEncoder();
    private final JidParser parser = new JidParser();
    private final ExpandableArrayBuffer out = new ExpandableArrayBuffer(1024);
    private final ExpandableArrayBuffer command = new ExpandableArrayBuffer(256);
    private long pushCounter;

    BlockingService(final StateWriter writer, final SessionRegistry sessions)
    {
        this.writer = writer;
        this.blockLists = writer.state().blockLists();
        this.sessions = sessions;
    }

    BlockLists blockLists()
    {
        return blockLists;
    }

    /**
     * @return null if answered, else the error to return.
     */
    StanzaErrorCondition onIq(final SessionState requester, final ElementFlyweight iq)
    {
        final Jid user = requester.session.jid();
        reader.wrap(iq);
        reader.next();
        reader.next();
        final String action = reader.localName();
        final boolean set = iq.attributeValueEquals(iq.typeIndex(), SET);
        if (!set)
        {
            if (!"blocklist".equals(action))
            {
                return StanzaErrorCondition.BAD_REQUEST;
            }
            requester.blockListRequested = true;
            startIq(user, iq, RESULT).start(BLOCKLIST).attribute(XMLNS, BLOCKING_NS);
            for (final String blocked : blockLists.blocked(user.local()))
            {
                xml.start(ITEM).attribute(JID, blocked).end();
            }
            requester.session.deliver(out, 0, xml.end().end().length());
            return null;
        }
        final boolean block = "block".equals(action);
        if (!block && !"unblock".equals(action))
        {
            return StanzaErrorCondition.BAD_REQUEST;
        }
        final List<Jid> items = new ArrayList<>();
        XmlReader.Event event;
        while ((event = reader.next()) != XmlReader.Event.END_DOCUMENT)
        {
            if (event == XmlReader.Event.START_ELEMENT && "item".equals(reader.localName()))
            {
                final String text = reader.attributeValue("jid");
                final Jid jid = text == null ? null : parser.parse(text);
                if (jid == null)
                {
                    return StanzaErrorCondition.JID_MALFORMED;
                }
                items.add(jid);
            }
        }
        if (block && items.isEmpty())
        {
            // XEP-0191 §3.2: a block without items is a bad request; an unblock without items unblocks all.
            return StanzaErrorCondition.BAD_REQUEST;
        }
        change(user.bare(), block, items);
        requester.session.deliver(out, 0, startIq(user, iq, RESULT).end().length());
        push(user.bare(), action, items);
        return null;
    }

    private void change(final Jid user, final boolean block, final List<Jid> items)
    {
        if (items.isEmpty())
        {
            writer.write(command, BlockLists.encode(command, user.local(), false, ""));
            return;
        }
        for (final Jid jid : items)
        {
            if (block)
            {
                sendUnavailable(user, jid);
            }
            writer.write(command, BlockLists.encode(command, user.local(), block, jid.toString()));
        }
    }

    /**
     * XEP-0191 §3.3: a newly blocked subscriber sees the user go offline.
     */
    private void sendUnavailable(final Jid user, final Jid blocked)
    {
        final RosterItem item = blocked.local() == null ? null :
            writer.state().rosters().item(user.local(), blocked.bare().toString());
        if (item == null || !item.subscription().hasFrom())
        {
            return;
        }
        for (final SessionState session : sessions.bare(user))
        {
            if (!session.available)
            {
                continue;
            }
            final int length = xml.wrap(out, 0).start(PRESENCE).attribute(FROM, session.session.jid().toString())
                .attribute(TO, blocked.toString()).attribute(TYPE, "unavailable").end().length();
            for (final SessionState target : sessions.bare(blocked.bare()))
            {
                if (target.available && (blocked.isBare() || target.session.jid().equals(blocked)))
                {
                    target.session.deliver(out, 0, length);
                }
            }
        }
    }

    private void push(final Jid user, final String action, final List<Jid> items)
    {
        for (final SessionState session : sessions.bare(user))
        {
            if (!session.blockListRequested)
            {
                continue;
            }
            xml.wrap(out, 0).start(IQ).attribute(ID, "block" + (++pushCounter))
                .attribute(TO, session.session.jid().toString()).attribute(TYPE, SET)
                .start(Bytes.ascii(action)).attribute(XMLNS, BLOCKING_NS);
            for (final Jid jid : items)
            {
                xml.start(ITEM).attribute(JID, jid.toString()).end();
            }
            session.session.deliver(out, 0, xml.end().end().length());
        }
    }

    private XmlEncoder startIq(final Jid to, final ElementFlyweight request, final byte[] type)
    {
        xml.wrap(out, 0).startIqReply(request);
        return xml.attribute(TO, to.toString()).attribute(TYPE, type);
    }
}
