package org.stanzaswitch.codec;

import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;

/**
 * Rewrites a stanza by splicing bytes rather than re-serialising it (ARCHITECTURE invariant 2): stamps a new
 * {@code from} (RFC 6120 §8.1.2.1 has the server set it on everything a client sends), adds the sender's stream
 * language to a stanza that names none (§4.7.4), and optionally inserts a child such as {@code <delay/>}
 * (XEP-0203) or {@code <stanza-id/>} (XEP-0359) before the closing tag. Every other byte is copied as it came.
 * Stateless; any thread.
 */
public final class StanzaSplicer
{
    private static final byte[] FROM_ATTRIBUTE = Bytes.ascii(" from='");

    private StanzaSplicer()
    {
    }

    /**
     * @param stanza the stanza to splice.
     * @param from   the address to stamp.
     * @return the most bytes {@link #splice} writes for them without a child: every byte of the address may
     * need a six-byte reference, and an empty element gains nothing else.
     */
    public static int maxLength(final ElementFlyweight stanza, final byte[] from)
    {
        return stanza.length() + FROM_ATTRIBUTE.length + 6 * from.length + 1;
    }

    /**
     * @param stanza   the stanza to stamp.
     * @param from     the address to stamp.
     * @param language the attribute {@link #stamp} may add, or null.
     * @return the most bytes {@link #stamp} writes for them.
     */
    public static int maxLength(final ElementFlyweight stanza, final byte[] from, final byte[] language)
    {
        return maxLength(stanza, from) + (language == null ? 0 : language.length);
    }

    /**
     * @param language a stream's {@code xml:lang} value, as written.
     * @return the attribute, with its leading space, that {@link #stamp} adds to a stanza without one; null if the
     * value is not shaped like a language tag (RFC 6120 §4.7.4 requires BCP 47: subtags of one to eight letters
     * or digits joined by hyphens, the first of letters), which is then not spread to the stanzas.
     */
    public static byte[] languageAttribute(final String language)
    {
        boolean primary = true;
        int subtag = 0;
        for (int i = 0; i < language.length(); i++)
        {
            final char c = language.charAt(i);
            if (c == '-' && subtag > 0)
            {
                primary = false;
                subtag = 0;
                continue;
            }
            final boolean letter = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
            final boolean digit = c >= '0' && c <= '9';
            if (!(letter || (digit && !primary)) || ++subtag > 8)
            {
                return null;
            }
        }
        return subtag == 0 ? null : Bytes.ascii(" xml:lang='" + language + "'");
    }

    /**
     * Stamp what a client sent on its way into the switch: the sender's {@code from} (RFC 6120 §8.1.2.1) and, if
     * the stanza has no {@code xml:lang} of its own, the language its stream declared (§4.7.4: the receiving
     * entity SHOULD add it when routing or delivering the stanza).
     *
     * @param stanza      the stanza as received.
     * @param from        the canonical sender to stamp, UTF-8 (escaped here).
     * @param language    from {@link #languageAttribute}, or null if the stream declared none.
     * @param destination to write the result into; needs {@link #maxLength(ElementFlyweight, byte[], byte[])}.
     * @param dstOffset   where to write.
     * @return bytes written.
     */
    public static int stamp(
        final ElementFlyweight stanza,
        final byte[] from,
        final byte[] language,
        final MutableDirectBuffer destination,
        final int dstOffset)
    {
        return splice(stanza, from, stanza.langIndex() == StartTagFlyweight.MISSING ? language : null,
            null, 0, 0, destination, dstOffset);
    }

    /**
     * @param stanza      the stanza as received.
     * @param from        the canonical sender to stamp, UTF-8 (escaped here).
     * @param child       XML to add as the last child, or null.
     * @param childOffset of the child.
     * @param childLength of the child.
     * @param destination to write the result into; needs the stanza's length plus the new parts (at most six
     *                    times the address, escaped) plus the child and the element name.
     * @param dstOffset   where to write.
     * @return bytes written.
     */
    public static int splice(
        final ElementFlyweight stanza,
        final byte[] from,
        final DirectBuffer child,
        final int childOffset,
        final int childLength,
        final MutableDirectBuffer destination,
        final int dstOffset)
    {
        return splice(stanza, from, null, child, childOffset, childLength, destination, dstOffset);
    }

    private static int splice(
        final ElementFlyweight stanza,
        final byte[] from,
        final byte[] language,
        final DirectBuffer child,
        final int childOffset,
        final int childLength,
        final MutableDirectBuffer destination,
        final int dstOffset)
    {
        final DirectBuffer source = stanza.buffer();
        final int start = stanza.offset();
        final int fromIndex = stanza.fromIndex();
        int out = dstOffset;

        // Name first, then the new from, then every other attribute as it was.
        final int afterName = stanza.nameOffset() + stanza.nameLength();
        out += copy(source, start, afterName - start, destination, out);
        destination.putBytes(out, FROM_ATTRIBUTE);
        out += FROM_ATTRIBUTE.length;
        for (final byte b : from)
        {
            out += XmlText.escapeByte(b, destination, out);
        }
        destination.putByte(out++, (byte)'\'');
        if (language != null)
        {
            destination.putBytes(out, language);
            out += language.length;
        }

        final int startTagEnd = start + stanza.startTagLength();
        int cursor = afterName;
        if (fromIndex != StartTagFlyweight.MISSING)
        {
            // Drop the old attribute with the white space before it: from the end of the previous token.
            final int nameStart = stanza.attributeNameOffset(fromIndex);
            final int valueEnd = stanza.attributeValueOffset(fromIndex) + stanza.attributeValueLength(fromIndex) + 1;
            int cut = nameStart;
            while (StartTagFlyweight.isWhitespace(source.getByte(cut - 1)))
            {
                cut--;
            }
            out += copy(source, cursor, cut - cursor, destination, out);
            cursor = valueEnd;
        }

        if (child == null)
        {
            out += copy(source, cursor, start + stanza.length() - cursor, destination, out);
            return out - dstOffset;
        }
        if (stanza.isEmptyElement())
        {
            // <x .../> becomes <x ...>child</x>.
            out += copy(source, cursor, startTagEnd - 2 - cursor, destination, out);
            destination.putByte(out++, (byte)'>');
            out += copy(child, childOffset, childLength, destination, out);
            destination.putByte(out++, (byte)'<');
            destination.putByte(out++, (byte)'/');
            out += copy(source, stanza.nameOffset(), stanza.nameLength(), destination, out);
            destination.putByte(out++, (byte)'>');
            return out - dstOffset;
        }
        final int closingTag = lastIndexOf(source, start, start + stanza.length(), (byte)'<');
        out += copy(source, cursor, closingTag - cursor, destination, out);
        out += copy(child, childOffset, childLength, destination, out);
        out += copy(source, closingTag, start + stanza.length() - closingTag, destination, out);
        return out - dstOffset;
    }

    private static int copy(
        final DirectBuffer source, final int offset, final int length, final MutableDirectBuffer destination,
        final int at)
    {
        destination.putBytes(at, source, offset, length);
        return length;
    }

    private static int lastIndexOf(final DirectBuffer buffer, final int from, final int end, final byte value)
    {
        int i = end - 1;
        while (i >= from && buffer.getByte(i) != value)
        {
            i--;
        }
        return i;
    }
}
