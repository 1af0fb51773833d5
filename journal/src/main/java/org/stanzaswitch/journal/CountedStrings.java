package org.stanzaswitch.journal;

import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;

import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;

/**
 * The string layout every journal record uses (docs/journal-format.md): a u16 little-endian byte count, then
 * the UTF-8 bytes. For encoding commands off the hot path: it allocates the bytes.
 */
public final class CountedStrings
{
    private static final ByteOrder ORDER = ByteOrder.LITTLE_ENDIAN;

    private CountedStrings()
    {
    }

    /**
     * @return the offset just after the string written.
     */
    public static int put(final MutableDirectBuffer buffer, final int at, final String value)
    {
        final byte[] bytes = value.getBytes(StandardCharsets.UTF_8);
        buffer.putShort(at, (short)bytes.length, ORDER);
        buffer.putBytes(at + 2, bytes);
        return at + 2 + bytes.length;
    }

    public static String get(final DirectBuffer buffer, final int at)
    {
        return buffer.getStringWithoutLengthUtf8(at + 2, buffer.getShort(at, ORDER) & 0xFFFF);
    }

    /**
     * @return the offset just after the string at {@code at}.
     */
    public static int skip(final DirectBuffer buffer, final int at)
    {
        return at + 2 + (buffer.getShort(at, ORDER) & 0xFFFF);
    }
}
