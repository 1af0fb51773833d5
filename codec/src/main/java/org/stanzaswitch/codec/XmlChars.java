package org.stanzaswitch.codec;

/**
 * Character classes of XML 1.0 (Fifth Edition) §2.2 and §2.3, over Unicode code points.
 */
public final class XmlChars
{
    private static final byte NAME_START = 1;
    private static final byte NAME = 2;
    private static final byte WHITESPACE = 4;
    private static final byte CHAR = 8;
    private static final byte[] ASCII = new byte[128];

    static
    {
        ASCII['\t'] = WHITESPACE | CHAR;
        ASCII['\n'] = WHITESPACE | CHAR;
        ASCII['\r'] = WHITESPACE | CHAR;
        ASCII[' '] = WHITESPACE | CHAR;
        for (int c = 0x21; c < 0x80; c++)
        {
            ASCII[c] = CHAR;
        }
        for (int c = 'a'; c <= 'z'; c++)
        {
            ASCII[c] |= NAME_START | NAME;
            ASCII[c - 32] |= NAME_START | NAME;
        }
        for (int c = '0'; c <= '9'; c++)
        {
            ASCII[c] |= NAME;
        }
        ASCII['_'] |= NAME_START | NAME;
        ASCII[':'] |= NAME_START | NAME;
        ASCII['-'] |= NAME;
        ASCII['.'] |= NAME;
    }

    private XmlChars()
    {
    }

    /**
     * @param c a code point, or a byte as read, signed: a byte of a multi-byte character is no white space.
     * @return true if it is one of the four XML white space characters.
     */
    public static boolean isWhitespace(final int c)
    {
        return (c & ~0x7F) == 0 && (ASCII[c] & WHITESPACE) != 0;
    }

    /**
     * XML 1.0 §2.2 {@code Char}.
     *
     * @param c a code point.
     * @return true if the code point may appear in an XML 1.0 document.
     */
    public static boolean isChar(final int c)
    {
        if (c < 128)
        {
            return (ASCII[c] & CHAR) != 0;
        }
        return c <= 0xD7FF || (c >= 0xE000 && c <= 0xFFFD) || (c >= 0x10000 && c <= 0x10FFFF);
    }

    /**
     * XML 1.0 §2.3 {@code NameStartChar}.
     *
     * @param c a code point.
     * @return true if a name may start with it.
     */
    public static boolean isNameStartChar(final int c)
    {
        if (c < 128)
        {
            return (ASCII[c] & NAME_START) != 0;
        }
        return (c >= 0xC0 && c <= 0xD6) || (c >= 0xD8 && c <= 0xF6) || (c >= 0xF8 && c <= 0x2FF) ||
            (c >= 0x370 && c <= 0x37D) || (c >= 0x37F && c <= 0x1FFF) || (c >= 0x200C && c <= 0x200D) ||
            (c >= 0x2070 && c <= 0x218F) || (c >= 0x2C00 && c <= 0x2FEF) || (c >= 0x3001 && c <= 0xD7FF) ||
            (c >= 0xF900 && c <= 0xFDCF) || (c >= 0xFDF0 && c <= 0xFFFD) || (c >= 0x10000 && c <= 0xEFFFF);
    }

    /**
     * XML 1.0 §2.3 {@code NameChar}.
     *
     * @param c a code point.
     * @return true if it may appear in a name after the first character.
     */
    public static boolean isNameChar(final int c)
    {
        if (c < 128)
        {
            return (ASCII[c] & NAME) != 0;
        }
        return isNameStartChar(c) || c == 0xB7 || (c >= 0x300 && c <= 0x36F) || (c >= 0x203F && c <= 0x2040);
    }
}
