package org.stanzaswitch.codec;

import org.agrona.SystemUtil;

/**
 * Property names, defaults and readers for the stream decoder's limits. Sizes accept Agrona's suffixes
 * ({@code 64k}, {@code 1m}).
 */
public final class CodecConfiguration
{
    /**
     * Largest top-level element (stanza or stream-level element, stream header included) in bytes.
     * RFC 6120 §13.12 asks servers to accept at least 10,000 bytes.
     */
    public static final String MAX_STANZA_SIZE_PROP_NAME = "stanzaswitch.codec.max.stanza.size";
    public static final int MAX_STANZA_SIZE_DEFAULT_BYTES = 256 * 1024;

    /**
     * Deepest nesting of elements, counting the stream element as depth 1.
     */
    public static final String MAX_DEPTH_PROP_NAME = "stanzaswitch.codec.max.depth";
    public static final int MAX_DEPTH_DEFAULT = 32;

    /**
     * Most attributes (namespace declarations included) on one element.
     */
    public static final String MAX_ATTRIBUTES_PROP_NAME = "stanzaswitch.codec.max.attributes";
    public static final int MAX_ATTRIBUTES_DEFAULT = 32;

    /**
     * Longest attribute value in bytes, as written on the wire.
     */
    public static final String MAX_ATTRIBUTE_VALUE_LENGTH_PROP_NAME = "stanzaswitch.codec.max.attribute.value.length";
    public static final int MAX_ATTRIBUTE_VALUE_LENGTH_DEFAULT_BYTES = 8 * 1024;

    /**
     * Largest chunk handed to the decoder in one call; bounds what it keeps beyond one element.
     */
    public static final String MAX_READ_SIZE_PROP_NAME = "stanzaswitch.codec.max.read.size";
    public static final int MAX_READ_SIZE_DEFAULT_BYTES = 64 * 1024;

    private CodecConfiguration()
    {
    }

    /**
     * @return the configured {@link #MAX_STANZA_SIZE_PROP_NAME}.
     */
    public static int maxStanzaSize()
    {
        return SystemUtil.getSizeAsInt(MAX_STANZA_SIZE_PROP_NAME, MAX_STANZA_SIZE_DEFAULT_BYTES);
    }

    /**
     * @return the configured {@link #MAX_DEPTH_PROP_NAME}.
     */
    public static int maxDepth()
    {
        return Integer.getInteger(MAX_DEPTH_PROP_NAME, MAX_DEPTH_DEFAULT);
    }

    /**
     * @return the configured {@link #MAX_ATTRIBUTES_PROP_NAME}.
     */
    public static int maxAttributes()
    {
        return Integer.getInteger(MAX_ATTRIBUTES_PROP_NAME, MAX_ATTRIBUTES_DEFAULT);
    }

    /**
     * @return the configured {@link #MAX_ATTRIBUTE_VALUE_LENGTH_PROP_NAME}.
     */
    public static int maxAttributeValueLength()
    {
        return SystemUtil.getSizeAsInt(MAX_ATTRIBUTE_VALUE_LENGTH_PROP_NAME, MAX_ATTRIBUTE_VALUE_LENGTH_DEFAULT_BYTES);
    }

    /**
     * @return the configured {@link #MAX_READ_SIZE_PROP_NAME}.
     */
    public static int maxReadSize()
    {
        return SystemUtil.getSizeAsInt(MAX_READ_SIZE_PROP_NAME, MAX_READ_SIZE_DEFAULT_BYTES);
    }
}
