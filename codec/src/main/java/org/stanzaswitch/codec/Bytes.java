package org.stanzaswitch.codec;

import org.agrona.DirectBuffer;

import java.nio.charset.StandardCharsets;

/**
 * Comparisons of byte ranges in place, without copying them out.
 */
public final class Bytes
{
    private Bytes()
    {
    }

    /**
     * @param value ASCII text.
     * @return its bytes, for constants.
     */
    public static byte[] ascii(final String value)
    {
        return value.getBytes(StandardCharsets.US_ASCII);
    }

    /**
     * Compare bytes with a string known to be ASCII (a XEP-0115 verification string), allocating nothing.
     *
     * @param buffer holding the bytes.
     * @param offset of the bytes.
     * @param length of the bytes.
     * @param value  ASCII text to compare with; a character above 127 never matches.
     * @return true if the bytes are the string's characters.
     */
    public static boolean asciiEquals(
        final DirectBuffer buffer, final int offset, final int length, final CharSequence value)
    {
        if (length != value.length())
        {
            return false;
        }
        for (int i = 0; i < length; i++)
        {
            if (buffer.getByte(offset + i) != value.charAt(i))
            {
                return false;
            }
        }
        return true;
    }

    /**
     * @param buffer holding the bytes.
     * @param offset of the bytes.
     * @param length of the bytes.
     * @param value  to compare with.
     * @return true if the bytes are exactly the given ones.
     */
    public static boolean equals(final DirectBuffer buffer, final int offset, final int length, final byte[] value)
    {
        if (length != value.length)
        {
            return false;
        }
        final byte[] array = buffer.byteArray();
        if (array != null)
        {
            final int start = offset + buffer.wrapAdjustment();
            for (int i = 0; i < length; i++)
            {
                if (array[start + i] != value[i])
                {
                    return false;
                }
            }
            return true;
        }
        for (int i = 0; i < length; i++)
        {
            if (buffer.getByte(offset + i) != value[i])
            {
                return false;
            }
        }
        return true;
    }

    /**
     * @param buffer holding the bytes.
     * @param offset of the bytes.
     * @param length of the bytes.
     * @param value  to look for; not empty.
     * @return whether the bytes contain the value: a cheap filter before parsing, allocating nothing.
     */
    public static boolean contains(final DirectBuffer buffer, final int offset, final int length, final byte[] value)
    {
        final byte first = value[0];
        final int last = offset + length - value.length;
        for (int at = offset; at <= last; at++)
        {
            if (buffer.getByte(at) == first && regionEquals(buffer, at, value))
            {
                return true;
            }
        }
        return false;
    }

    private static boolean regionEquals(final DirectBuffer buffer, final int offset, final byte[] value)
    {
        for (int i = 1; i < value.length; i++)
        {
            if (buffer.getByte(offset + i) != value[i])
            {
                return false;
            }
        }
        return true;
    }

    /**
     * @param left        one buffer.
     * @param leftOffset  where its range starts.
     * @param right       the other buffer.
     * @param rightOffset where its range starts.
     * @param length      of both ranges.
     * @return true if both ranges hold the same bytes.
     */
    public static boolean regionEquals(
        final DirectBuffer left, final int leftOffset, final DirectBuffer right, final int rightOffset,
        final int length)
    {
        final byte[] leftArray = left.byteArray();
        final byte[] rightArray = right.byteArray();
        if (leftArray != null && rightArray != null)
        {
            final int leftStart = leftOffset + left.wrapAdjustment();
            final int rightStart = rightOffset + right.wrapAdjustment();
            for (int i = 0; i < length; i++)
            {
                if (leftArray[leftStart + i] != rightArray[rightStart + i])
                {
                    return false;
                }
            }
            return true;
        }
        for (int i = 0; i < length; i++)
        {
            if (left.getByte(leftOffset + i) != right.getByte(rightOffset + i))
            {
                return false;
            }
        }
        return true;
    }
}
