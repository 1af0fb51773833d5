package org.stanzaswitch.codec;

/**
 * The limits one {@link StreamFramer} enforces, initialised from {@link CodecConfiguration} and adjustable
 * with fluent setters before {@link #conclude()}. Shared read-only by every framer once concluded.
 */
public final class DecoderLimits
{
    private static final int MIN_STANZA_SIZE = 10_000;

    private int maxStanzaSize = CodecConfiguration.maxStanzaSize();
    private int maxDepth = CodecConfiguration.maxDepth();
    private int maxAttributes = CodecConfiguration.maxAttributes();
    private int maxAttributeValueLength = CodecConfiguration.maxAttributeValueLength();
    private int maxReadSize = CodecConfiguration.maxReadSize();
    private boolean concluded;

    /**
     * Check the settings once; fails naming the setting and the bad value.
     *
     * @return this for a fluent API.
     * @throws IllegalArgumentException if a limit is out of range.
     */
    public DecoderLimits conclude()
    {
        if (concluded)
        {
            throw new IllegalStateException("DecoderLimits already concluded");
        }
        concluded = true;
        // RFC 6120 §13.12: a server must be able to take stanzas of at least 10,000 bytes.
        requireAtLeast(CodecConfiguration.MAX_STANZA_SIZE_PROP_NAME, maxStanzaSize, MIN_STANZA_SIZE);
        requireAtLeast(CodecConfiguration.MAX_DEPTH_PROP_NAME, maxDepth, 2);
        requireAtLeast(CodecConfiguration.MAX_ATTRIBUTES_PROP_NAME, maxAttributes, 8);
        requireAtLeast(CodecConfiguration.MAX_ATTRIBUTE_VALUE_LENGTH_PROP_NAME, maxAttributeValueLength, 3071);
        requireAtLeast(CodecConfiguration.MAX_READ_SIZE_PROP_NAME, maxReadSize, 1);
        return this;
    }

    private static void requireAtLeast(final String name, final int value, final int minimum)
    {
        if (value < minimum)
        {
            throw new IllegalArgumentException(name + "=" + value + " is below the minimum of " + minimum);
        }
    }

    public int maxStanzaSize()
    {
        return maxStanzaSize;
    }

    public DecoderLimits maxStanzaSize(final int maxStanzaSize)
    {
        this.maxStanzaSize = maxStanzaSize;
        return this;
    }

    public int maxDepth()
    {
        return maxDepth;
    }

    public DecoderLimits maxDepth(final int maxDepth)
    {
        this.maxDepth = maxDepth;
        return this;
    }

    public int maxAttributes()
    {
        return maxAttributes;
    }

    public DecoderLimits maxAttributes(final int maxAttributes)
    {
        this.maxAttributes = maxAttributes;
        return this;
    }

    public int maxAttributeValueLength()
    {
        return maxAttributeValueLength;
    }

    public DecoderLimits maxAttributeValueLength(final int maxAttributeValueLength)
    {
        this.maxAttributeValueLength = maxAttributeValueLength;
        return this;
    }

    public int maxReadSize()
    {
        return maxReadSize;
    }

    public DecoderLimits maxReadSize(final int maxReadSize)
    {
        this.maxReadSize = maxReadSize;
        return this;
    }
}
