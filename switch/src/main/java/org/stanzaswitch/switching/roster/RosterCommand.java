package org.stanzaswitch.switching.roster;

import org.agrona.DirectBuffer;
import org.agrona.ExpandableArrayBuffer;
import org.stanzaswitch.codec.Jid;
import org.stanzaswitch.journal.CountedStrings;

import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;

/**
 * The roster commands of the state journal. Strings are u16 length + UTF-8; integers little-endian.
 * <pre>
 *   SET_ITEM (3):    type | owner | contact | version(i64) | flags(u8) | name | groups(u8 count, strings)
 *   REMOVE_ITEM (4): type | owner | contact | version(i64)
 *   flags: bits 0-1 subscription (none, to, from, both), bit 2 ask, bit 3 pending in, bit 4 approved, bit 5 hidden
 * </pre>
 */
public final class RosterCommand
{
    public static final byte SET_ITEM = 3;
    public static final byte REMOVE_ITEM = 4;

    private RosterCommand()
    {
    }

    public static int encodeSet(
        final ExpandableArrayBuffer buffer, final String owner, final RosterItem item, final long version)
    {
        int at = header(buffer, SET_ITEM, owner, item.contact().toString(), version);
        int flags = item.subscription().ordinal();
        flags |= item.ask() ? 4 : 0;
        flags |= item.pendingIn() ? 8 : 0;
        flags |= item.approved() ? 16 : 0;
        flags |= item.hidden() ? 32 : 0;
        buffer.putByte(at++, (byte)flags);
        at = CountedStrings.put(buffer, at, item.name() == null ? "" : item.name());
        buffer.putByte(at++, (byte)item.groups().size());
        for (final String group : item.groups())
        {
            at = CountedStrings.put(buffer, at, group);
        }
        return at;
    }

    public static int encodeRemove(
        final ExpandableArrayBuffer buffer, final String owner, final String contact, final long version)
    {
        return header(buffer, REMOVE_ITEM, owner, contact, version);
    }

    private static int header(
        final ExpandableArrayBuffer buffer, final byte type, final String owner, final String contact,
        final long version)
    {
        buffer.putByte(0, type);
        int at = CountedStrings.put(buffer, 1, owner);
        at = CountedStrings.put(buffer, at, contact);
        buffer.putLong(at, version, ByteOrder.LITTLE_ENDIAN);
        return at + 8;
    }


    /**
     * A decoded command, for {@link Rosters} to apply.
     */
    record Decoded(byte type, String owner, String contact, long version, RosterItem item)
    {
    }

    static Decoded decode(final DirectBuffer buffer, final int offset)
    {
        final byte type = buffer.getByte(offset);
        final int[] at = {offset + 1};
        final String owner = getString(buffer, at);
        final String contact = getString(buffer, at);
        final long version = buffer.getLong(at[0], ByteOrder.LITTLE_ENDIAN);
        at[0] += 8;
        if (type == REMOVE_ITEM)
        {
            return new Decoded(type, owner, contact, version, null);
        }
        final int flags = buffer.getByte(at[0]++);
        final String name = getString(buffer, at);
        final int count = buffer.getByte(at[0]++) & 0xFF;
        final List<String> groups = new ArrayList<>(count);
        for (int i = 0; i < count; i++)
        {
            groups.add(getString(buffer, at));
        }
        final RosterItem item = new RosterItem(Jid.of(contact), name.isEmpty() ? null : name, List.copyOf(groups),
            Subscription.values()[flags & 3], (flags & 4) != 0, (flags & 8) != 0, (flags & 16) != 0,
            (flags & 32) != 0);
        return new Decoded(type, owner, contact, version, item);
    }

    private static String getString(final DirectBuffer buffer, final int[] at)
    {
        final int length = buffer.getShort(at[0], ByteOrder.LITTLE_ENDIAN) & 0xFFFF;
        final String value = buffer.getStringWithoutLengthUtf8(at[0] + 2, length);
        at[0] += 2 + length;
        return value;
    }
}
