package org.stanzaswitch.codec;

import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;

/**
 * Writes XML into a buffer in place: start tags, attributes, text and end tags, escaped as XML 1.0 requires.
 * Element and attribute names are trusted constants; values and text are escaped. Tracks open elements so
 * that {@link #end()} writes the right closing tag. Writes no {@code String}s and allocates nothing once
 * wrapped. Not thread safe.
 */
public final class XmlEncoder
{
    private static final byte[] XMLNS_ATTRIBUTE = Bytes.ascii(" xmlns='");
    private static final byte[] IQ = Bytes.ascii("iq");
    private static final byte[] ID = Bytes.ascii("id");
    private static final int MAX_DEPTH = 32;
    private static final UnsafeBuffer EMPTY = new UnsafeBuffer(new byte[0]);

    private final byte[][] openNames = new byte[MAX_DEPTH][];
    private MutableDirectBuffer buffer = EMPTY;
    private int start;
    private int position;
    private int depth;
    private boolean tagOpen;

    /**
     * @param buffer to write into; the caller makes sure it has room.
     * @param offset where to start.
     * @return this for a fluent API.
     */
    public XmlEncoder wrap(final MutableDirectBuffer buffer, final int offset)
    {
        this.buffer = buffer;
        this.start = offset;
        this.position = offset;
        this.depth = 0;
        this.tagOpen = false;
        return this;
    }

    /**
     * @return bytes written since {@link #wrap}.
     */
    public int length()
    {
        closeStartTag();
        return position - start;
    }

    public MutableDirectBuffer buffer()
    {
        return buffer;
    }

    /**
     * Open an element.
     *
     * @param name the qualified name, ASCII.
     * @return this for a fluent API.
     */
    public XmlEncoder start(final byte[] name)
    {
        closeStartTag();
        buffer.putByte(position++, (byte)'<');
        buffer.putBytes(position, name);
        position += name.length;
        openNames[depth++] = name;
        tagOpen = true;
        return this;
    }

    /**
     * Add an attribute to the element just opened.
     *
     * @param name  the qualified name, ASCII.
     * @param value the value, escaped here.
     * @return this for a fluent API.
     */
    public XmlEncoder attribute(final byte[] name, final CharSequence value)
    {
        attributeName(name);
        position += XmlText.escape(value, buffer, position);
        buffer.putByte(position++, (byte)'\'');
        return this;
    }

    /**
     * Open the {@code <iq/>} that answers a request (RFC 6120 §8.2.3): with the request's id, copied as written,
     * if it has one. The caller adds the addresses and the type.
     *
     * @param request the request answered.
     * @return this for a fluent API.
     */
    public XmlEncoder startIqReply(final StartTagFlyweight request)
    {
        start(IQ);
        final int id = request.idIndex();
        if (id != StartTagFlyweight.MISSING)
        {
            attributeCopied(ID, request.buffer(), request.attributeValueOffset(id), request.attributeValueLength(id));
        }
        return this;
    }

    /**
     * Add an attribute whose value is UTF-8 bytes.
     *
     * @param name   the qualified name, ASCII.
     * @param source holding the value.
     * @param offset of the value.
     * @param length of the value.
     * @return this for a fluent API.
     */
    public XmlEncoder attribute(final byte[] name, final DirectBuffer source, final int offset, final int length)
    {
        attributeName(name);
        position += XmlText.escapeAttribute(source, offset, length, buffer, position);
        buffer.putByte(position++, (byte)'\'');
        return this;
    }

    /**
     * Add an attribute whose value is copied as written in another element: already escaped, so only the
     * quote this encoder uses needs a reference.
     *
     * @param name   the qualified name, ASCII.
     * @param source holding the raw value.
     * @param offset of the raw value.
     * @param length of the raw value.
     * @return this for a fluent API.
     */
    public XmlEncoder attributeCopied(final byte[] name, final DirectBuffer source, final int offset, final int length)
    {
        attributeName(name);
        for (int i = offset, end = offset + length; i < end; i++)
        {
            final byte b = source.getByte(i);
            if (b == '\'')
            {
                position += buffer.putStringWithoutLengthAscii(position, "&apos;");
            }
            else
            {
                buffer.putByte(position++, b);
            }
        }
        buffer.putByte(position++, (byte)'\'');
        return this;
    }

    /**
     * Add an attribute whose value is a trusted ASCII constant needing no escape, such as a namespace name.
     *
     * @param name  the qualified name, ASCII.
     * @param value the value, ASCII.
     * @return this for a fluent API.
     */
    public XmlEncoder attribute(final byte[] name, final byte[] value)
    {
        attributeName(name);
        buffer.putBytes(position, value);
        position += value.length;
        buffer.putByte(position++, (byte)'\'');
        return this;
    }

    /**
     * Add attributes copied whole from another tag, each as written there with its leading space, such as the
     * namespace declarations that children copied out of that tag need.
     *
     * @param attributes the attributes' bytes.
     * @return this for a fluent API.
     */
    public XmlEncoder rawAttributes(final byte[] attributes)
    {
        buffer.putBytes(position, attributes);
        position += attributes.length;
        return this;
    }

    private void attributeName(final byte[] name)
    {
        buffer.putByte(position++, (byte)' ');
        buffer.putBytes(position, name);
        position += name.length;
        buffer.putByte(position++, (byte)'=');
        buffer.putByte(position++, (byte)'\'');
    }

    /**
     * @param text character data, escaped here.
     * @return this for a fluent API.
     */
    public XmlEncoder text(final CharSequence text)
    {
        closeStartTag();
        position += XmlText.escape(text, buffer, position);
        return this;
    }

    /**
     * Copy bytes that are already XML (a child element read from a stanza) unchanged.
     *
     * @param source holding the XML.
     * @param offset of the XML.
     * @param length of the XML.
     * @return this for a fluent API.
     */
    public XmlEncoder raw(final DirectBuffer source, final int offset, final int length)
    {
        closeStartTag();
        buffer.putBytes(position, source, offset, length);
        position += length;
        return this;
    }

    /**
     * Copy bytes that are already XML and outlive the stanza they came from (kept children, stored items).
     *
     * @param xml the XML.
     * @return this for a fluent API.
     */
    public XmlEncoder raw(final byte[] xml)
    {
        closeStartTag();
        buffer.putBytes(position, xml);
        position += xml.length;
        return this;
    }

    /**
     * Copy an element that inherited its namespace from where it was (a stanza from a {@code jabber:client}
     * stream) into a place that has another default namespace ({@code <forwarded/>}, XEP-0297): the same
     * bytes with {@code xmlns} declared on the element itself.
     *
     * @param source    holding the element, which does not declare a default namespace itself.
     * @param offset    of the element's {@code '<'}.
     * @param length    of the element.
     * @param namespace the namespace it inherited, ASCII.
     * @return this for a fluent API.
     */
    public XmlEncoder rawDeclaringNamespace(
        final DirectBuffer source, final int offset, final int length, final byte[] namespace)
    {
        int nameEnd = offset + 1;
        byte b = source.getByte(nameEnd);
        while (b != '>' && b != '/' && !StartTagFlyweight.isWhitespace(b))
        {
            b = source.getByte(++nameEnd);
        }
        raw(source, offset, nameEnd - offset);
        buffer.putBytes(position, XMLNS_ATTRIBUTE);
        position += XMLNS_ATTRIBUTE.length;
        buffer.putBytes(position, namespace);
        position += namespace.length;
        buffer.putByte(position++, (byte)'\'');
        return raw(source, nameEnd, offset + length - nameEnd);
    }

    /**
     * Close the innermost open element, as an empty-element tag if nothing was written inside it.
     *
     * @return this for a fluent API.
     */
    public XmlEncoder end()
    {
        final byte[] name = openNames[--depth];
        if (tagOpen)
        {
            buffer.putByte(position++, (byte)'/');
            buffer.putByte(position++, (byte)'>');
            tagOpen = false;
            return this;
        }
        buffer.putByte(position++, (byte)'<');
        buffer.putByte(position++, (byte)'/');
        buffer.putBytes(position, name);
        position += name.length;
        buffer.putByte(position++, (byte)'>');
        return this;
    }

    /**
     * Close the start tag of the element just opened without closing the element, for a stream header.
     *
     * @return this for a fluent API.
     */
    public XmlEncoder endStartTagOnly()
    {
        closeStartTag();
        depth--;
        return this;
    }

    private void closeStartTag()
    {
        if (tagOpen)
        {
            buffer.putByte(position++, (byte)'>');
            tagOpen = false;
        }
    }
}
