package org.stanzaswitch.journal;

import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;

import java.nio.ByteOrder;

/**
 * The record of one message on the archive or offline journal (docs/journal-format.md): when the server
 * received it, its sender and recipient as bare JIDs, and the stanza's bytes as routed. Encoded once on the
 * router thread; decoded in place, as a flyweight, by the router and by readers in other processes.
 * <pre>
 *   u8  type (1)            i64 received, ms since the epoch     u8 flags
 *   u16 from length, from   u16 to length, to                    i32 stanza length, stanza
 * </pre>
 * Little-endian throughout.
 */
public final class MessageRecord
{
    /** The record type of a message. */
    public static final byte MESSAGE = 1;
    /** Flag: the stanza's start tag declares its namespace itself. */
    public static final int FLAG_NAMESPACE_DECLARED = 1;
    /** Flag: the message is in the sender's archive. */
    public static final int FLAG_SENDER_ARCHIVE = 2;
    /** Flag: the message is in the recipient's archive. */
    public static final int FLAG_RECIPIENT_ARCHIVE = 4;

    private static final ByteOrder ORDER = ByteOrder.LITTLE_ENDIAN;
    private static final int TIMESTAMP_OFFSET = 1;
    private static final int FLAGS_OFFSET = 9;
    private static final int FROM_OFFSET = 10;

    private DirectBuffer buffer;
    private int offset;
    private int toLengthOffset;
    private int stanzaLengthOffset;

    /**
     * @return the bytes {@link #encode} needs at most.
     */
    public static int maxLength(final int fromLength, final int toLength, final int stanzaLength)
    {
        return FROM_OFFSET + 2 + fromLength + 2 + toLength + 4 + stanzaLength;
    }

    /**
     * Write a record header; the stanza's bytes follow it.
     *
     * @param from UTF-8 bare JID of the sender.
     * @param to   UTF-8 bare JID of the recipient.
     *
     * @return the offset, from {@code offset}, at which the stanza's bytes go.
     */
    public static int encodeHeader(
        final MutableDirectBuffer destination,
        final int offset,
        final long receivedMillis,
        final int flags,
        final byte[] from,
        final byte[] to,
        final int stanzaLength)
    {
        destination.putByte(offset, MESSAGE);
        destination.putLong(offset + TIMESTAMP_OFFSET, receivedMillis, ORDER);
        destination.putByte(offset + FLAGS_OFFSET, (byte)flags);
        int at = offset + FROM_OFFSET;
        destination.putShort(at, (short)from.length, ORDER);
        destination.putBytes(at + 2, from);
        at += 2 + from.length;
        destination.putShort(at, (short)to.length, ORDER);
        destination.putBytes(at + 2, to);
        at += 2 + to.length;
        destination.putInt(at, stanzaLength, ORDER);
        return at + 4 - offset;
    }

    /**
     * @param buffer holding a record of type {@link #MESSAGE}.
     * @param offset of the record.
     * @return this for a fluent API.
     */
    public MessageRecord wrap(final DirectBuffer buffer, final int offset)
    {
        this.buffer = buffer;
        this.offset = offset;
        toLengthOffset = offset + FROM_OFFSET + 2 + (buffer.getShort(offset + FROM_OFFSET, ORDER) & 0xFFFF);
        stanzaLengthOffset = toLengthOffset + 2 + (buffer.getShort(toLengthOffset, ORDER) & 0xFFFF);
        return this;
    }

    public DirectBuffer buffer()
    {
        return buffer;
    }

    public long receivedMillis()
    {
        return buffer.getLong(offset + TIMESTAMP_OFFSET, ORDER);
    }

    public int flags()
    {
        return buffer.getByte(offset + FLAGS_OFFSET) & 0xFF;
    }

    public int fromOffset()
    {
        return offset + FROM_OFFSET + 2;
    }

    public int fromLength()
    {
        return toLengthOffset - fromOffset();
    }

    public int toOffset()
    {
        return toLengthOffset + 2;
    }

    public int toLength()
    {
        return stanzaLengthOffset - toOffset();
    }

    public int stanzaOffset()
    {
        return stanzaLengthOffset + 4;
    }

    public int stanzaLength()
    {
        return buffer.getInt(stanzaLengthOffset, ORDER);
    }

    public String from()
    {
        return buffer.getStringWithoutLengthUtf8(fromOffset(), fromLength());
    }

    public String to()
    {
        return buffer.getStringWithoutLengthUtf8(toOffset(), toLength());
    }

    public String stanza()
    {
        return buffer.getStringWithoutLengthUtf8(stanzaOffset(), stanzaLength());
    }
}
