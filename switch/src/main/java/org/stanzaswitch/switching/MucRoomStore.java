package org.stanzaswitch.switching;

import org.agrona.ExpandableArrayBuffer;
import org.agrona.concurrent.UnsafeBuffer;
import org.stanzaswitch.codec.Bytes;
import org.stanzaswitch.codec.Jid;
import org.stanzaswitch.codec.XmlEncoder;
import org.stanzaswitch.codec.XmlReader;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Persistent XEP-0045 rooms on the state journal: a room's configuration, subject and affiliations are user data
 * under the room's JID (which no account name can be, having an '@') and the key {@code muc}, written whenever
 * they change, so they survive restarts as accounts do; occupants and history do not:
 * <pre>
 *   &lt;room xmlns='urn:stanzaswitch:muc:0' flags='vmosipwln' maxusers='200' subjectnick='..'&gt;
 *     &lt;name/&gt; &lt;description/&gt; &lt;password/&gt; &lt;subject/&gt;
 *     &lt;affiliation jid='..' value='owner'/&gt; ...
 * </pre>
 * Owned by the router thread.
 */
final class MucRoomStore
{
    private static final String KEY = "muc";
    private static final String NS = "urn:stanzaswitch:muc:0";
    private static final byte[] ROOM = Bytes.ascii("room");
    private static final byte[] AFFILIATION = Bytes.ascii("affiliation");
    private static final byte[] XMLNS = Bytes.ascii("xmlns");
    private static final byte[] JID = Bytes.ascii("jid");
    private static final byte[] VALUE = Bytes.ascii("value");
    private static final byte[] NAME = Bytes.ascii("name");
    private static final byte[] DESCRIPTION = Bytes.ascii("description");
    private static final byte[] FLAGS = Bytes.ascii("flags");
    private static final byte[] PASSWORD = Bytes.ascii("password");
    private static final byte[] MAX_USERS = Bytes.ascii("maxusers");
    private static final byte[] SUBJECT = Bytes.ascii("subject");
    private static final byte[] SUBJECT_NICK = Bytes.ascii("subjectnick");

    private final StateWriter writer;
    private final UserData data;
    private final XmlEncoder xml = new XmlEncoder();
    private final XmlReader reader = new XmlReader();
    private final ExpandableArrayBuffer room = new ExpandableArrayBuffer(1024);
    private final ExpandableArrayBuffer command = new ExpandableArrayBuffer(1024);

    MucRoomStore(final StateWriter writer)
    {
        this.writer = writer;
        this.data = writer.state().userData();
    }

    /**
     * Keep a persistent room as it is now, or forget one that is no longer persistent or gone.
     */
    void save(final MucRoom mucRoom, final boolean exists)
    {
        final boolean kept = data.get(mucRoom.jid.toString(), KEY) != null;
        if (!exists || !mucRoom.persistent)
        {
            if (kept)
            {
                writer.write(command, UserDataCommand.encode(command, mucRoom.jid.toString(), KEY, room, 0, 0));
            }
            return;
        }
        // Free text goes in elements: an attribute value's line breaks would come back as spaces.
        xml.wrap(room, 0).start(ROOM).attribute(XMLNS, NS).attribute(FLAGS, flags(mucRoom))
            .attribute(MAX_USERS, Integer.toString(mucRoom.maxUsers));
        if (mucRoom.subjectNick != null)
        {
            xml.attribute(SUBJECT_NICK, mucRoom.subjectNick);
        }
        xml.start(NAME).text(mucRoom.name).end().start(DESCRIPTION).text(mucRoom.description).end()
            .start(PASSWORD).text(mucRoom.password).end().start(SUBJECT).text(mucRoom.subject).end();
        for (final Map.Entry<String, MucAffiliation> affiliation : mucRoom.affiliations.entrySet())
        {
            xml.start(AFFILIATION).attribute(JID, affiliation.getKey())
                .attribute(VALUE, affiliation.getValue().value()).end();
        }
        final int length = xml.end().length();
        writer.write(command, UserDataCommand.encode(command, mucRoom.jid.toString(), KEY, room, 0, length));
    }

    /**
     * @return the persistent room with this JID as it was last kept, unlocked and empty; null if none.
     */
    MucRoom load(final Jid jid)
    {
        final byte[] stored = data.get(jid.toString(), KEY);
        if (stored == null)
        {
            return null;
        }
        final MucRoom loaded = new MucRoom(jid);
        loaded.locked = false;
        loaded.persistent = true;
        reader.wrap(new UnsafeBuffer(stored), 0, stored.length, "", "");
        reader.next();
        readFlags(loaded, reader.attributeValue("flags"));
        loaded.maxUsers = Integer.parseInt(reader.attributeValue("maxusers"));
        loaded.subjectNick = reader.attributeValue("subjectnick");
        XmlReader.Event event;
        while ((event = reader.next()) != XmlReader.Event.END_DOCUMENT)
        {
            if (event != XmlReader.Event.START_ELEMENT || reader.depth() != 2)
            {
                continue;
            }
            switch (reader.localName())
            {
                case "name" -> loaded.name = reader.elementText();
                case "description" -> loaded.description = reader.elementText();
                case "password" -> loaded.password = reader.elementText();
                case "subject" -> loaded.subject = reader.elementText();
                default -> loaded.affiliations.put(
                    reader.attributeValue("jid"), MucAffiliation.of(reader.attributeValue("value")));
            }
        }
        return loaded;
    }

    /**
     * @return the JIDs of the persistent rooms of a service.
     */
    List<String> roomsOf(final Jid service)
    {
        final List<String> jids = new ArrayList<>();
        for (final String owner : data.owners())
        {
            if (owner.endsWith("@" + service.domain()) && data.get(owner, KEY) != null)
            {
                jids.add(owner);
            }
        }
        return jids;
    }

    /** The boolean settings as letters, one per setting that is on. */
    private static String flags(final MucRoom room)
    {
        return (room.visible ? "v" : "") + (room.membersOnly ? "m" : "") + (room.moderated ? "o" : "") +
            (room.changeSubject ? "s" : "") + (room.allowInvites ? "i" : "") + (room.passwordProtected ? "p" : "") +
            (room.whoisAnyone ? "w" : "") + (room.logging ? "l" : "") + (room.archived ? "" : "n");
    }

    private static void readFlags(final MucRoom room, final String flags)
    {
        room.visible = flags.indexOf('v') >= 0;
        room.membersOnly = flags.indexOf('m') >= 0;
        room.moderated = flags.indexOf('o') >= 0;
        room.changeSubject = flags.indexOf('s') >= 0;
        room.allowInvites = flags.indexOf('i') >= 0;
        room.passwordProtected = flags.indexOf('p') >= 0;
        room.whoisAnyone = flags.indexOf('w') >= 0;
        room.logging = flags.indexOf('l') >= 0;
        // Rooms kept before archives existed have no 'n': archived, as new rooms are.
        room.archived = flags.indexOf('n') < 0;
    }
}
