package org.stanzaswitch.switching;

import org.agrona.DirectBuffer;
import org.agrona.ExpandableArrayBuffer;
import org.agrona.concurrent.UnsafeBuffer;
import org.stanzaswitch.journal.CountedStrings;
import org.stanzaswitch.journal.Snapshot;

import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Each user's push registrations (XEP-0357 §5): an app server's JID, a node on it, and the publish options to
 * send with each notification, rebuilt from the state journal so that they outlive restarts, and their command:
 * <pre>
 *   PUSH (9): type | owner (u16 + UTF-8) | enable (u8: 1 enable, 0 disable) | app server JID (u16 + UTF-8) |
 *             node (u16 + UTF-8; empty with disable: every node of that JID) | publish options (i32 + XML bytes)
 * </pre>
 * Owned by the router thread.
 */
final class PushRegistrations
{
    static final byte PUSH = 9;

    /** One registration: where to publish and the options to publish with (a data form, or empty). */
    record Registration(String jid, String node, byte[] publishOptions)
    {
    }

    private final Map<String, List<Registration>> byOwner = new HashMap<>();

    static int encode(
        final ExpandableArrayBuffer buffer, final String owner, final boolean enable, final String jid,
        final String node,
        final DirectBuffer options, final int optionsOffset, final int optionsLength)
    {
        buffer.putByte(0, PUSH);
        int at = CountedStrings.put(buffer, 1, owner);
        buffer.putByte(at++, (byte)(enable ? 1 : 0));
        at = CountedStrings.put(buffer, at, jid);
        at = CountedStrings.put(buffer, at, node);
        buffer.putInt(at, optionsLength, ByteOrder.LITTLE_ENDIAN);
        buffer.putBytes(at + 4, options, optionsOffset, optionsLength);
        return at + 4 + optionsLength;
    }

    void apply(final DirectBuffer buffer, final int offset)
    {
        final String owner = CountedStrings.get(buffer, offset + 1);
        int at = CountedStrings.skip(buffer, offset + 1);
        final boolean enable = buffer.getByte(at++) == 1;
        final String jid = CountedStrings.get(buffer, at);
        at = CountedStrings.skip(buffer, at);
        final String node = CountedStrings.get(buffer, at);
        at = CountedStrings.skip(buffer, at);
        final byte[] options = new byte[buffer.getInt(at, ByteOrder.LITTLE_ENDIAN)];
        buffer.getBytes(at + 4, options);
        final List<Registration> registrations = byOwner.computeIfAbsent(owner, name -> new ArrayList<>(1));
        // §5 and §6: one registration per app server and node; disabling without a node ends all of that server's.
        registrations.removeIf(old -> old.jid().equals(jid) && (node.isEmpty() || old.node().equals(node)));
        if (enable)
        {
            registrations.add(new Registration(jid, node, options));
        }
        if (registrations.isEmpty())
        {
            byOwner.remove(owner);
        }
    }

    /**
     * @return the user's registrations, oldest first.
     */
    List<Registration> of(final String owner)
    {
        final List<Registration> registrations = byOwner.get(owner);
        return registrations == null ? Collections.emptyList() : registrations;
    }

    /**
     * Write each registration as the command that enables it.
     */
    void snapshot(final ExpandableArrayBuffer scratch, final Snapshot.Writer out)
    {
        final UnsafeBuffer options = new UnsafeBuffer(0, 0);
        byOwner.forEach((owner, registrations) ->
        {
            for (final Registration registration : registrations)
            {
                options.wrap(registration.publishOptions());
                out.append(scratch, 0, encode(scratch, owner, true, registration.jid(), registration.node(), options, 0,
                    registration.publishOptions().length));
            }
        });
    }

    void deleteOwner(final String owner)
    {
        byOwner.remove(owner);
    }
}
