package org.stanzaswitch.codec;

/**
 * Collects and checks the XML declaration that may open a stream (XML 1.0 §2.8): version 1.0, encoding
 * UTF-8 if named (RFC 6120 §11.6), standalone optional. A processing instruction with any other target is
 * refused by RFC 6120 §11.1.
 */
final class XmlDeclaration
{
    private static final int MAX_LENGTH = 128;

    // A stream holds a declaration only while its prolog is read, so the room for one is taken per declaration.
    private final byte[] bytes = new byte[MAX_LENGTH];
    private int length;
    private int position;
    private String failureReason;

    boolean append(final int c)
    {
        if (length == MAX_LENGTH)
        {
            return false;
        }
        bytes[length++] = (byte)c;
        return true;
    }

    boolean isComplete()
    {
        return length >= 2 && bytes[length - 2] == '?' && bytes[length - 1] == '>';
    }

    /**
     * @return true if what was collected so far can only be the XML declaration, not another processing
     * instruction.
     */
    boolean hasXmlTarget()
    {
        return length >= 4 && bytes[0] == 'x' && bytes[1] == 'm' && bytes[2] == 'l' && isSpace(bytes[3]);
    }

    String failureReason()
    {
        return failureReason;
    }

    /**
     * @return null if the declaration is acceptable, else the stream error to send.
     */
    StreamErrorCondition check()
    {
        position = 0;
        final int end = length - 2;
        if (!hasXmlTarget())
        {
            failureReason = "processing instruction (RFC 6120 §11.1)";
            return StreamErrorCondition.RESTRICTED_XML;
        }
        position = 3;
        failureReason = "malformed XML declaration";
        if (!pseudoAttribute("version") || !consumeQuoted("1.0"))
        {
            return StreamErrorCondition.NOT_WELL_FORMED;
        }
        final int beforeEncoding = position;
        if (pseudoAttribute("encoding"))
        {
            if (!consumeQuotedIgnoringCase("utf-8"))
            {
                failureReason = "encoding other than UTF-8 (RFC 6120 §11.6)";
                return StreamErrorCondition.UNSUPPORTED_ENCODING;
            }
        }
        else
        {
            position = beforeEncoding;
        }
        final int beforeStandalone = position;
        if (pseudoAttribute("standalone"))
        {
            if (!consumeQuoted("yes") && !consumeQuoted("no"))
            {
                return StreamErrorCondition.NOT_WELL_FORMED;
            }
        }
        else
        {
            position = beforeStandalone;
        }
        while (position < end && isSpace(bytes[position]))
        {
            position++;
        }
        return position == end ? null : StreamErrorCondition.NOT_WELL_FORMED;
    }

    private boolean pseudoAttribute(final String name)
    {
        final int start = position;
        while (position < length && isSpace(bytes[position]))
        {
            position++;
        }
        if (position == start || !consume(name))
        {
            return false;
        }
        skipSpace();
        if (position >= length || bytes[position] != '=')
        {
            return false;
        }
        position++;
        skipSpace();
        return true;
    }

    private void skipSpace()
    {
        while (position < length && isSpace(bytes[position]))
        {
            position++;
        }
    }

    private boolean consumeQuoted(final String value)
    {
        return consumeQuoted(value, false);
    }

    private boolean consumeQuotedIgnoringCase(final String value)
    {
        return consumeQuoted(value, true);
    }

    private boolean consumeQuoted(final String value, final boolean ignoreCase)
    {
        final int start = position;
        if (position >= length || (bytes[position] != '\'' && bytes[position] != '"'))
        {
            return false;
        }
        final byte quote = bytes[position++];
        final boolean matched = ignoreCase ? consumeIgnoringCase(value) : consume(value);
        if (matched && position < length && bytes[position] == quote)
        {
            position++;
            return true;
        }
        position = start;
        return false;
    }

    private boolean consume(final String value)
    {
        return consume(value, false);
    }

    private boolean consumeIgnoringCase(final String value)
    {
        return consume(value, true);
    }

    private boolean consume(final String value, final boolean ignoreCase)
    {
        if (position + value.length() > length)
        {
            return false;
        }
        for (int k = 0; k < value.length(); k++)
        {
            final int c = ignoreCase ? Character.toLowerCase(bytes[position + k]) : bytes[position + k];
            if (c != value.charAt(k))
            {
                return false;
            }
        }
        position += value.length();
        return true;
    }

    private static boolean isSpace(final byte b)
    {
        return b == ' ' || b == '\t' || b == '\n' || b == '\r';
    }
}
