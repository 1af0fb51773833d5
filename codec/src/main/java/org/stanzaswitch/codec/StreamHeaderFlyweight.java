package org.stanzaswitch.codec;

import org.agrona.DirectBuffer;

/**
 * A view over a stream header, the opening tag of the stream element (RFC 6120 §4.7): {@code to},
 * {@code from}, {@code id}, {@code version} and {@code xml:lang} from {@link StartTagFlyweight}, and the
 * default (content) namespace, which the gateway checks against what the listener serves.
 */
public final class StreamHeaderFlyweight extends StartTagFlyweight
{
    private static final byte[] VERSION = Bytes.ascii("version");
    private static final byte[] XMLNS = Bytes.ascii("xmlns");

    private int versionIndex;
    private int defaultNamespaceIndex;

    /**
     * @param maxAttributes the most attributes a wrapped header has; further ones are not indexed.
     */
    public StreamHeaderFlyweight(final int maxAttributes)
    {
        super(maxAttributes);
    }

    @Override
    public StreamHeaderFlyweight wrap(final DirectBuffer buffer, final int offset, final int length)
    {
        super.wrap(buffer, offset, length);
        versionIndex = attributeIndex(VERSION);
        defaultNamespaceIndex = attributeIndex(XMLNS);
        return this;
    }

    /**
     * @return index of the {@code version} attribute or {@link #MISSING}.
     */
    public int versionIndex()
    {
        return versionIndex;
    }

    /**
     * @return index of the {@code xmlns} attribute (the content namespace) or {@link #MISSING}.
     */
    public int defaultNamespaceIndex()
    {
        return defaultNamespaceIndex;
    }

    /**
     * @return the length of the stream prefix ({@code stream} in {@code <stream:stream>}), 0 if none.
     */
    public int streamPrefixLength()
    {
        return prefixLength();
    }
}
