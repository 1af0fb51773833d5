package org.stanzaswitch.gateway;

import io.netty.buffer.ByteBuf;

/**
 * A cursor over the attributes of one start tag in a Netty buffer, for the few tags the WebSocket framing
 * rewrites ({@code <open/>}, the stream header, a top-level element's namespace). Not a validator: what it
 * passes on still goes through the framer or came out of the server.
 */
final class TagAttributes
{
    private ByteBuf bytes;
    private int position;
    private int end;
    private int tagEnd;
    int nameStart;
    int nameEnd;
    int valueStart;
    /** The closing quote's position. */
    int valueEnd;

    /**
     * @param from just after the tag's name.
     * @param end  the end of the bytes to read.
     */
    TagAttributes wrap(final ByteBuf bytes, final int from, final int end)
    {
        this.bytes = bytes;
        this.position = from;
        this.end = end;
        this.tagEnd = -1;
        return this;
    }

    /**
     * @return whether another attribute was read; false at the end of the tag, or at anything not an attribute.
     */
    boolean next()
    {
        int i = skipWhitespace(position);
        if (i >= end)
        {
            return false;
        }
        final byte first = bytes.getByte(i);
        if (first == '>' || (first == '/' && i + 1 < end && bytes.getByte(i + 1) == '>'))
        {
            tagEnd = first == '>' ? i : i + 1;
            return false;
        }
        if (i == position)
        {
            return false;
        }
        nameStart = i;
        while (i < end && bytes.getByte(i) != '=' && !isWhitespace(bytes.getByte(i)) && bytes.getByte(i) != '>')
        {
            i++;
        }
        nameEnd = i;
        i = skipWhitespace(i);
        if (nameEnd == nameStart || i >= end || bytes.getByte(i) != '=')
        {
            return false;
        }
        i = skipWhitespace(i + 1);
        if (i >= end || (bytes.getByte(i) != '\'' && bytes.getByte(i) != '"'))
        {
            return false;
        }
        valueStart = i + 1;
        valueEnd = bytes.indexOf(valueStart, end, bytes.getByte(i));
        if (valueEnd < 0)
        {
            return false;
        }
        position = valueEnd + 1;
        return true;
    }

    /**
     * @return after {@link #next} returned false: the position of the tag's '>', or -1 if it was not reached.
     */
    int tagEnd()
    {
        return tagEnd;
    }

    ByteBuf bytes()
    {
        return bytes;
    }

    boolean nameIs(final byte[] name)
    {
        return regionIs(bytes, nameStart, nameEnd, name);
    }

    boolean nameStartsWith(final byte[] prefix)
    {
        return nameEnd - nameStart >= prefix.length && regionIs(bytes, nameStart, nameStart + prefix.length, prefix);
    }

    boolean valueIs(final byte[] value)
    {
        return regionIs(bytes, valueStart, valueEnd, value);
    }

    /**
     * The attribute as written, from its name to its closing quote.
     */
    void copyTo(final ByteBuf target)
    {
        target.writeBytes(bytes, nameStart, valueEnd + 1 - nameStart);
    }

    /**
     * @return the position of the '>' ending the tag that starts before {@code from}, quoted values skipped; -1
     * if it is not all there.
     */
    static int tagEnd(final ByteBuf bytes, final int from, final int end)
    {
        byte quote = 0;
        for (int i = from; i < end; i++)
        {
            final byte b = bytes.getByte(i);
            if (quote != 0)
            {
                quote = b == quote ? 0 : quote;
            }
            else if (b == '\'' || b == '"')
            {
                quote = b;
            }
            else if (b == '>')
            {
                return i;
            }
        }
        return -1;
    }

    static boolean regionIs(final ByteBuf bytes, final int start, final int end, final byte[] expected)
    {
        if (end - start != expected.length)
        {
            return false;
        }
        for (int i = 0; i < expected.length; i++)
        {
            if (bytes.getByte(start + i) != expected[i])
            {
                return false;
            }
        }
        return true;
    }

    static boolean isWhitespace(final byte b)
    {
        return b == ' ' || b == '\n' || b == '\t' || b == '\r';
    }

    private int skipWhitespace(final int from)
    {
        int i = from;
        while (i < end && isWhitespace(bytes.getByte(i)))
        {
            i++;
        }
        return i;
    }
}
