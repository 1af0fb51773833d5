package org.stanzaswitch.journal;

import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;

import java.nio.ByteOrder;

/**
 * The record that closes part of one user's messages on the archive or offline journal: everything of theirs
 * up to an index was delivered (offline) or deleted with their account (archive).
 * <pre>
 *   u8 type   u16 length, owner's bare JID (UTF-8)   i64 up to this journal index, inclusive
 * </pre>
 * Little-endian.
 */
public final class OwnerMark
{
    /** Archive journal: the owner's account was deleted. */
    public static final byte OWNER_DELETED = 2;
    /** Offline journal: the owner's messages were delivered. */
    public static final byte DELIVERED = 3;

    private static final ByteOrder ORDER = ByteOrder.LITTLE_ENDIAN;

    private OwnerMark()
    {
    }

    /**
     * @return bytes written.
     */
    public static int encode(
        final MutableDirectBuffer destination, final byte type, final byte[] owner, final long upToIndex)
    {
        destination.putByte(0, type);
        destination.putShort(1, (short)owner.length, ORDER);
        destination.putBytes(3, owner);
        destination.putLong(3 + owner.length, upToIndex, ORDER);
        return 3 + owner.length + 8;
    }

    public static String owner(final DirectBuffer buffer, final int offset)
    {
        return buffer.getStringWithoutLengthUtf8(offset + 3, ownerLength(buffer, offset));
    }

    public static long upToIndex(final DirectBuffer buffer, final int offset)
    {
        return buffer.getLong(offset + 3 + ownerLength(buffer, offset), ORDER);
    }

    private static int ownerLength(final DirectBuffer buffer, final int offset)
    {
        return buffer.getShort(offset + 1, ORDER) & 0xFFFF;
    }
}
