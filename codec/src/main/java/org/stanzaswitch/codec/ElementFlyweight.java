package org.stanzaswitch.codec;

import org.agrona.DirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;

/**
 * A reusable view over one complete top-level element: its opening tag's name and attributes (see
 * {@link StartTagFlyweight}), its namespace name and its {@link StanzaKind}. The payload is walked with
 * {@link XmlReader}, off the hot path.
 */
public final class ElementFlyweight extends StartTagFlyweight
{
    private static final byte[] MESSAGE = Bytes.ascii("message");
    private static final byte[] PRESENCE = Bytes.ascii("presence");
    private static final byte[] IQ = Bytes.ascii("iq");
    private static final UnsafeBuffer NO_NAMESPACE = new UnsafeBuffer(new byte[0]);

    private DirectBuffer namespaceBuffer = NO_NAMESPACE;
    private int namespaceOffset;
    private int namespaceLength;
    private DirectBuffer defaultNamespaceBuffer = NO_NAMESPACE;
    private int defaultNamespaceOffset;
    private int defaultNamespaceLength;
    private StanzaKind kind = StanzaKind.OTHER;

    /**
     * @param maxAttributes the most attributes a wrapped element has; further ones are not indexed.
     */
    public ElementFlyweight(final int maxAttributes)
    {
        super(maxAttributes);
    }

    /**
     * Wrap a complete element whose namespace name is known.
     *
     * @param buffer          holding the element.
     * @param offset          of the element's {@code '<'}.
     * @param length          of the element.
     * @param namespaceBuffer holding the namespace name.
     * @param namespaceOffset of the namespace name.
     * @param namespaceLength of the namespace name; 0 for no namespace.
     * @return this for a fluent API.
     */
    public ElementFlyweight wrap(
        final DirectBuffer buffer,
        final int offset,
        final int length,
        final DirectBuffer namespaceBuffer,
        final int namespaceOffset,
        final int namespaceLength)
    {
        super.wrap(buffer, offset, length);
        return inNamespace(namespaceBuffer, namespaceOffset, namespaceLength);
    }

    /**
     * Set the default namespace in scope where it differs from the element's own, as it does for an element
     * with a prefix ({@code <stream:features>} inside a {@code jabber:client} stream).
     *
     * @param buffer holding the namespace name.
     * @param offset of the namespace name.
     * @param length of the namespace name; 0 for none.
     * @return this for a fluent API.
     */
    public ElementFlyweight defaultNamespace(final DirectBuffer buffer, final int offset, final int length)
    {
        defaultNamespaceBuffer = buffer;
        defaultNamespaceOffset = offset;
        defaultNamespaceLength = length;
        return this;
    }

    public DirectBuffer defaultNamespaceBuffer()
    {
        return defaultNamespaceBuffer;
    }

    public int defaultNamespaceOffset()
    {
        return defaultNamespaceOffset;
    }

    public int defaultNamespaceLength()
    {
        return defaultNamespaceLength;
    }

    ElementFlyweight wrapFramed(
        final DirectBuffer buffer,
        final int offset,
        final int length,
        final StartTagLayout layout,
        final DirectBuffer namespaceBuffer,
        final int namespaceOffset,
        final int namespaceLength)
    {
        super.wrapFramed(buffer, offset, length, layout);
        return inNamespace(namespaceBuffer, namespaceOffset, namespaceLength);
    }

    private ElementFlyweight inNamespace(final DirectBuffer buffer, final int offset, final int length)
    {
        namespaceBuffer = buffer;
        namespaceOffset = offset;
        namespaceLength = length;
        defaultNamespaceBuffer = buffer;
        defaultNamespaceOffset = offset;
        defaultNamespaceLength = length;
        kind = classify();
        return this;
    }

    private StanzaKind classify()
    {
        if (!XmppNamespaces.isStanzaNamespace(namespaceBuffer, namespaceOffset, namespaceLength))
        {
            return StanzaKind.OTHER;
        }
        if (localNameEquals(MESSAGE))
        {
            return StanzaKind.MESSAGE;
        }
        if (localNameEquals(PRESENCE))
        {
            return StanzaKind.PRESENCE;
        }
        return localNameEquals(IQ) ? StanzaKind.IQ : StanzaKind.OTHER;
    }

    public StanzaKind kind()
    {
        return kind;
    }

    public DirectBuffer namespaceBuffer()
    {
        return namespaceBuffer;
    }

    public int namespaceOffset()
    {
        return namespaceOffset;
    }

    public int namespaceLength()
    {
        return namespaceLength;
    }

    /**
     * @param ascii a namespace name.
     * @return true if the element is in that namespace.
     */
    public boolean namespaceEquals(final byte[] ascii)
    {
        return Bytes.equals(namespaceBuffer, namespaceOffset, namespaceLength, ascii);
    }

    /**
     * Debug output, for tests and logs off the hot path.
     *
     * @param builder to append to.
     * @return the builder.
     */
    public StringBuilder appendTo(final StringBuilder builder)
    {
        builder.append(kind).append(' ');
        for (int i = 0; i < length(); i++)
        {
            builder.append((char)(buffer().getByte(offset() + i) & 0xFF));
        }
        return builder;
    }
}
