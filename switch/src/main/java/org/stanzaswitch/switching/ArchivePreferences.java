package org.stanzaswitch.switching;

import org.agrona.DirectBuffer;
import org.agrona.ExpandableArrayBuffer;
import org.stanzaswitch.codec.Jid;
import org.stanzaswitch.journal.CountedStrings;
import org.stanzaswitch.journal.Snapshot;
import org.stanzaswitch.switching.archive.ArchivePolicy;
import org.stanzaswitch.switching.roster.Rosters;

import java.nio.ByteOrder;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;

/**
 * Each user's archiving preferences (XEP-0441 §3), rebuilt from the state journal, and their command:
 * <pre>
 *   ARCHIVE_PREFERENCES (7): type | owner (u16 + UTF-8) | default (u8: 0 always, 1 never, 2 roster) |
 *                            always count (u16), JIDs (u16 + UTF-8 each) | never count (u16), JIDs
 * </pre>
 * A command replaces the user's preferences whole. Lists hold bare JIDs (XEP-0441 §3.2: matching is by bare
 * JID for bare entries). Owned by the router thread.
 */
final class ArchivePreferences implements ArchivePolicy
{
    static final byte ARCHIVE_PREFERENCES = 7;
    static final String[] DEFAULTS = {"always", "never", "roster"};

    /** One user's preferences. */
    static final class Preferences
    {
        final int defaultMode;
        final Set<String> always;
        final Set<String> never;

        Preferences(final int defaultMode, final Set<String> always, final Set<String> never)
        {
            this.defaultMode = defaultMode;
            this.always = always;
            this.never = never;
        }
    }

    private final Map<String, Preferences> byOwner = new HashMap<>();
    private final Rosters rosters;
    private int serverDefault;

    ArchivePreferences(final Rosters rosters)
    {
        this.rosters = rosters;
    }

    /**
     * @param mode the default for users who set none: always, never or roster.
     */
    void serverDefault(final String mode)
    {
        serverDefault = modeOf(mode);
        if (serverDefault < 0)
        {
            throw new IllegalArgumentException("archive default must be always, never or roster: " + mode);
        }
    }

    static int modeOf(final String mode)
    {
        for (int i = 0; i < DEFAULTS.length; i++)
        {
            if (DEFAULTS[i].equals(mode))
            {
                return i;
            }
        }
        return -1;
    }

    Preferences of(final String owner)
    {
        final Preferences preferences = byOwner.get(owner);
        return preferences != null ? preferences :
            new Preferences(serverDefault, Collections.emptySet(), Collections.emptySet());
    }

    @Override
    public boolean archives(final Jid owner, final Jid contact)
    {
        final Preferences preferences = byOwner.get(owner.local());
        final String bare = contact.toString();
        if (preferences == null)
        {
            return serverDefault == 0 || serverDefault == 2 && rosters.item(owner.local(), bare) != null;
        }
        if (preferences.never.contains(bare))
        {
            return false;
        }
        if (preferences.always.contains(bare))
        {
            return true;
        }
        return preferences.defaultMode == 0 ||
            preferences.defaultMode == 2 && rosters.item(owner.local(), bare) != null;
    }

    static int encode(final ExpandableArrayBuffer buffer, final String owner, final Preferences preferences)
    {
        buffer.putByte(0, ARCHIVE_PREFERENCES);
        int at = CountedStrings.put(buffer, 1, owner);
        buffer.putByte(at++, (byte)preferences.defaultMode);
        at = putList(buffer, at, preferences.always);
        return putList(buffer, at, preferences.never);
    }

    private static int putList(final ExpandableArrayBuffer buffer, final int offset, final Set<String> jids)
    {
        buffer.putShort(offset, (short)jids.size(), ByteOrder.LITTLE_ENDIAN);
        int at = offset + 2;
        for (final String jid : jids)
        {
            at = CountedStrings.put(buffer, at, jid);
        }
        return at;
    }


    void apply(final DirectBuffer buffer, final int offset)
    {
        final String owner = CountedStrings.get(buffer, offset + 1);
        int at = CountedStrings.skip(buffer, offset + 1);
        final int mode = buffer.getByte(at++);
        final Set<String> always = new LinkedHashSet<>();
        at = readList(buffer, at, always);
        final Set<String> never = new LinkedHashSet<>();
        readList(buffer, at, never);
        byOwner.put(owner, new Preferences(mode, always, never));
    }

    private static int readList(final DirectBuffer buffer, final int offset, final Set<String> into)
    {
        final int count = buffer.getShort(offset, ByteOrder.LITTLE_ENDIAN) & 0xFFFF;
        int at = offset + 2;
        for (int i = 0; i < count; i++)
        {
            into.add(CountedStrings.get(buffer, at));
            at = CountedStrings.skip(buffer, at);
        }
        return at;
    }

    /**
     * Write each user's preferences as the command that sets them.
     */
    void snapshot(final ExpandableArrayBuffer scratch, final Snapshot.Writer out)
    {
        byOwner.forEach((owner, preferences) -> out.append(scratch, 0, encode(scratch, owner, preferences)));
    }

    void deleteOwner(final String owner)
    {
        byOwner.remove(owner);
    }
}
