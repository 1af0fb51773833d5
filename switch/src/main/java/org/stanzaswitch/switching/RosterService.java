package org.stanzaswitch.switching;

import org.agrona.ExpandableArrayBuffer;
import org.stanzaswitch.codec.Bytes;
import org.stanzaswitch.codec.ElementFlyweight;
import org.stanzaswitch.codec.Jid;
import org.stanzaswitch.codec.JidParser;
import org.stanzaswitch.codec.StanzaErrorCondition;
import org.stanzaswitch.codec.XmlEncoder;
import org.stanzaswitch.codec.XmlReader;
import org.stanzaswitch.switching.roster.RosterCommand;
import org.stanzaswitch.switching.roster.RosterItem;
import org.stanzaswitch.switching.roster.Rosters;
import org.stanzaswitch.switching.roster.Subscription;

import java.util.ArrayList;
import java.util.List;
import java.util.function.BiConsumer;

/**
 * The roster of RFC 6121 §2: get with versioning (§2.6), set and remove by the owner, and roster pushes to
 * the owner's interested resources (§2.1.6). Every change is a command on the state journal, applied through
 * the state machine before anything is sent, so what a client is told is what a restart will show.
 * Owned by the router thread.
 */
final class RosterService
{
    static final String ROSTER_NS = "jabber:iq:roster";

    private static final byte[] IQ = Bytes.ascii("iq");
    private static final byte[] QUERY = Bytes.ascii("query");
    private static final byte[] ITEM = Bytes.ascii("item");
    private static final byte[] GROUP = Bytes.ascii("group");
    private static final byte[] XMLNS = Bytes.ascii("xmlns");
    private static final byte[] ID = Bytes.ascii("id");
    private static final byte[] TO = Bytes.ascii("to");
    private static final byte[] TYPE = Bytes.ascii("type");
    private static final byte[] VER = Bytes.ascii("ver");
    private static final byte[] JID = Bytes.ascii("jid");
    private static final byte[] NAME = Bytes.ascii("name");
    private static final byte[] SUBSCRIPTION = Bytes.ascii("subscription");
    private static final byte[] ASK = Bytes.ascii("ask");
    private static final byte[] APPROVED = Bytes.ascii("approved");
    private static final byte[] RESULT = Bytes.ascii("result");
    private static final byte[] SET = Bytes.ascii("set");
    private static final int MAX_GROUP_LENGTH = 1023;

    private final StateMachine state;
    private final StateWriter writer;
    private final SessionRegistry sessions;
    private final ExpandableArrayBuffer command = new ExpandableArrayBuffer(512);
    private final ExpandableArrayBuffer out = new ExpandableArrayBuffer(4096);
    private final XmlEncoder xml = new XmlEncoder();
    private final XmlReader reader = new XmlReader();
    private final JidParser jidParser = new JidParser();
    private long pushCounter;
    private BiConsumer<Jid, RosterItem> beforeRemove = (owner, item) -> { };

    RosterService(final StateWriter writer, final SessionRegistry sessions)
    {
        this.state = writer.state();
        this.writer = writer;
        this.sessions = sessions;
    }

    /**
     * @param beforeRemove told of an item about to be removed by its owner, to cancel its subscriptions.
     */
    void beforeRemove(final BiConsumer<Jid, RosterItem> beforeRemove)
    {
        this.beforeRemove = beforeRemove;
    }

    Rosters rosters()
    {
        return state.rosters();
    }

    /**
     * Answer a roster get or set from the roster's owner.
     *
     * @return null if answered, else the error condition to return.
     */
    StanzaErrorCondition onRosterIq(final SessionState requester, final ElementFlyweight iq)
    {
        reader.wrap(iq);
        reader.next();
        reader.next();
        final String requestedVersion = reader.attributeValue("ver");
        final boolean isSet = iq.attributeValueEquals(iq.typeIndex(), SET);
        if (!isSet)
        {
            requester.rosterRequested = true;
            sendRoster(requester, iq, requestedVersion);
            return null;
        }
        return onRosterSet(requester, iq);
    }

    private void sendRoster(final SessionState requester, final ElementFlyweight iq, final String requestedVersion)
    {
        final String owner = requester.session.jid().local();
        final String version = Long.toString(state.rosters().version(owner));
        startIq(requester.session.jid(), iq, RESULT);
        if (!version.equals(requestedVersion))
        {
            // RFC 6121 §2.6.3: an unchanged roster is answered with an empty result; pushes follow.
            xml.start(QUERY).attribute(XMLNS, ROSTER_NS).attribute(VER, version);
            for (final RosterItem item : state.rosters().items(owner))
            {
                if (!item.hidden())
                {
                    writeItem(item);
                }
            }
            xml.end();
        }
        requester.session.deliver(out, 0, xml.end().length());
    }

    /**
     * RFC 6121 §2.3 and §2.5: one item, added, updated or removed.
     */
    private StanzaErrorCondition onRosterSet(final SessionState requester, final ElementFlyweight iq)
    {
        final Jid user = requester.session.jid();
        String contactText = null;
        String name = null;
        boolean remove = false;
        int items = 0;
        final List<String> groups = new ArrayList<>();
        XmlReader.Event event;
        while ((event = reader.next()) != XmlReader.Event.END_DOCUMENT)
        {
            if (event != XmlReader.Event.START_ELEMENT)
            {
                continue;
            }
            if (reader.depth() == 3 && "item".equals(reader.localName()))
            {
                items++;
                contactText = reader.attributeValue("jid");
                name = reader.attributeValue("name");
                remove = "remove".equals(reader.attributeValue("subscription"));
            }
            else if (reader.depth() == 4 && "group".equals(reader.localName()))
            {
                final String group = reader.elementText();
                if (group.isEmpty() || group.length() > MAX_GROUP_LENGTH)
                {
                    return StanzaErrorCondition.NOT_ACCEPTABLE;
                }
                if (groups.contains(group))
                {
                    return StanzaErrorCondition.BAD_REQUEST;
                }
                groups.add(group);
            }
        }
        final Jid contact = contactText == null ? null : jidParser.parse(contactText);
        if (items != 1 || contact == null || !contact.isBare())
        {
            return items == 1 && contactText != null ? StanzaErrorCondition.JID_MALFORMED
                : StanzaErrorCondition.BAD_REQUEST;
        }
        final RosterItem existing = state.rosters().item(user.local(), contact.toString());
        if (remove)
        {
            if (existing == null)
            {
                return StanzaErrorCondition.ITEM_NOT_FOUND;
            }
            // RFC 6121 §2.5.2: cancel both subscriptions, then remove and push.
            beforeRemove.accept(user.bare(), existing);
            delete(user.bare(), contact);
            reply(requester, iq);
            return null;
        }
        final RosterItem updated = existing == null ?
            new RosterItem(contact, name, List.copyOf(groups), Subscription.NONE, false, false, false, false) :
            new RosterItem(contact, name, List.copyOf(groups), existing.subscription(), existing.ask(),
                existing.pendingIn(), existing.approved(), false);
        store(user.bare(), updated);
        reply(requester, iq);
        return null;
    }

    private void reply(final SessionState requester, final ElementFlyweight iq)
    {
        startIq(requester.session.jid(), iq, RESULT);
        requester.session.deliver(out, 0, xml.end().length());
    }

    /**
     * Journal a changed item, apply it, and push it to the owner's interested resources.
     */
    void store(final Jid owner, final RosterItem item)
    {
        final long version = state.rosters().version(owner.local()) + 1;
        writer.write(command, RosterCommand.encodeSet(command, owner.local(), item, version));
        if (!item.hidden())
        {
            push(owner, item, version);
        }
    }

    /**
     * Journal the removal of an item, apply it, and push it (RFC 6121 §2.5.2).
     */
    void delete(final Jid owner, final Jid contact)
    {
        final long version = state.rosters().version(owner.local()) + 1;
        writer.write(command, RosterCommand.encodeRemove(command, owner.local(), contact.toString(), version));
        push(owner, new RosterItem(contact, null, List.of(), null, false, false, false, false), version);
    }

    private void push(final Jid owner, final RosterItem item, final long version)
    {
        for (final SessionState session : sessions.bare(owner))
        {
            if (!session.rosterRequested)
            {
                continue;
            }
            xml.wrap(out, 0).start(IQ)
                .attribute(ID, "push" + (++pushCounter))
                .attribute(TO, session.session.jid().toString())
                .attribute(TYPE, SET)
                .start(QUERY).attribute(XMLNS, ROSTER_NS).attribute(VER, Long.toString(version));
            writeItem(item);
            session.session.deliver(out, 0, xml.end().end().length());
        }
    }

    private void writeItem(final RosterItem item)
    {
        xml.start(ITEM).attribute(JID, item.contact().toString());
        if (item.subscription() == null)
        {
            xml.attribute(SUBSCRIPTION, "remove");
            xml.end();
            return;
        }
        if (item.name() != null)
        {
            xml.attribute(NAME, item.name());
        }
        xml.attribute(SUBSCRIPTION, item.subscription().value());
        if (item.ask())
        {
            xml.attribute(ASK, "subscribe");
        }
        if (item.approved())
        {
            xml.attribute(APPROVED, "true");
        }
        for (final String group : item.groups())
        {
            xml.start(GROUP).text(group).end();
        }
        xml.end();
    }

    private void startIq(final Jid to, final ElementFlyweight request, final byte[] type)
    {
        xml.wrap(out, 0).startIqReply(request);
        xml.attribute(TO, to.toString()).attribute(TYPE, type);
    }
}
