package org.stanzaswitch.codec;

import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;

/**
 * Decoding of references and line ends (XML 1.0 §2.11, §3.3.3, §4.6) in bytes that the framer has validated,
 * and escaping of text and attribute values for the encoders. A decoded value is never longer than its raw
 * form, so a destination of the raw length always suffices.
 */
public final class XmlText
{
    private XmlText()
    {
    }

    /**
     * @param source      validated raw bytes.
     * @param offset      of the raw bytes.
     * @param length      of the raw bytes.
     * @param destination for the UTF-8 result.
     * @param dstOffset   where to write.
     * @param attribute   true for an attribute value (white space becomes a space), false for character data.
     * @return bytes written.
     */
    public static int decode(
        final DirectBuffer source,
        final int offset,
        final int length,
        final MutableDirectBuffer destination,
        final int dstOffset,
        final boolean attribute)
    {
        final int end = offset + length;
        int out = dstOffset;
        int i = offset;
        while (i < end)
        {
            final byte b = source.getByte(i);
            if (b == '&')
            {
                final int semicolon = indexOf(source, i + 1, end, (byte)';');
                out += writeReference(source, i + 1, semicolon, destination, out);
                i = semicolon + 1;
            }
            else if (b == '\r')
            {
                destination.putByte(out++, attribute ? (byte)' ' : (byte)'\n');
                i += (i + 1 < end && source.getByte(i + 1) == '\n') ? 2 : 1;
            }
            else
            {
                destination.putByte(out++, attribute && (b == '\n' || b == '\t') ? (byte)' ' : b);
                i++;
            }
        }
        return out - dstOffset;
    }

    private static int indexOf(final DirectBuffer buffer, final int from, final int end, final byte value)
    {
        int i = from;
        while (i < end && buffer.getByte(i) != value)
        {
            i++;
        }
        return i;
    }

    private static int writeReference(
        final DirectBuffer source, final int start, final int end, final MutableDirectBuffer destination, final int out)
    {
        if (source.getByte(start) == '#')
        {
            int codePoint = 0;
            if (source.getByte(start + 1) == 'x')
            {
                for (int i = start + 2; i < end; i++)
                {
                    codePoint = (codePoint << 4) + Character.digit(source.getByte(i), 16);
                }
            }
            else
            {
                for (int i = start + 1; i < end; i++)
                {
                    codePoint = codePoint * 10 + (source.getByte(i) - '0');
                }
            }
            return putUtf8(destination, out, codePoint);
        }
        final byte first = source.getByte(start);
        final byte value;
        switch (first)
        {
            case 'l':
                value = '<';
                break;
            case 'g':
                value = '>';
                break;
            case 'q':
                value = '"';
                break;
            default:
                value = source.getByte(start + 1) == 'm' ? (byte)'&' : (byte)'\'';
                break;
        }
        destination.putByte(out, value);
        return 1;
    }

    /**
     * @param destination to write into.
     * @param offset      where to write.
     * @param codePoint   a Unicode scalar value.
     * @return bytes written (1 to 4).
     */
    public static int putUtf8(final MutableDirectBuffer destination, final int offset, final int codePoint)
    {
        if (codePoint < 0x80)
        {
            destination.putByte(offset, (byte)codePoint);
            return 1;
        }
        if (codePoint < 0x800)
        {
            destination.putByte(offset, (byte)(0xC0 | (codePoint >> 6)));
            destination.putByte(offset + 1, (byte)(0x80 | (codePoint & 0x3F)));
            return 2;
        }
        if (codePoint < 0x10000)
        {
            destination.putByte(offset, (byte)(0xE0 | (codePoint >> 12)));
            destination.putByte(offset + 1, (byte)(0x80 | ((codePoint >> 6) & 0x3F)));
            destination.putByte(offset + 2, (byte)(0x80 | (codePoint & 0x3F)));
            return 3;
        }
        destination.putByte(offset, (byte)(0xF0 | (codePoint >> 18)));
        destination.putByte(offset + 1, (byte)(0x80 | ((codePoint >> 12) & 0x3F)));
        destination.putByte(offset + 2, (byte)(0x80 | ((codePoint >> 6) & 0x3F)));
        destination.putByte(offset + 3, (byte)(0x80 | (codePoint & 0x3F)));
        return 4;
    }

    /**
     * Escape UTF-8 bytes as character data or as an attribute value quoted with {@code '}.
     *
     * @param source      UTF-8 bytes.
     * @param offset      of the bytes.
     * @param length      of the bytes.
     * @param destination to write into; needs up to six times the length.
     * @param dstOffset   where to write.
     * @return bytes written.
     */
    public static int escape(
        final DirectBuffer source,
        final int offset,
        final int length,
        final MutableDirectBuffer destination,
        final int dstOffset)
    {
        return escape(source, offset, length, destination, dstOffset, false);
    }

    /**
     * Escape UTF-8 bytes as an attribute value, keeping tabs and line ends, which XML 1.0 §3.3.3 would
     * otherwise turn into spaces.
     *
     * @param source      UTF-8 bytes.
     * @param offset      of the bytes.
     * @param length      of the bytes.
     * @param destination to write into; needs up to six times the length.
     * @param dstOffset   where to write.
     * @return bytes written.
     */
    public static int escapeAttribute(
        final DirectBuffer source,
        final int offset,
        final int length,
        final MutableDirectBuffer destination,
        final int dstOffset)
    {
        return escape(source, offset, length, destination, dstOffset, true);
    }

    private static int escape(
        final DirectBuffer source,
        final int offset,
        final int length,
        final MutableDirectBuffer destination,
        final int dstOffset,
        final boolean keepWhitespace)
    {
        int out = dstOffset;
        for (int i = offset, end = offset + length; i < end; i++)
        {
            final byte b = source.getByte(i);
            if (keepWhitespace && (b == '\t' || b == '\n'))
            {
                out += destination.putStringWithoutLengthAscii(out, b == '\t' ? "&#9;" : "&#10;");
            }
            else
            {
                out += escapeByte(b, destination, out);
            }
        }
        return out - dstOffset;
    }

    /**
     * Escape a string as character data or as an attribute value quoted with {@code '}.
     *
     * @param value       the text.
     * @param destination to write into.
     * @param dstOffset   where to write.
     * @return bytes written.
     */
    public static int escape(final CharSequence value, final MutableDirectBuffer destination, final int dstOffset)
    {
        int out = dstOffset;
        for (int i = 0, n = value.length(); i < n; i++)
        {
            final char c = value.charAt(i);
            if (c < 0x80)
            {
                out += escapeByte((byte)c, destination, out);
            }
            else
            {
                final int codePoint = Character.codePointAt(value, i);
                if (Character.isSupplementaryCodePoint(codePoint))
                {
                    i++;
                }
                out += putUtf8(destination, out, codePoint);
            }
        }
        return out - dstOffset;
    }

    static int escapeByte(final byte b, final MutableDirectBuffer destination, final int out)
    {
        switch (b)
        {
            case '<':
                return destination.putStringWithoutLengthAscii(out, "&lt;");
            case '>':
                return destination.putStringWithoutLengthAscii(out, "&gt;");
            case '&':
                return destination.putStringWithoutLengthAscii(out, "&amp;");
            case '\'':
                return destination.putStringWithoutLengthAscii(out, "&apos;");
            case '"':
                return destination.putStringWithoutLengthAscii(out, "&quot;");
            case '\r':
                // A raw CR would be read back as a line end (XML 1.0 §2.11); a reference keeps it.
                return destination.putStringWithoutLengthAscii(out, "&#13;");
            default:
                destination.putByte(out, b);
                return 1;
        }
    }
}
