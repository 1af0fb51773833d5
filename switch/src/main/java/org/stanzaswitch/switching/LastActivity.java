package org.stanzaswitch.switching;

import org.agrona.DirectBuffer;
import org.agrona.ExpandableArrayBuffer;
import org.stanzaswitch.journal.CountedStrings;
import org.stanzaswitch.journal.Snapshot;

import java.nio.ByteOrder;
import java.util.HashMap;
import java.util.Map;

/**
 * When each user last logged out and the status they left with (XEP-0012 §3), rebuilt from the state journal so
 * that it outlives restarts, and its command:
 * <pre>
 *   LAST_ACTIVITY (8): type | owner (u16 + UTF-8) | logout time, ms since the epoch (i64) | status (u16 + UTF-8)
 * </pre>
 * Owned by the router thread.
 */
final class LastActivity
{
    static final byte LAST_ACTIVITY = 8;

    /** One user's last logout. */
    record Logout(long epochMillis, String status)
    {
    }

    private final Map<String, Logout> byOwner = new HashMap<>();

    static int encode(final ExpandableArrayBuffer buffer, final String owner, final long epochMillis,
        final String status)
    {
        buffer.putByte(0, LAST_ACTIVITY);
        final int at = CountedStrings.put(buffer, 1, owner);
        buffer.putLong(at, epochMillis, ByteOrder.LITTLE_ENDIAN);
        return CountedStrings.put(buffer, at + 8, status);
    }

    void apply(final DirectBuffer buffer, final int offset)
    {
        final String owner = CountedStrings.get(buffer, offset + 1);
        final int at = CountedStrings.skip(buffer, offset + 1);
        byOwner.put(owner, new Logout(buffer.getLong(at, ByteOrder.LITTLE_ENDIAN), CountedStrings.get(buffer, at + 8)));
    }

    /**
     * @return the user's last logout, or null if none was seen.
     */
    Logout of(final String owner)
    {
        return byOwner.get(owner);
    }

    /**
     * Write each user's last logout as the command that records it.
     */
    void snapshot(final ExpandableArrayBuffer scratch, final Snapshot.Writer out)
    {
        byOwner.forEach((owner, logout) ->
            out.append(scratch, 0, encode(scratch, owner, logout.epochMillis(), logout.status())));
    }

    void deleteOwner(final String owner)
    {
        byOwner.remove(owner);
    }
}
