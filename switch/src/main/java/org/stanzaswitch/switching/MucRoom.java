package org.stanzaswitch.switching;

import org.stanzaswitch.codec.Jid;

import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One XEP-0045 room: its configuration (§10.2), the affiliations by bare JID, the occupants by nickname in the
 * order they joined, the subject and the discussion history. Owned by the router thread.
 */
final class MucRoom
{
    static final String CONFIG_FORM_TYPE = "http://jabber.org/protocol/muc#roomconfig";
    /** Not in XEP-0045's registry; the name Prosody gives the same setting, which clients already show. */
    static final String ARCHIVING_FIELD = "muc#roomconfig_enablearchiving";
    /** Messages kept for those who join later (§7.2.15); a client asks for fewer with {@code <history/>}. */
    static final int HISTORY = 20;
    /** Whatever the stanza size limit, a room's history holds at most this much; the newest message always. */
    static final int HISTORY_BYTES = 64 * 1024;
    static final int DEFAULT_MAX_USERS = 200;

    /**
     * What an occupant's stanza carries that the room passes on: the prefixes its own tag declared (attributes as
     * written, for the tags of the room's copies, whose children may use them) and its children, less what only
     * the room may say.
     */
    record Payload(byte[] declarations, byte[] children)
    {
        static final Payload NONE = new Payload(new byte[0], new byte[0]);
    }

    /**
     * One occupant: its nickname, the resource behind it, its XEP-0421 id, its role and the presence it
     * broadcasts.
     */
    static final class Occupant
    {
        String nick;
        final Jid real;
        final String id;
        MucRole role;
        /** Its last presence, less the MUC element: what the room broadcasts for it. */
        Payload presence;

        Occupant(final String nick, final Jid real, final String id, final MucRole role, final Payload presence)
        {
            this.nick = nick;
            this.real = real;
            this.id = id;
            this.role = role;
            this.presence = presence;
        }
    }

    /**
     * A groupchat message as the room keeps it for history: who sent it, what it said, when, and its archive
     * index (-1 if not archived).
     */
    record Said(String nick, String occupantId, Payload payload, long millis, long archiveIndex)
    {
    }

    final Jid jid;
    String name = "";
    String description = "";
    boolean persistent;
    boolean visible = true;
    boolean membersOnly;
    boolean moderated;
    boolean changeSubject;
    boolean allowInvites;
    boolean passwordProtected;
    String password = "";
    int maxUsers = DEFAULT_MAX_USERS;
    /** muc#roomconfig_whois 'anyone': every occupant sees real JIDs (non-anonymous, §4.1). */
    boolean whoisAnyone;
    boolean logging;
    /** XEP-0313: what the room says is archived and its archive answers queries; on unless the owner says not. */
    boolean archived = true;
    /** §10.1.2: a new room accepts no one else until its owner has configured it. */
    boolean locked = true;
    String subject = "";
    String subjectNick;
    final Map<String, Occupant> occupants = new LinkedHashMap<>();
    final Map<String, MucAffiliation> affiliations = new HashMap<>();
    final ArrayDeque<Said> history = new ArrayDeque<>();
    private int historyBytes;

    MucRoom(final Jid jid)
    {
        this.jid = jid;
    }

    MucAffiliation affiliation(final Jid user)
    {
        return affiliations.getOrDefault(user.bare().toString(), MucAffiliation.NONE);
    }

    void affiliate(final Jid user, final MucAffiliation affiliation)
    {
        if (affiliation == MucAffiliation.NONE)
        {
            affiliations.remove(user.bare().toString());
        }
        else
        {
            affiliations.put(user.bare().toString(), affiliation);
        }
    }

    /**
     * §5.1.2: the role an affiliation brings on entering.
     */
    MucRole defaultRole(final MucAffiliation affiliation)
    {
        return switch (affiliation)
        {
            case OWNER, ADMIN -> MucRole.MODERATOR;
            case MEMBER -> MucRole.PARTICIPANT;
            case NONE -> moderated ? MucRole.VISITOR : MucRole.PARTICIPANT;
            case OUTCAST -> MucRole.NONE;
        };
    }

    Occupant occupantOf(final Jid real)
    {
        for (final Occupant occupant : occupants.values())
        {
            if (occupant.real.equals(real))
            {
                return occupant;
            }
        }
        return null;
    }

    void remember(final Said said)
    {
        history.addLast(said);
        historyBytes += said.payload().children().length;
        while (history.size() > HISTORY || historyBytes > HISTORY_BYTES && history.size() > 1)
        {
            historyBytes -= history.removeFirst().payload().children().length;
        }
    }

    /**
     * §10.2: apply a submitted configuration form.
     *
     * @return null if applied, else the field whose value is not acceptable.
     */
    String configure(final Map<String, List<String>> fields)
    {
        for (final Map.Entry<String, List<String>> field : fields.entrySet())
        {
            final String value = field.getValue().isEmpty() ? "" : field.getValue().get(0);
            switch (field.getKey())
            {
                case "muc#roomconfig_roomname" -> name = value;
                case "muc#roomconfig_roomdesc" -> description = value;
                case "muc#roomconfig_persistentroom" -> persistent = isTrue(value);
                case "muc#roomconfig_publicroom" -> visible = isTrue(value);
                case "muc#roomconfig_membersonly" -> membersOnly = isTrue(value);
                case "muc#roomconfig_moderatedroom" -> moderated = isTrue(value);
                case "muc#roomconfig_changesubject" -> changeSubject = isTrue(value);
                case "muc#roomconfig_allowinvites" -> allowInvites = isTrue(value);
                case "muc#roomconfig_passwordprotectedroom" -> passwordProtected = isTrue(value);
                case "muc#roomconfig_roomsecret" -> password = value;
                case "muc#roomconfig_enablelogging" -> logging = isTrue(value);
                case ARCHIVING_FIELD -> archived = isTrue(value);
                case "muc#roomconfig_whois" ->
                {
                    if (!value.equals("anyone") && !value.equals("moderators"))
                    {
                        return field.getKey();
                    }
                    whoisAnyone = value.equals("anyone");
                }
                case "muc#roomconfig_maxusers" ->
                {
                    final Integer parsed = parseMaxUsers(value);
                    if (parsed == null)
                    {
                        return field.getKey();
                    }
                    maxUsers = parsed;
                }
                default ->
                {
                    // Fields this service does not offer are left as they are (§10.2: the form is what it sent).
                }
            }
        }
        return null;
    }

    private static Integer parseMaxUsers(final String value)
    {
        if (value.isEmpty() || value.equals("none"))
        {
            return 0;
        }
        try
        {
            final int parsed = Integer.parseInt(value);
            return parsed < 0 ? null : parsed;
        }
        catch (final NumberFormatException ex)
        {
            return null;
        }
    }

    private static boolean isTrue(final String value)
    {
        return Boolean.TRUE.equals(DataForm.bool(value));
    }

    /**
     * @return true if one more occupant of this affiliation fits (§7.2.10: owners and admins always do).
     */
    boolean hasRoomFor(final MucAffiliation affiliation)
    {
        return maxUsers == 0 || occupants.size() < maxUsers || affiliation.atLeast(MucAffiliation.ADMIN);
    }
}
