package org.stanzaswitch.switching;

import org.agrona.DirectBuffer;
import org.agrona.ExpandableArrayBuffer;
import org.agrona.concurrent.UnsafeBuffer;
import org.stanzaswitch.codec.Bytes;
import org.stanzaswitch.codec.ChildElements;
import org.stanzaswitch.codec.ElementFlyweight;
import org.stanzaswitch.codec.Jid;
import org.stanzaswitch.codec.JidParser;
import org.stanzaswitch.codec.StanzaErrorCondition;
import org.stanzaswitch.codec.StanzaErrorEncoder;
import org.stanzaswitch.codec.StanzaKind;
import org.stanzaswitch.codec.StartTagFlyweight;
import org.stanzaswitch.codec.XmlEncoder;
import org.stanzaswitch.codec.XmlReader;
import org.stanzaswitch.codec.XmppNamespaces;
import org.stanzaswitch.codec.XmppTime;
import org.stanzaswitch.switching.archive.ArchiveService;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * XEP-0045 Multi-User Chat for local users, at {@code conference.<domain>}: rooms are created by joining them
 * (§10.1) and live while occupied, or until destroyed if persistent. Occupants join, talk, change nickname and
 * leave (§7); moderators kick and grant or revoke voice, admins and owners change affiliations (§8, §9, §10);
 * owners configure and destroy rooms (§10). Every stanza a room sends is built here, addressed from the room
 * or an occupant's room JID to each occupant's real JID. Persistent rooms' configuration, subject and
 * affiliations are journaled ({@link MucRoomStore}) and come back, empty, after a restart; temporary rooms,
 * occupants and history live in memory. Owned by the router thread; the chat hot path never comes here.
 */
final class MucService
{
    static final String NS = "http://jabber.org/protocol/muc";
    static final String USER_NS = NS + "#user";
    static final String ADMIN_NS = NS + "#admin";
    static final String OWNER_NS = NS + "#owner";
    private static final String SERVICE_PREFIX = "conference.";
    private static final String ROOMINFO_FORM_TYPE = NS + "#roominfo";
    private static final int MAX_NICK_BYTES = 1023;
    /** Rooms are memory: past this many, a join that would create one is refused (not-allowed, §10.1.1). */
    private static final int MAX_ROOMS = 10_000;
    /** So that one user cannot take all of them. */
    private static final int MAX_ROOMS_PER_USER = 100;

    private static final byte[] PRESENCE = Bytes.ascii("presence");
    private static final byte[] MESSAGE = Bytes.ascii("message");
    private static final byte[] IQ = Bytes.ascii("iq");
    private static final byte[] X = Bytes.ascii("x");
    private static final byte[] ITEM = Bytes.ascii("item");
    private static final byte[] STATUS = Bytes.ascii("status");
    private static final byte[] CODE = Bytes.ascii("code");
    private static final byte[] DESTROY = Bytes.ascii("destroy");
    private static final byte[] REASON = Bytes.ascii("reason");
    private static final byte[] SUBJECT = Bytes.ascii("subject");
    private static final byte[] BODY = Bytes.ascii("body");
    private static final byte[] INVITE = Bytes.ascii("invite");
    private static final byte[] PASSWORD = Bytes.ascii("password");
    private static final byte[] DELAY = Bytes.ascii("delay");
    private static final byte[] QUERY = Bytes.ascii("query");
    private static final byte[] IDENTITY = Bytes.ascii("identity");
    private static final byte[] FEATURE = Bytes.ascii("feature");
    private static final byte[] FIELD = Bytes.ascii("field");
    private static final byte[] VALUE = Bytes.ascii("value");
    private static final byte[] OPTION = Bytes.ascii("option");
    private static final byte[] XMLNS = Bytes.ascii("xmlns");
    private static final byte[] FROM = Bytes.ascii("from");
    private static final byte[] TO = Bytes.ascii("to");
    private static final byte[] ID = Bytes.ascii("id");
    private static final byte[] TYPE = Bytes.ascii("type");
    private static final byte[] JID = Bytes.ascii("jid");
    private static final byte[] NICK = Bytes.ascii("nick");
    private static final byte[] NAME = Bytes.ascii("name");
    private static final byte[] VAR = Bytes.ascii("var");
    private static final byte[] LABEL = Bytes.ascii("label");
    private static final byte[] STAMP = Bytes.ascii("stamp");
    private static final byte[] CATEGORY = Bytes.ascii("category");
    private static final byte[] ROLE = Bytes.ascii("role");
    private static final byte[] AFFILIATION = Bytes.ascii("affiliation");
    private static final byte[] UNAVAILABLE = Bytes.ascii("unavailable");
    private static final byte[] GROUPCHAT = Bytes.ascii("groupchat");
    private static final byte[] RESULT = Bytes.ascii("result");
    private static final byte[] GET = Bytes.ascii("get");
    private static final byte[] SET = Bytes.ascii("set");
    private static final byte[] ERROR = Bytes.ascii("error");
    private static final byte[] CHAT = Bytes.ascii("chat");
    private static final byte[] STANZA_ID = Bytes.ascii("stanza-id");
    private static final byte[] BY = Bytes.ascii("by");
    private static final byte[] SID_NS = Bytes.ascii("urn:xmpp:sid:0");
    private static final byte[] USER_NS_BYTES = Bytes.ascii("http://jabber.org/protocol/muc#user");
    private static final byte[] XMLNS_COLON = Bytes.ascii("xmlns:");
    private static final byte[] PING = Bytes.ascii("ping");
    private static final byte[] PING_NS = Bytes.ascii(ServerServices.PING);
    private static final String SELF_PING_OPTIMIZATION = NS + "#self-ping-optimization";
    private static final String OCCUPANT_ID_NS = "urn:xmpp:occupant-id:0";
    /** §7.4: groupchat messages, and here presences too, go out with the id their sender gave them. */
    private static final String STABLE_ID = NS + "#stable_id";
    private static final byte[] OCCUPANT_ID = Bytes.ascii("occupant-id");
    private static final UnsafeBuffer CLIENT_NS = new UnsafeBuffer(Bytes.ascii(XmppNamespaces.CLIENT));

    /** Status codes of §15.6. */
    private static final int NON_ANONYMOUS = 100;
    private static final int CONFIGURATION_CHANGED = 104;
    private static final int SELF = 110;
    private static final int LOGGED = 170;
    private static final int CREATED = 201;
    private static final int BANNED = 301;
    private static final int NEW_NICK = 303;
    private static final int KICKED = 307;
    private static final int AFFILIATION_CHANGED = 321;
    private static final int MEMBERS_ONLY = 322;

    /** What a presence to a room carries beyond its type: the MUC element's parts and the rest. */
    private static final class Join
    {
        String password;
        int maxStanzas = MucRoom.HISTORY;
        int maxChars = Integer.MAX_VALUE;
        long sinceMillis = Long.MIN_VALUE;
        MucRoom.Payload payload = MucRoom.Payload.NONE;
    }

    /** One item of an admin request (§8, §9): whom it names and what it sets. */
    private record AdminItem(String nick, Jid jid, MucRole role, MucAffiliation affiliation, String reason)
    {
    }

    private final Jid service;
    private final SessionRegistry sessions;
    private final MucRoomStore store;
    private final Map<Jid, MucRoom> rooms = new HashMap<>();
    private final XmlReader reader = new XmlReader();
    private final ChildElements childElements = new ChildElements();
    private final XmlEncoder xml = new XmlEncoder();
    private final JidParser parser = new JidParser();
    private final StanzaErrorEncoder errors = new StanzaErrorEncoder();
    private final ExpandableArrayBuffer out = new ExpandableArrayBuffer(4096);
    private final ExpandableArrayBuffer kept = new ExpandableArrayBuffer(4096);
    private final UnsafeBuffer archiveId = new UnsafeBuffer(new byte[64]);
    private final MucArchive archive;
    private final OccupantIds occupantIds;
    private final ElementFlyweight archived = new ElementFlyweight(16);

    MucService(final Jid domain, final SessionRegistry sessions, final StateWriter writer, final MucArchive archive,
        final OccupantIds occupantIds)
    {
        this.service = serviceOf(domain);
        this.sessions = sessions;
        this.store = new MucRoomStore(writer);
        this.archive = archive;
        this.occupantIds = occupantIds;
    }

    static Jid serviceOf(final Jid domain)
    {
        return Jid.of(SERVICE_PREFIX + domain.domain());
    }

    boolean serves(final Jid to)
    {
        return to.domain().equals(service.domain());
    }

    /**
     * A stanza from a local user to the service, a room or an occupant.
     */
    void onStanza(final Session sender, final Jid to, final ElementFlyweight stanza)
    {
        if (stanza.kind() == StanzaKind.PRESENCE)
        {
            onPresence(sender, to, stanza);
        }
        else if (stanza.kind() == StanzaKind.MESSAGE)
        {
            onMessage(sender, to, stanza);
        }
        else
        {
            onIq(sender, to, stanza);
        }
    }

    /**
     * @return the room, in memory or, if persistent, as last kept; null if there is none.
     */
    private MucRoom room(final Jid jid)
    {
        MucRoom room = rooms.get(jid);
        if (room == null)
        {
            room = store.load(jid);
            if (room != null)
            {
                rooms.put(jid, room);
                if (room.archived)
                {
                    restoreHistory(room);
                }
            }
        }
        return room;
    }

    /**
     * A persistent room back after a restart shows what was said before it, from its archive, as it would have
     * from memory: who said it, with the same occupant and archive ids.
     */
    private void restoreHistory(final MucRoom room)
    {
        archive.newest(room.jid, MucRoom.HISTORY, (index, buffer, offset, length, millis) ->
        {
            archived.wrap(buffer, offset, length, CLIENT_NS, 0, CLIENT_NS.capacity());
            reader.wrap(archived);
            reader.next();
            final String from = reader.attributeValue("from");
            String occupantId = null;
            boolean body = false;
            childElements.wrap(archived);
            while (childElements.next())
            {
                body |= childElements.isInParentNamespace(BODY);
                final StartTagFlyweight child = childElements.tag();
                final int id = child.localNameEquals(OCCUPANT_ID) ? child.attributeIndex(ID) :
                    StartTagFlyweight.MISSING;
                if (id != StartTagFlyweight.MISSING)
                {
                    occupantId = child.buffer().getStringWithoutLengthAscii(child.attributeValueOffset(id),
                        child.attributeValueLength(id));
                }
            }
            if (body && from != null && occupantId != null)
            {
                room.remember(new MucRoom.Said(from.substring(from.indexOf('/') + 1), occupantId,
                    roomPayload(archived), millis, index));
            }
        });
    }

    private void loadPersistentRooms()
    {
        for (final String stored : store.roomsOf(service))
        {
            room(Jid.of(stored));
        }
    }

    /**
     * An account was deleted: its affiliations go from every room, so that whoever registers the name next owns,
     * administers or is a member of no room by inheritance. A room left without an owner stays as configured.
     *
     * @param account the account's bare JID.
     */
    void forget(final Jid account)
    {
        loadPersistentRooms();
        for (final MucRoom room : rooms.values())
        {
            if (room.affiliations.remove(account.toString()) != null)
            {
                store.save(room, true);
            }
        }
    }

    /**
     * A user's resource went offline or sent unavailable presence: it leaves every room it is in.
     */
    void onGone(final Jid real)
    {
        for (final MucRoom room : new ArrayList<>(rooms.values()))
        {
            final MucRoom.Occupant occupant = room.occupantOf(real);
            if (occupant != null)
            {
                leave(room, occupant, MucRoom.Payload.NONE);
            }
        }
    }

    // ---------------------------------------------------------------------------------------------- presence

    private void onPresence(final Session sender, final Jid to, final ElementFlyweight presence)
    {
        final Jid real = sender.jid();
        if (to.local() == null || to.resource() == null)
        {
            // §7.2.1: a join names the nickname; presence to the service or a bare room means nothing here.
            if (presence.typeIndex() == StartTagFlyweight.MISSING)
            {
                error(sender, presence, to, StanzaErrorCondition.JID_MALFORMED);
            }
            return;
        }
        final MucRoom room = room(to.bare());
        final int type = presence.typeIndex();
        if (type != StartTagFlyweight.MISSING)
        {
            if (presence.attributeValueEquals(type, UNAVAILABLE) && room != null)
            {
                final MucRoom.Occupant occupant = room.occupantOf(real);
                if (occupant != null)
                {
                    leave(room, occupant, read(presence).payload);
                }
            }
            return;
        }
        final String nick = to.resource();
        final Join join = read(presence);
        final MucRoom.Occupant occupant = room == null ? null : room.occupantOf(real);
        if (occupant == null)
        {
            enter(sender, to, nick, join, room, presence);
        }
        else if (occupant.nick.equals(nick))
        {
            // §7.7: a presence update is broadcast as it is.
            occupant.presence = join.payload;
            broadcastPresence(room, occupant, false);
        }
        else
        {
            changeNick(sender, room, occupant, nick, presence, to);
        }
    }

    private Join read(final ElementFlyweight presence)
    {
        final Join join = new Join();
        if (presence.isEmptyElement())
        {
            join.payload = new MucRoom.Payload(copiedAttributes(presence, true), MucRoom.Payload.NONE.children());
            return join;
        }
        final ExpandableArrayBuffer children = new ExpandableArrayBuffer(256);
        int length = 0;
        reader.wrap(presence);
        reader.next();
        XmlReader.Event event;
        while ((event = reader.next()) != XmlReader.Event.END_DOCUMENT)
        {
            if (event != XmlReader.Event.START_ELEMENT || reader.depth() != 2)
            {
                continue;
            }
            final int start = reader.elementOffset();
            if (NS.equals(reader.namespace()) && "x".equals(reader.localName()))
            {
                readMucElement(join);
                continue;
            }
            // The room's own word on the occupant (its role, affiliation, JID, id) is not the occupant's to give.
            final boolean forged = USER_NS.equals(reader.namespace()) && "x".equals(reader.localName()) ||
                OCCUPANT_ID_NS.equals(reader.namespace()) && "occupant-id".equals(reader.localName());
            reader.skipElement();
            if (!forged)
            {
                children.putBytes(length, presence.buffer(), start, reader.position() - start);
                length += reader.position() - start;
            }
        }
        final byte[] kept = new byte[length];
        children.getBytes(0, kept);
        join.payload = new MucRoom.Payload(copiedAttributes(presence, true), kept);
        return join;
    }

    private void readMucElement(final Join join)
    {
        final int depth = reader.depth();
        XmlReader.Event event;
        while ((event = reader.next()) != XmlReader.Event.END_DOCUMENT && reader.depth() >= depth)
        {
            if (event != XmlReader.Event.START_ELEMENT)
            {
                continue;
            }
            if ("password".equals(reader.localName()))
            {
                join.password = reader.elementText();
            }
            else if ("history".equals(reader.localName()))
            {
                // §7.2.15: each limit the client sets narrows what is sent; one that does not parse is left out.
                join.maxStanzas = parseCount(reader.attributeValue("maxstanzas"), MucRoom.HISTORY);
                join.maxChars = parseCount(reader.attributeValue("maxchars"), Integer.MAX_VALUE);
                final int seconds = parseCount(reader.attributeValue("seconds"), Integer.MAX_VALUE);
                if (seconds != Integer.MAX_VALUE)
                {
                    join.sinceMillis = System.currentTimeMillis() - seconds * 1000L;
                }
                final String since = reader.attributeValue("since");
                if (since != null)
                {
                    try
                    {
                        join.sinceMillis = Math.max(join.sinceMillis, XmppTime.parse(since));
                    }
                    catch (final IllegalArgumentException ex)
                    {
                        // Not a XEP-0082 DateTime: no limit by time from it.
                    }
                }
            }
        }
    }

    private static int parseCount(final String value, final int otherwise)
    {
        try
        {
            return value == null ? otherwise : Math.max(0, Math.min(otherwise, Integer.parseInt(value)));
        }
        catch (final NumberFormatException ex)
        {
            return otherwise;
        }
    }

    /**
     * §7.2 entering a room, §10.1 creating one.
     */
    private void enter(final Session sender, final Jid to, final String nick, final Join join, final MucRoom existing,
        final ElementFlyweight presence)
    {
        final Jid real = sender.jid();
        if (nick.isEmpty() || Bytes.ascii(nick).length > MAX_NICK_BYTES)
        {
            error(sender, presence, to, StanzaErrorCondition.JID_MALFORMED);
            return;
        }
        final boolean created = existing == null;
        if (created && (rooms.size() >= MAX_ROOMS || temporaryRoomsOwnedBy(real) >= MAX_ROOMS_PER_USER))
        {
            error(sender, presence, to, StanzaErrorCondition.NOT_ALLOWED);
            return;
        }
        final MucRoom room = created ? new MucRoom(to.bare()) : existing;
        if (created)
        {
            room.affiliate(real, MucAffiliation.OWNER);
        }
        final MucAffiliation affiliation = room.affiliation(real);
        final StanzaErrorCondition refusal = refusal(room, affiliation, nick, join);
        if (refusal != null)
        {
            error(sender, presence, to, refusal);
            return;
        }
        if (created)
        {
            rooms.put(room.jid, room);
        }
        final MucRoom.Occupant occupant = new MucRoom.Occupant(
            nick, real, occupantIds.of(room.jid, real), room.defaultRole(affiliation), join.payload);
        // §7.2.3: the others' presence first, then the newcomer's to everyone, its own last.
        for (final MucRoom.Occupant other : room.occupants.values())
        {
            deliver(real, occupantPresence(room, other, real, false, seesJids(room, occupant), List.of()));
        }
        room.occupants.put(nick, occupant);
        for (final MucRoom.Occupant other : room.occupants.values())
        {
            if (other != occupant)
            {
                deliver(other.real,
                    occupantPresence(room, occupant, other.real, false, seesJids(room, other), List.of()));
            }
        }
        final List<Integer> codes = new ArrayList<>(List.of(SELF));
        if (room.whoisAnyone)
        {
            codes.add(NON_ANONYMOUS);
        }
        if (room.logging || room.archived)
        {
            // §7.2.12: the occupant is told that what the room says is kept.
            codes.add(LOGGED);
        }
        if (created)
        {
            codes.add(CREATED);
        }
        deliver(real, occupantPresence(room, occupant, real, false, true, codes));
        sendHistory(room, real, join);
        // §7.2.15: the subject, empty or not, tells the client it has the whole join.
        xml.wrap(out, 0).start(MESSAGE).attribute(FROM, room.subjectNick == null ? room.jid.toString() :
                room.jid + "/" + room.subjectNick).attribute(TO, real.toString()).attribute(TYPE, GROUPCHAT)
            .start(SUBJECT).text(room.subject).end();
        deliver(real, xml.end().length());
    }

    private int temporaryRoomsOwnedBy(final Jid real)
    {
        int owned = 0;
        for (final MucRoom room : rooms.values())
        {
            owned += !room.persistent && room.affiliation(real) == MucAffiliation.OWNER ? 1 : 0;
        }
        return owned;
    }

    /**
     * §7.2.4-§7.2.9 in the order ejabberd and Prosody check them.
     */
    private static StanzaErrorCondition refusal(final MucRoom room, final MucAffiliation affiliation,
        final String nick, final Join join)
    {
        if (room.locked && affiliation != MucAffiliation.OWNER)
        {
            return StanzaErrorCondition.ITEM_NOT_FOUND;
        }
        if (affiliation == MucAffiliation.OUTCAST)
        {
            return StanzaErrorCondition.FORBIDDEN;
        }
        if (room.membersOnly && !affiliation.atLeast(MucAffiliation.MEMBER))
        {
            return StanzaErrorCondition.REGISTRATION_REQUIRED;
        }
        if (room.occupants.containsKey(nick))
        {
            // Also for another resource of the same user: one nickname is one occupant here.
            return StanzaErrorCondition.CONFLICT;
        }
        if (room.passwordProtected && affiliation != MucAffiliation.OWNER && !room.password.equals(join.password))
        {
            return StanzaErrorCondition.NOT_AUTHORIZED;
        }
        if (!room.hasRoomFor(affiliation))
        {
            return StanzaErrorCondition.SERVICE_UNAVAILABLE;
        }
        return null;
    }

    /**
     * §7.2.15: the newest messages that meet every limit the client asked for, whole stanzas only, oldest first.
     */
    private void sendHistory(final MucRoom room, final Jid real, final Join join)
    {
        final List<MucRoom.Said> history = new ArrayList<>(room.history);
        int first = history.size();
        int chars = 0;
        while (first > 0 && history.size() - first < join.maxStanzas &&
            history.get(first - 1).millis() >= join.sinceMillis)
        {
            // Bytes for characters: never more characters than bytes, so never more than maxchars.
            chars += historyStanza(room, real, history.get(first - 1));
            if (chars > join.maxChars)
            {
                break;
            }
            first--;
        }
        for (int i = first; i < history.size(); i++)
        {
            deliver(real, historyStanza(room, real, history.get(i)));
        }
    }

    /**
     * @return the length of one message of the history, as sent, written to {@link #out}.
     */
    private int historyStanza(final MucRoom room, final Jid real, final MucRoom.Said said)
    {
        xml.wrap(out, 0).start(MESSAGE).attribute(FROM, room.jid + "/" + said.nick())
            .attribute(TO, real.toString()).attribute(TYPE, GROUPCHAT);
        said(said.payload(), said.occupantId());
        return stanzaId(room, said.archiveIndex())
            .start(DELAY).attribute(XMLNS, "urn:xmpp:delay").attribute(FROM, room.jid.toString())
            .attribute(STAMP, stamp(said.millis())).end().end().length();
    }

    /**
     * §7.6: the old nickname goes unavailable with 303 and the new one, the new nickname comes available.
     */
    private void changeNick(final Session sender, final MucRoom room, final MucRoom.Occupant occupant,
        final String nick, final ElementFlyweight presence, final Jid to)
    {
        final MucRoom.Occupant holder = room.occupants.get(nick);
        if (holder != null || nick.isEmpty() || Bytes.ascii(nick).length > MAX_NICK_BYTES)
        {
            error(sender, presence, to,
                holder != null ? StanzaErrorCondition.CONFLICT : StanzaErrorCondition.JID_MALFORMED);
            return;
        }
        for (final MucRoom.Occupant other : room.occupants.values())
        {
            final List<Integer> codes = other == occupant ? List.of(NEW_NICK, SELF) : List.of(NEW_NICK);
            deliver(other.real, occupantPresence(room, occupant, other.real, true, seesJids(room, other), codes,
                nick, null, null));
        }
        room.occupants.remove(occupant.nick);
        occupant.nick = nick;
        room.occupants.put(nick, occupant);
        broadcastPresence(room, occupant, false);
    }

    private void leave(final MucRoom room, final MucRoom.Occupant occupant, final MucRoom.Payload presence)
    {
        occupant.presence = presence;
        broadcastPresence(room, occupant, true);
        room.occupants.remove(occupant.nick);
        dropIfDone(room);
    }

    /**
     * §10.9 and §7.14: a temporary room is destroyed when its last occupant leaves.
     */
    private void dropIfDone(final MucRoom room)
    {
        if (room.occupants.isEmpty() && !room.persistent)
        {
            rooms.remove(room.jid);
            archive.delete(room.jid);
        }
    }

    private void broadcastPresence(final MucRoom room, final MucRoom.Occupant occupant, final boolean unavailable)
    {
        for (final MucRoom.Occupant other : room.occupants.values())
        {
            deliver(other.real, occupantPresence(room, occupant, other.real, unavailable, seesJids(room, other),
                other == occupant ? List.of(SELF) : List.of()));
        }
    }

    private static boolean seesJids(final MucRoom room, final MucRoom.Occupant viewer)
    {
        return room.whoisAnyone || viewer.role == MucRole.MODERATOR;
    }

    private int occupantPresence(final MucRoom room, final MucRoom.Occupant occupant, final Jid to,
        final boolean unavailable, final boolean withJid, final List<Integer> codes)
    {
        return occupantPresence(room, occupant, to, unavailable, withJid, codes, null, null, null);
    }

    /**
     * §7.2.3's extended presence: the occupant's own presence, and its affiliation, role, and real JID for
     * those allowed to see it.
     *
     * @param newNick     for a nickname change (§7.6), the new nickname; else null.
     * @param reason      why it was removed (§8.2, §9.1), or null.
     * @param destruction the room's destruction reason (§10.9), or null.
     */
    private int occupantPresence(final MucRoom room, final MucRoom.Occupant occupant, final Jid to,
        final boolean unavailable, final boolean withJid, final List<Integer> codes, final String newNick,
        final String reason, final String destruction)
    {
        xml.wrap(out, 0).start(PRESENCE).attribute(FROM, room.jid + "/" + occupant.nick)
            .attribute(TO, to.toString());
        if (unavailable)
        {
            xml.attribute(TYPE, UNAVAILABLE);
        }
        xml.rawAttributes(occupant.presence.declarations()).raw(occupant.presence.children());
        occupantId(occupant.id).start(X).attribute(XMLNS, USER_NS).start(ITEM)
            .attribute(AFFILIATION, (destruction != null ? MucAffiliation.NONE : room.affiliation(occupant.real))
                .value())
            .attribute(ROLE, (unavailable && newNick == null ? MucRole.NONE : occupant.role).value());
        if (withJid)
        {
            xml.attribute(JID, occupant.real.toString());
        }
        if (newNick != null)
        {
            xml.attribute(NICK, newNick);
        }
        if (reason != null)
        {
            xml.start(REASON).text(reason).end();
        }
        xml.end();
        for (final int code : codes)
        {
            xml.start(STATUS).attribute(CODE, Integer.toString(code)).end();
        }
        if (destruction != null)
        {
            xml.start(DESTROY).start(REASON).text(destruction).end().end();
        }
        return xml.end().end().length();
    }

    // ---------------------------------------------------------------------------------------------- messages

    private void onMessage(final Session sender, final Jid to, final ElementFlyweight message)
    {
        final int type = message.typeIndex();
        if (type != StartTagFlyweight.MISSING && message.attributeValueEquals(type, ERROR))
        {
            return;
        }
        final MucRoom room = to.local() == null ? null : room(to.bare());
        if (room == null)
        {
            error(sender, message, to, StanzaErrorCondition.ITEM_NOT_FOUND);
            return;
        }
        final Jid real = sender.jid();
        final MucRoom.Occupant occupant = room.occupantOf(real);
        if (to.resource() != null)
        {
            privateMessage(sender, room, occupant, to, message);
            return;
        }
        if (type == StartTagFlyweight.MISSING || !message.attributeValueEquals(type, GROUPCHAT))
        {
            invite(sender, room, occupant, to, message);
            return;
        }
        if (occupant == null)
        {
            // §7.4: only occupants speak in a room.
            error(sender, message, to, StanzaErrorCondition.NOT_ACCEPTABLE);
            return;
        }
        boolean subject = false;
        boolean body = false;
        childElements.wrap(message);
        while (childElements.next())
        {
            subject |= childElements.isInParentNamespace(SUBJECT);
            body |= childElements.isInParentNamespace(BODY);
        }
        if (occupant.role == MucRole.VISITOR ||
            subject && !body && occupant.role != MucRole.MODERATOR && !room.changeSubject)
        {
            // §7.4 (moderated rooms), §8.1 (subject changes).
            error(sender, message, to, StanzaErrorCondition.FORBIDDEN);
            return;
        }
        if (subject && !body)
        {
            room.subject = subjectOf(message);
            room.subjectNick = occupant.nick;
            store.save(room, true);
        }
        final MucRoom.Payload payload = roomPayload(message);
        final long millis = System.currentTimeMillis();
        final long archiveIndex =
            room.archived && (subject || body) ? archive(room, occupant, message, payload, millis) : -1;
        if (body)
        {
            room.remember(new MucRoom.Said(occupant.nick, occupant.id, payload, millis, archiveIndex));
        }
        for (final MucRoom.Occupant other : room.occupants.values())
        {
            xml.wrap(out, 0).start(MESSAGE).attribute(FROM, room.jid + "/" + occupant.nick)
                .attribute(TO, other.real.toString()).attribute(TYPE, GROUPCHAT);
            copyId(message);
            said(payload, occupant.id);
            deliver(other.real, stanzaId(room, archiveIndex).end().length());
        }
    }

    /**
     * Finish the open start tag of a copy of what an occupant said, with the occupant's XEP-0421 id.
     */
    private XmlEncoder said(final MucRoom.Payload payload, final String occupantId)
    {
        xml.rawAttributes(payload.declarations()).raw(payload.children());
        return occupantId(occupantId);
    }

    /**
     * XEP-0421 §3: every message and presence from an occupant names the occupant's id.
     */
    private XmlEncoder occupantId(final String id)
    {
        return xml.start(OCCUPANT_ID).attribute(XMLNS, OCCUPANT_ID_NS).attribute(ID, id).end();
    }

    /**
     * XEP-0313 business rules for MUC archives: a message with a body or a subject is kept once, as occupants get
     * it but for the {@code to}, before any of them does.
     */
    private long archive(final MucRoom room, final MucRoom.Occupant occupant, final ElementFlyweight message,
        final MucRoom.Payload payload, final long millis)
    {
        xml.wrap(kept, 0).start(MESSAGE).attribute(FROM, room.jid + "/" + occupant.nick).attribute(TYPE, GROUPCHAT);
        copyId(message);
        final int length = said(payload, occupant.id).end().length();
        return archive.archive(room.jid, kept, 0, length, millis);
    }

    /**
     * XEP-0359 §4, XEP-0313 §3.3: an archived message names its place in the room's archive.
     */
    private XmlEncoder stanzaId(final MucRoom room, final long archiveIndex)
    {
        if (archiveIndex >= 0)
        {
            final int length = archive.writeId(archiveIndex, archiveId, 0);
            xml.start(STANZA_ID).attribute(XMLNS, SID_NS).attribute(ID, archiveId, 0, length)
                .attribute(BY, room.jid.toString()).end();
        }
        return xml;
    }

    /**
     * What an occupant's message goes out with, less what only the room may say: any {@code <stanza-id/>}
     * (XEP-0359 §5: a client cannot name an archive's id) or {@code <occupant-id/>} (XEP-0421 §4: the room's to
     * give), and an {@code <x/>} in the muc#user namespace (XEP-0313 §8.2: the archive's word on who sent it).
     */
    private MucRoom.Payload roomPayload(final ElementFlyweight message)
    {
        int length = 0;
        childElements.wrap(message);
        while (childElements.next())
        {
            final StartTagFlyweight child = childElements.tag();
            final boolean forged = child.localNameEquals(STANZA_ID) || child.localNameEquals(OCCUPANT_ID) ||
                isMucUserElement(message);
            if (!forged)
            {
                kept.putBytes(length, message.buffer(), childElements.childOffset(), childElements.childLength());
                length += childElements.childLength();
            }
        }
        final byte[] children = new byte[length];
        kept.getBytes(0, children);
        return new MucRoom.Payload(copiedAttributes(message, false), children);
    }

    /**
     * @return whether the current child is an {@code <x/>} in the muc#user namespace, declared on itself,
     * inherited, or bound to its prefix on the message's own tag.
     */
    private boolean isMucUserElement(final ElementFlyweight message)
    {
        final StartTagFlyweight child = childElements.tag();
        if (!child.localNameEquals(X))
        {
            return false;
        }
        if (childElements.is(X, USER_NS_BYTES))
        {
            return true;
        }
        final int prefixLength = child.prefixLength();
        for (int a = 0; prefixLength > 0 && a < message.attributeCount(); a++)
        {
            if (isDeclarationOf(message, a, child.buffer(), child.nameOffset(), prefixLength))
            {
                return message.attributeValueEquals(a, USER_NS_BYTES);
            }
        }
        return false;
    }

    private static boolean isDeclarationOf(final ElementFlyweight message, final int attribute,
        final DirectBuffer prefixBuffer, final int prefixOffset, final int prefixLength)
    {
        final int nameOffset = message.attributeNameOffset(attribute);
        return message.attributeNameLength(attribute) == XMLNS_COLON.length + prefixLength &&
            Bytes.equals(message.buffer(), nameOffset, XMLNS_COLON.length, XMLNS_COLON) &&
            Bytes.regionEquals(message.buffer(), nameOffset + XMLNS_COLON.length, prefixBuffer, prefixOffset,
                prefixLength);
    }

    /**
     * @param withId whether the stanza's {@code id} goes too: a presence's is reflected with it (the room's
     *               {@code muc#stable_id}), a message's is copied by {@link #copyId}.
     * @return the prefixes the stanza's own tag declares, as written ({@code xmlns:a='..'} ...), and its id if asked:
     * the room's copies carry the children out of that tag, and a child using a prefix must find it declared there.
     */
    private byte[] copiedAttributes(final ElementFlyweight stanza, final boolean withId)
    {
        int length = 0;
        for (int a = 0; a < stanza.attributeCount(); a++)
        {
            final int nameOffset = stanza.attributeNameOffset(a);
            final boolean declaration = stanza.attributeNameLength(a) > XMLNS_COLON.length &&
                Bytes.equals(stanza.buffer(), nameOffset, XMLNS_COLON.length, XMLNS_COLON);
            if (declaration || withId && a == stanza.idIndex())
            {
                final int end = stanza.attributeValueOffset(a) + stanza.attributeValueLength(a) + 1;
                kept.putByte(length++, (byte)' ');
                kept.putBytes(length, stanza.buffer(), nameOffset, end - nameOffset);
                length += end - nameOffset;
            }
        }
        final byte[] declarations = new byte[length];
        kept.getBytes(0, declarations);
        return declarations;
    }

    /**
     * §7.5: a private message to one occupant, from the sender's room JID.
     */
    private void privateMessage(final Session sender, final MucRoom room, final MucRoom.Occupant from,
        final Jid to, final ElementFlyweight message)
    {
        final MucRoom.Occupant recipient = room.occupants.get(to.resource());
        if (from == null || message.attributeValueEquals(message.typeIndex(), GROUPCHAT))
        {
            error(sender, message, to,
                from == null ? StanzaErrorCondition.NOT_ACCEPTABLE : StanzaErrorCondition.BAD_REQUEST);
            return;
        }
        if (recipient == null)
        {
            error(sender, message, to, StanzaErrorCondition.ITEM_NOT_FOUND);
            return;
        }
        xml.wrap(out, 0).start(MESSAGE).attribute(FROM, room.jid + "/" + from.nick)
            .attribute(TO, recipient.real.toString()).attribute(TYPE, CHAT);
        copyId(message);
        said(roomPayload(message), from.id).start(X).attribute(XMLNS, USER_NS).end();
        deliver(recipient.real, xml.end().length());
    }

    /**
     * §7.8.2: a mediated invitation, passed on from the room with the inviter's real JID.
     */
    private void invite(final Session sender, final MucRoom room, final MucRoom.Occupant inviter, final Jid to,
        final ElementFlyweight message)
    {
        final Jid real = sender.jid();
        final List<Jid> invitees = new ArrayList<>();
        String reason = null;
        reader.wrap(message);
        XmlReader.Event event;
        while ((event = reader.next()) != XmlReader.Event.END_DOCUMENT)
        {
            if (event == XmlReader.Event.START_ELEMENT && reader.depth() == 3 && "invite".equals(reader.localName()))
            {
                final Jid invitee = parse(reader.attributeValue("to"));
                if (invitee != null)
                {
                    invitees.add(invitee);
                }
            }
            else if (event == XmlReader.Event.START_ELEMENT && reader.depth() == 4 &&
                "reason".equals(reader.localName()))
            {
                reason = reader.elementText();
            }
        }
        if (invitees.isEmpty())
        {
            error(sender, message, to, StanzaErrorCondition.BAD_REQUEST);
            return;
        }
        final MucAffiliation affiliation = room.affiliation(real);
        if (inviter == null || room.membersOnly && !room.allowInvites && !affiliation.atLeast(MucAffiliation.ADMIN))
        {
            error(sender, message, to, StanzaErrorCondition.FORBIDDEN);
            return;
        }
        for (final Jid invitee : invitees)
        {
            if (room.membersOnly && !room.affiliation(invitee).atLeast(MucAffiliation.MEMBER))
            {
                room.affiliate(invitee, MucAffiliation.MEMBER);
                store.save(room, true);
            }
            xml.wrap(out, 0).start(MESSAGE).attribute(FROM, room.jid.toString()).attribute(TO, invitee.toString())
                .start(X).attribute(XMLNS, USER_NS).start(INVITE).attribute(FROM, real.toString());
            if (reason != null)
            {
                xml.start(REASON).text(reason).end();
            }
            xml.end();
            if (room.passwordProtected)
            {
                xml.start(PASSWORD).text(room.password).end();
            }
            deliverToUser(invitee, xml.end().end().length());
        }
    }

    // ---------------------------------------------------------------------------------------------- IQs

    private void onIq(final Session sender, final Jid to, final ElementFlyweight iq)
    {
        final int type = iq.typeIndex();
        final boolean get = iq.attributeValueEquals(type, GET);
        final boolean set = iq.attributeValueEquals(type, SET);
        final MucRoom room = to.local() == null ? null : room(to.bare());
        if (to.resource() != null)
        {
            toOccupant(sender, room, to, iq, get || set);
            return;
        }
        if (!get && !set)
        {
            return;
        }
        reader.wrap(iq);
        reader.next();
        final String namespace = reader.next() == XmlReader.Event.START_ELEMENT ? reader.namespace() : "";
        if (to.local() == null)
        {
            serviceIq(sender, to, iq, namespace, get);
            return;
        }
        if (room == null)
        {
            error(sender, iq, to, StanzaErrorCondition.ITEM_NOT_FOUND);
            return;
        }
        final StanzaErrorCondition failure = switch (namespace)
        {
            case ServerServices.DISCO_INFO -> get ? roomInfo(sender, room, iq) : StanzaErrorCondition.BAD_REQUEST;
            case ServerServices.DISCO_ITEMS -> get ? roomItems(sender, room, iq) : StanzaErrorCondition.BAD_REQUEST;
            case OWNER_NS -> owner(sender, room, iq, get);
            case ADMIN_NS -> admin(sender, room, iq, get);
            case ArchiveService.MAM_NS -> roomArchive(sender, room, iq, set);
            default -> StanzaErrorCondition.FEATURE_NOT_IMPLEMENTED;
        };
        if (failure != null)
        {
            error(sender, iq, to, failure);
        }
    }

    /**
     * XEP-0313, business rules for MUC archives: who may enter may read, at the time of the query: not an
     * outcast, in a members-only room a member at least, in a password-protected room a member or an occupant
     * (who gave the password).
     */
    private StanzaErrorCondition roomArchive(final Session sender, final MucRoom room, final ElementFlyweight iq,
        final boolean set)
    {
        if (!room.archived)
        {
            return StanzaErrorCondition.FEATURE_NOT_IMPLEMENTED;
        }
        final MucAffiliation affiliation = room.affiliation(sender.jid());
        final boolean member = affiliation.atLeast(MucAffiliation.MEMBER);
        if (room.locked || affiliation == MucAffiliation.OUTCAST || room.membersOnly && !member ||
            room.passwordProtected && !member && room.occupantOf(sender.jid()) == null)
        {
            return room.locked ? StanzaErrorCondition.ITEM_NOT_FOUND : StanzaErrorCondition.FORBIDDEN;
        }
        return archive.onIq(sender, room.jid, iq, set);
    }

    /**
     * §7.7 (IQs between occupants): a request goes to the occupant's real JID from the sender's room JID, a
     * response back the same way; §6.6: a non-occupant may not ask an occupant anything. XEP-0410 §3.3: a ping
     * to one's own room JID is answered by the room, result if joined, else not-acceptable, without a round trip
     * to a client that may be asleep.
     */
    private void toOccupant(final Session sender, final MucRoom room, final Jid to, final ElementFlyweight iq,
        final boolean request)
    {
        final MucRoom.Occupant from = room == null ? null : room.occupantOf(sender.jid());
        final MucRoom.Occupant target = room == null ? null : room.occupants.get(to.resource());
        final boolean ping = request && isPing(iq);
        if (from == null || target == null)
        {
            if (request)
            {
                error(sender, iq, to, from == null ? (ping ? StanzaErrorCondition.NOT_ACCEPTABLE :
                    StanzaErrorCondition.BAD_REQUEST) : StanzaErrorCondition.ITEM_NOT_FOUND);
            }
            return;
        }
        if (ping && from == target)
        {
            sender.deliver(out, 0, result(sender, to, iq).end().length());
            return;
        }
        xml.wrap(out, 0).start(IQ).attribute(FROM, room.jid + "/" + from.nick).attribute(TO, target.real.toString());
        copyId(iq);
        final int type = iq.typeIndex();
        xml.attribute(TYPE, iq.buffer(), iq.attributeValueOffset(type), iq.attributeValueLength(type));
        deliver(target.real, copyChildren(iq).end().length());
    }

    private boolean isPing(final ElementFlyweight iq)
    {
        return iq.attributeValueEquals(iq.typeIndex(), GET) && childElements.wrap(iq).next() &&
            childElements.is(PING, PING_NS);
    }

    /**
     * §6.1-§6.3: the service's identity and features, and its public rooms.
     */
    private void serviceIq(final Session sender, final Jid to, final ElementFlyweight iq, final String namespace,
        final boolean get)
    {
        if (get && ServerServices.DISCO_INFO.equals(namespace))
        {
            result(sender, to, iq).start(QUERY).attribute(XMLNS, ServerServices.DISCO_INFO)
                .start(IDENTITY).attribute(CATEGORY, "conference").attribute(TYPE, "text")
                .attribute(NAME, "Chatrooms").end()
                .start(FEATURE).attribute(VAR, NS).end()
                // XEP-0421 §4: every room names its occupants' ids, so the service says so too.
                .start(FEATURE).attribute(VAR, OCCUPANT_ID_NS).end()
                .start(FEATURE).attribute(VAR, ServerServices.DISCO_INFO).end()
                .start(FEATURE).attribute(VAR, ServerServices.DISCO_ITEMS).end();
            sender.deliver(out, 0, xml.end().end().length());
        }
        else if (get && ServerServices.DISCO_ITEMS.equals(namespace))
        {
            loadPersistentRooms();
            result(sender, to, iq).start(QUERY).attribute(XMLNS, ServerServices.DISCO_ITEMS);
            for (final MucRoom room : rooms.values())
            {
                if (room.visible && !room.locked)
                {
                    xml.start(ITEM).attribute(JID, room.jid.toString()).attribute(NAME, roomName(room)).end();
                }
            }
            sender.deliver(out, 0, xml.end().end().length());
        }
        else
        {
            error(sender, iq, to, StanzaErrorCondition.FEATURE_NOT_IMPLEMENTED);
        }
    }

    /**
     * §6.4: the room's identity, its features by configuration, and the muc#roominfo form.
     */
    private StanzaErrorCondition roomInfo(final Session sender, final MucRoom room, final ElementFlyweight iq)
    {
        result(sender, room.jid, iq).start(QUERY).attribute(XMLNS, ServerServices.DISCO_INFO)
            .start(IDENTITY).attribute(CATEGORY, "conference").attribute(TYPE, "text")
            .attribute(NAME, roomName(room)).end();
        for (final String feature : new String[]{NS, SELF_PING_OPTIMIZATION, OCCUPANT_ID_NS, STABLE_ID,
            room.visible ? "muc_public" : "muc_hidden",
            room.persistent ? "muc_persistent" : "muc_temporary", room.membersOnly ? "muc_membersonly" : "muc_open",
            room.moderated ? "muc_moderated" : "muc_unmoderated",
            room.whoisAnyone ? "muc_nonanonymous" : "muc_semianonymous",
            room.passwordProtected ? "muc_passwordprotected" : "muc_unsecured"})
        {
            xml.start(FEATURE).attribute(VAR, feature).end();
        }
        if (room.archived)
        {
            for (final String feature : new String[]{ArchiveService.MAM_NS, ArchiveService.MAM_NS + "#extended",
                "urn:xmpp:sid:0"})
            {
                xml.start(FEATURE).attribute(VAR, feature).end();
            }
        }
        xml.start(X).attribute(XMLNS, DataForm.NS).attribute(TYPE, RESULT);
        formField("FORM_TYPE", "hidden", ROOMINFO_FORM_TYPE);
        formField("muc#roominfo_description", "text-single", room.description);
        formField("muc#roominfo_subject", "text-single", room.subject);
        formField("muc#roominfo_occupants", "text-single", Integer.toString(room.occupants.size()));
        formField("muc#roomconfig_roomname", "text-single", roomName(room));
        sender.deliver(out, 0, xml.end().end().end().length());
        return null;
    }

    /**
     * §6.5: the occupants, by room JID.
     */
    private StanzaErrorCondition roomItems(final Session sender, final MucRoom room, final ElementFlyweight iq)
    {
        result(sender, room.jid, iq).start(QUERY).attribute(XMLNS, ServerServices.DISCO_ITEMS);
        for (final MucRoom.Occupant occupant : room.occupants.values())
        {
            xml.start(ITEM).attribute(JID, room.jid + "/" + occupant.nick).end();
        }
        sender.deliver(out, 0, xml.end().end().length());
        return null;
    }

    private static String roomName(final MucRoom room)
    {
        return room.name.isEmpty() ? room.jid.local() : room.name;
    }

    /**
     * §10.1.2-§10.2 (configuration) and §10.9 (destruction), for owners only.
     */
    private StanzaErrorCondition owner(final Session sender, final MucRoom room, final ElementFlyweight iq,
        final boolean get)
    {
        if (room.affiliation(sender.jid()) != MucAffiliation.OWNER)
        {
            return StanzaErrorCondition.FORBIDDEN;
        }
        if (get)
        {
            configurationForm(sender, room, iq);
            return null;
        }
        DataForm form = null;
        String formType = null;
        String destroyReason = null;
        boolean destroy = false;
        XmlReader.Event event;
        while ((event = reader.next()) != XmlReader.Event.END_DOCUMENT)
        {
            if (event != XmlReader.Event.START_ELEMENT || reader.depth() != 3)
            {
                continue;
            }
            if ("x".equals(reader.localName()) && DataForm.NS.equals(reader.namespace()))
            {
                formType = reader.attributeValue("type");
                form = DataForm.read(reader);
            }
            else if ("destroy".equals(reader.localName()))
            {
                destroy = true;
                destroyReason = readReason();
            }
        }
        if (destroy)
        {
            destroy(room, destroyReason == null ? "" : destroyReason);
            sender.deliver(out, 0, result(sender, room.jid, iq).end().length());
            return null;
        }
        if (form == null)
        {
            return StanzaErrorCondition.BAD_REQUEST;
        }
        if ("cancel".equals(formType))
        {
            // §10.1.3: cancelling the first configuration destroys the room it would have configured.
            if (room.locked)
            {
                destroy(room, "");
            }
        }
        else
        {
            if (!form.type().isEmpty() && !MucRoom.CONFIG_FORM_TYPE.equals(form.type()) ||
                room.configure(form.fields()) != null)
            {
                return StanzaErrorCondition.NOT_ACCEPTABLE;
            }
            final boolean wasLocked = room.locked;
            room.locked = false;
            store.save(room, true);
            if (!wasLocked)
            {
                configurationChanged(room);
            }
        }
        sender.deliver(out, 0, result(sender, room.jid, iq).end().length());
        return null;
    }

    private String readReason()
    {
        final int depth = reader.depth();
        String reason = null;
        XmlReader.Event event;
        while ((event = reader.next()) != XmlReader.Event.END_DOCUMENT && reader.depth() >= depth)
        {
            if (event == XmlReader.Event.START_ELEMENT && "reason".equals(reader.localName()))
            {
                reason = reader.elementText();
            }
        }
        return reason;
    }

    /**
     * §10.2.1: occupants are told the configuration changed (status 104).
     */
    private void configurationChanged(final MucRoom room)
    {
        for (final MucRoom.Occupant occupant : room.occupants.values())
        {
            xml.wrap(out, 0).start(MESSAGE).attribute(FROM, room.jid.toString())
                .attribute(TO, occupant.real.toString()).attribute(TYPE, GROUPCHAT)
                .start(X).attribute(XMLNS, USER_NS).start(STATUS)
                .attribute(CODE, Integer.toString(CONFIGURATION_CHANGED)).end();
            deliver(occupant.real, xml.end().end().length());
        }
    }

    private void configurationForm(final Session sender, final MucRoom room, final ElementFlyweight iq)
    {
        result(sender, room.jid, iq).start(QUERY).attribute(XMLNS, OWNER_NS).start(X).attribute(XMLNS, DataForm.NS)
            .attribute(TYPE, "form");
        formField("FORM_TYPE", "hidden", MucRoom.CONFIG_FORM_TYPE);
        formField("muc#roomconfig_roomname", "text-single", room.name);
        formField("muc#roomconfig_roomdesc", "text-single", room.description);
        formField("muc#roomconfig_persistentroom", "boolean", flag(room.persistent));
        formField("muc#roomconfig_publicroom", "boolean", flag(room.visible));
        formField("muc#roomconfig_membersonly", "boolean", flag(room.membersOnly));
        formField("muc#roomconfig_moderatedroom", "boolean", flag(room.moderated));
        formField("muc#roomconfig_changesubject", "boolean", flag(room.changeSubject));
        formField("muc#roomconfig_allowinvites", "boolean", flag(room.allowInvites));
        formField("muc#roomconfig_passwordprotectedroom", "boolean", flag(room.passwordProtected));
        formField("muc#roomconfig_roomsecret", "text-private", room.password);
        formField("muc#roomconfig_enablelogging", "boolean", flag(room.logging));
        formField(MucRoom.ARCHIVING_FIELD, "boolean", flag(room.archived));
        xml.start(FIELD).attribute(VAR, "muc#roomconfig_whois").attribute(TYPE, "list-single")
            .start(VALUE).text(room.whoisAnyone ? "anyone" : "moderators").end()
            .start(OPTION).attribute(LABEL, "Moderators only").start(VALUE).text("moderators").end().end()
            .start(OPTION).attribute(LABEL, "Anyone").start(VALUE).text("anyone").end().end().end();
        xml.start(FIELD).attribute(VAR, "muc#roomconfig_maxusers").attribute(TYPE, "list-single")
            .start(VALUE).text(room.maxUsers == 0 ? "none" : Integer.toString(room.maxUsers)).end();
        for (final String option : new String[]{"10", "20", "30", "50", "100", "200", "none"})
        {
            xml.start(OPTION).start(VALUE).text(option).end().end();
        }
        sender.deliver(out, 0, xml.end().end().end().end().length());
    }

    private static String flag(final boolean value)
    {
        return value ? "1" : "0";
    }

    private void formField(final String var, final String type, final String value)
    {
        xml.start(FIELD).attribute(VAR, var).attribute(TYPE, type).start(VALUE).text(value).end().end();
    }

    /**
     * §10.9: everyone leaves with the reason; the room is gone.
     */
    private void destroy(final MucRoom room, final String reason)
    {
        for (final MucRoom.Occupant occupant : room.occupants.values())
        {
            occupant.presence = MucRoom.Payload.NONE;
            deliver(occupant.real, occupantPresence(room, occupant, occupant.real, true, false, List.of(SELF),
                null, null, reason));
        }
        room.occupants.clear();
        rooms.remove(room.jid);
        store.save(room, false);
        archive.delete(room.jid);
    }

    /**
     * §8 (moderators: roles) and §9, §10 (admins and owners: affiliations): lists and changes.
     */
    private StanzaErrorCondition admin(final Session sender, final MucRoom room, final ElementFlyweight iq,
        final boolean get)
    {
        final List<AdminItem> items = new ArrayList<>();
        XmlReader.Event event;
        while ((event = reader.next()) != XmlReader.Event.END_DOCUMENT)
        {
            if (event == XmlReader.Event.START_ELEMENT && reader.depth() == 3 && "item".equals(reader.localName()))
            {
                final String roleValue = reader.attributeValue("role");
                final String affiliationValue = reader.attributeValue("affiliation");
                final String jid = reader.attributeValue("jid");
                final String nick = reader.attributeValue("nick");
                final MucRole role = roleValue == null ? null : MucRole.of(roleValue);
                final MucAffiliation affiliation =
                    affiliationValue == null ? null : MucAffiliation.of(affiliationValue);
                if (roleValue != null && role == null || affiliationValue != null && affiliation == null ||
                    role == null && affiliation == null)
                {
                    return StanzaErrorCondition.BAD_REQUEST;
                }
                items.add(new AdminItem(nick, jid == null ? null : parse(jid), role, affiliation, readReason()));
            }
        }
        if (items.isEmpty())
        {
            return StanzaErrorCondition.BAD_REQUEST;
        }
        final MucRoom.Occupant actor = room.occupantOf(sender.jid());
        final MucAffiliation actorAffiliation = room.affiliation(sender.jid());
        if (get)
        {
            return adminList(sender, room, iq, items.get(0), actor, actorAffiliation);
        }
        for (final AdminItem item : items)
        {
            final StanzaErrorCondition refusal = item.affiliation() != null ?
                checkAffiliationChange(room, item, actorAffiliation) : checkRoleChange(room, item, actor);
            if (refusal != null)
            {
                return refusal;
            }
        }
        if (!keepsAnOwner(room, items))
        {
            return StanzaErrorCondition.CONFLICT;
        }
        for (final AdminItem item : items)
        {
            if (item.affiliation() != null)
            {
                changeAffiliation(room, item);
                continue;
            }
            // An earlier item of the same request may have removed the occupant (a kick, a ban): nothing left to do.
            final MucRoom.Occupant occupant = room.occupants.get(item.nick());
            if (occupant != null)
            {
                changeRole(room, occupant, item.role(), item.reason());
            }
        }
        sender.deliver(out, 0, result(sender, room.jid, iq).end().length());
        dropIfDone(room);
        return null;
    }

    private StanzaErrorCondition adminList(final Session sender, final MucRoom room, final ElementFlyweight iq,
        final AdminItem asked, final MucRoom.Occupant actor, final MucAffiliation actorAffiliation)
    {
        if (asked.affiliation() != null ? !actorAffiliation.atLeast(MucAffiliation.ADMIN) :
            actor == null || actor.role != MucRole.MODERATOR)
        {
            return StanzaErrorCondition.FORBIDDEN;
        }
        result(sender, room.jid, iq).start(QUERY).attribute(XMLNS, ADMIN_NS);
        if (asked.affiliation() != null)
        {
            for (final Map.Entry<String, MucAffiliation> entry : room.affiliations.entrySet())
            {
                if (entry.getValue() == asked.affiliation())
                {
                    xml.start(ITEM).attribute(AFFILIATION, entry.getValue().value()).attribute(JID, entry.getKey())
                        .end();
                }
            }
        }
        else
        {
            for (final MucRoom.Occupant occupant : room.occupants.values())
            {
                if (occupant.role == asked.role())
                {
                    xml.start(ITEM).attribute(AFFILIATION, room.affiliation(occupant.real).value())
                        .attribute(JID, occupant.real.toString()).attribute(NICK, occupant.nick)
                        .attribute(ROLE, occupant.role.value()).end();
                }
            }
        }
        sender.deliver(out, 0, xml.end().end().length());
        return null;
    }

    /**
     * §8.2-§8.6, §9.6-§9.7: moderators change the roles of those who rank below them by affiliation.
     */
    private static StanzaErrorCondition checkRoleChange(final MucRoom room, final AdminItem item,
        final MucRoom.Occupant actor)
    {
        final MucRoom.Occupant target = item.nick() == null ? null : room.occupants.get(item.nick());
        if (target == null)
        {
            return item.nick() == null ? StanzaErrorCondition.BAD_REQUEST : StanzaErrorCondition.ITEM_NOT_FOUND;
        }
        if (actor == null || actor.role != MucRole.MODERATOR)
        {
            return StanzaErrorCondition.FORBIDDEN;
        }
        final MucAffiliation actorAffiliation = room.affiliation(actor.real);
        final MucAffiliation targetAffiliation = room.affiliation(target.real);
        if (item.role() == MucRole.MODERATOR || target.role == MucRole.MODERATOR)
        {
            // §9.6, §9.7: granting and revoking moderation is for admins, not over owners or other admins.
            return actorAffiliation.atLeast(MucAffiliation.ADMIN) &&
                (actorAffiliation == MucAffiliation.OWNER || !targetAffiliation.atLeast(MucAffiliation.ADMIN)) ?
                null : StanzaErrorCondition.NOT_ALLOWED;
        }
        // §8.2, §8.4: not over someone of a higher affiliation (an admin or owner) than the moderator.
        return targetAffiliation.compareTo(actorAffiliation) > 0 ||
            targetAffiliation.atLeast(MucAffiliation.ADMIN) && actorAffiliation != MucAffiliation.OWNER ?
            StanzaErrorCondition.NOT_ALLOWED : null;
    }

    /**
     * §9.1-§9.5 (admins: outcasts and members), §10.3-§10.7 (owners: admins and owners).
     */
    private static StanzaErrorCondition checkAffiliationChange(final MucRoom room, final AdminItem item,
        final MucAffiliation actorAffiliation)
    {
        if (item.jid() == null)
        {
            return StanzaErrorCondition.BAD_REQUEST;
        }
        final MucAffiliation current = room.affiliation(item.jid());
        final boolean ownerLevel = item.affiliation().atLeast(MucAffiliation.ADMIN) ||
            current.atLeast(MucAffiliation.ADMIN);
        if (!actorAffiliation.atLeast(ownerLevel ? MucAffiliation.OWNER : MucAffiliation.ADMIN))
        {
            return StanzaErrorCondition.FORBIDDEN;
        }
        return null;
    }

    /**
     * §10.7: a room with an owner keeps one, whatever the items of one request do together.
     */
    private static boolean keepsAnOwner(final MucRoom room, final List<AdminItem> items)
    {
        if (!room.affiliations.containsValue(MucAffiliation.OWNER))
        {
            return true;
        }
        final Map<String, MucAffiliation> after = new HashMap<>(room.affiliations);
        for (final AdminItem item : items)
        {
            if (item.affiliation() != null)
            {
                after.put(item.jid().bare().toString(), item.affiliation());
            }
        }
        return after.containsValue(MucAffiliation.OWNER);
    }

    private void changeAffiliation(final MucRoom room, final AdminItem item)
    {
        room.affiliate(item.jid(), item.affiliation());
        store.save(room, true);
        for (final MucRoom.Occupant occupant : new ArrayList<>(room.occupants.values()))
        {
            if (!occupant.real.bare().equals(item.jid().bare()))
            {
                continue;
            }
            if (item.affiliation() == MucAffiliation.OUTCAST)
            {
                remove(room, occupant, BANNED, item.reason());
            }
            else if (room.membersOnly && !item.affiliation().atLeast(MucAffiliation.MEMBER))
            {
                remove(room, occupant, AFFILIATION_CHANGED, item.reason());
            }
            else
            {
                changeRole(room, occupant, room.defaultRole(item.affiliation()), item.reason());
            }
        }
    }

    private void changeRole(final MucRoom room, final MucRoom.Occupant occupant, final MucRole role,
        final String reason)
    {
        if (role == MucRole.NONE)
        {
            remove(room, occupant, KICKED, reason);
            return;
        }
        occupant.role = role;
        for (final MucRoom.Occupant other : room.occupants.values())
        {
            deliver(other.real, occupantPresence(room, occupant, other.real, false, seesJids(room, other),
                other == occupant ? List.of(SELF) : List.of(), null, reason, null));
        }
    }

    /**
     * §8.2 (kick, 307), §9.1 (ban, 301), §9.4 (membership revoked in a members-only room, 321 and 322).
     */
    private void remove(final MucRoom room, final MucRoom.Occupant occupant, final int code, final String reason)
    {
        final List<Integer> codes = code == AFFILIATION_CHANGED ? List.of(AFFILIATION_CHANGED, MEMBERS_ONLY) :
            List.of(code);
        for (final MucRoom.Occupant other : room.occupants.values())
        {
            final List<Integer> seen = new ArrayList<>(codes);
            if (other == occupant)
            {
                seen.add(SELF);
            }
            deliver(other.real, occupantPresence(room, occupant, other.real, true, seesJids(room, other), seen,
                null, reason, null));
        }
        room.occupants.remove(occupant.nick);
    }

    // ---------------------------------------------------------------------------------------------- helpers

    private XmlEncoder result(final Session sender, final Jid from, final ElementFlyweight iq)
    {
        return xml.wrap(out, 0).startIqReply(iq).attribute(FROM, from.toString())
            .attribute(TO, sender.jid().toString()).attribute(TYPE, RESULT);
    }

    private void copyId(final ElementFlyweight stanza)
    {
        final int id = stanza.idIndex();
        if (id != StartTagFlyweight.MISSING)
        {
            // As written: escaped already.
            xml.attributeCopied(ID, stanza.buffer(), stanza.attributeValueOffset(id), stanza.attributeValueLength(id));
        }
    }

    /**
     * Finish the open start tag of a stanza's copy with the original's children and the prefixes they may use.
     */
    private XmlEncoder copyChildren(final ElementFlyweight stanza)
    {
        return xml.rawAttributes(copiedAttributes(stanza, false))
            .raw(stanza.buffer(), childrenOffset(stanza), childrenLength(stanza));
    }

    /**
     * @return where the stanza's children, as they were sent, start in its buffer.
     */
    private static int childrenOffset(final ElementFlyweight stanza)
    {
        return stanza.offset() + stanza.startTagLength();
    }

    /**
     * @return how many bytes the stanza's children take: up to its end tag, none for an empty element.
     */
    private static int childrenLength(final ElementFlyweight stanza)
    {
        if (stanza.isEmptyElement())
        {
            return 0;
        }
        final DirectBuffer buffer = stanza.buffer();
        int end = stanza.offset() + stanza.length() - 1;
        while (buffer.getByte(end) != '<')
        {
            end--;
        }
        return end - childrenOffset(stanza);
    }

    private String subjectOf(final ElementFlyweight message)
    {
        reader.wrap(message);
        reader.next();
        XmlReader.Event event;
        while ((event = reader.next()) != XmlReader.Event.END_DOCUMENT)
        {
            if (event == XmlReader.Event.START_ELEMENT && reader.depth() == 2 && "subject".equals(reader.localName()))
            {
                return reader.elementText();
            }
        }
        return "";
    }

    private static String stamp(final long millis)
    {
        final UnsafeBuffer time = new UnsafeBuffer(new byte[XmppTime.LENGTH]);
        XmppTime.write(millis, time, 0);
        return time.getStringWithoutLengthAscii(0, XmppTime.LENGTH);
    }

    private Jid parse(final String text)
    {
        return text == null ? null : parser.parse(text);
    }

    /**
     * Answer the sender's stanza with an error from the address it was sent to.
     */
    private void error(final Session sender, final ElementFlyweight stanza, final Jid from,
        final StanzaErrorCondition condition)
    {
        sender.deliver(out, 0, errors.encode(stanza, from, condition, null, out, 0));
    }

    private void deliver(final Jid real, final int length)
    {
        final SessionState session = sessions.full(real);
        if (session != null)
        {
            session.session.deliver(out, 0, length);
        }
    }

    /**
     * To a bare JID: each available resource of a local user (an invitation, §7.8.2).
     */
    private void deliverToUser(final Jid user, final int length)
    {
        if (!user.isBare())
        {
            deliver(user, length);
            return;
        }
        final List<SessionState> resources = sessions.bare(user);
        for (int i = 0; i < resources.size(); i++)
        {
            if (resources.get(i).available)
            {
                resources.get(i).session.deliver(out, 0, length);
            }
        }
    }
}
