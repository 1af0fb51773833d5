package org.stanzaswitch.switching;

import org.agrona.DirectBuffer;
import org.agrona.ExpandableArrayBuffer;
import org.stanzaswitch.codec.Jid;
import org.stanzaswitch.journal.CountedStrings;
import org.stanzaswitch.journal.Snapshot;

import java.nio.ByteOrder;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;

/**
 * Each user's block list (XEP-0191), rebuilt from the state journal, and its command:
 * <pre>
 *   BLOCK_LIST (6): type | owner (u16 + UTF-8) | blocked(u8: 1 block, 0 unblock) | jid (u16 + UTF-8; empty with
 *                   unblock: unblock all)
 * </pre>
 * Checks compare the canonical text of full, bare and domain addresses, which {@link Jid} keeps, so the routing
 * path allocates nothing. Owned by the router thread.
 */
final class BlockLists
{
    static final byte BLOCK_LIST = 6;

    private final Map<String, Set<String>> byOwner = new HashMap<>();

    static int encode(final ExpandableArrayBuffer buffer, final String owner, final boolean block, final String jid)
    {
        buffer.putByte(0, BLOCK_LIST);
        int at = CountedStrings.put(buffer, 1, owner);
        buffer.putByte(at++, (byte)(block ? 1 : 0));
        return CountedStrings.put(buffer, at, jid);
    }


    void apply(final DirectBuffer buffer, final int offset)
    {
        final int ownerLength = buffer.getShort(offset + 1, ByteOrder.LITTLE_ENDIAN) & 0xFFFF;
        final String owner = buffer.getStringWithoutLengthUtf8(offset + 3, ownerLength);
        final int flagAt = offset + 3 + ownerLength;
        final boolean block = buffer.getByte(flagAt) == 1;
        final int jidLength = buffer.getShort(flagAt + 1, ByteOrder.LITTLE_ENDIAN) & 0xFFFF;
        final String jid = buffer.getStringWithoutLengthUtf8(flagAt + 3, jidLength);
        if (block)
        {
            byOwner.computeIfAbsent(owner, name -> new LinkedHashSet<>()).add(jid);
        }
        else if (jid.isEmpty())
        {
            byOwner.remove(owner);
        }
        else
        {
            final Set<String> blocked = byOwner.get(owner);
            if (blocked != null)
            {
                blocked.remove(jid);
            }
        }
    }

    /**
     * Write each blocked address as the command that blocks it.
     */
    void snapshot(final ExpandableArrayBuffer scratch, final Snapshot.Writer out)
    {
        byOwner.forEach((owner, blocked) ->
        {
            for (final String jid : blocked)
            {
                out.append(scratch, 0, encode(scratch, owner, true, jid));
            }
        });
    }

    void deleteOwner(final String owner)
    {
        byOwner.remove(owner);
    }

    Set<String> blocked(final String owner)
    {
        final Set<String> blocked = byOwner.get(owner);
        return blocked == null ? Collections.emptySet() : Collections.unmodifiableSet(blocked);
    }

    /**
     * XEP-0191 §3.4 with the matching of XEP-0016 §2.1: an item blocks the full JID it names, every resource of
     * a bare JID, or everything from a domain.
     *
     * @param owner a local user, or null for an address that is not one.
     * @param other the address on the other side.
     * @return true if the owner blocks it.
     */
    boolean isBlocked(final String owner, final Jid other)
    {
        if (owner == null || byOwner.isEmpty())
        {
            return false;
        }
        final Set<String> blocked = byOwner.get(owner);
        return blocked != null && (blocked.contains(other.toString()) || blocked.contains(other.bare().toString()) ||
            blocked.contains(other.domain()));
    }
}
