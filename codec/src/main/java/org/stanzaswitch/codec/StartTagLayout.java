package org.stanzaswitch.codec;

import org.agrona.collections.ArrayUtil;

import java.util.Arrays;

/**
 * Where the parts of one opening tag lie, relative to the first byte of its top-level element: what the
 * framer finds while validating. The framer reads every tag into one layout; when a top-level tag ends, that
 * layout is kept for the element's flyweight, which need not scan the tag again, and the framer reads on into
 * the other.
 */
final class StartTagLayout
{
    private static final int INITIAL_ATTRIBUTES = 8;

    int nameStart;
    int nameEnd;
    int colon;
    int startTagLength;
    boolean empty;
    int attributeCount;
    int[] attributeNameStart = new int[INITIAL_ATTRIBUTES];
    int[] attributeNameEnd = new int[INITIAL_ATTRIBUTES];
    int[] attributeColon = new int[INITIAL_ATTRIBUTES];
    int[] attributeValueStart = new int[INITIAL_ATTRIBUTES];
    int[] attributeValueEnd = new int[INITIAL_ATTRIBUTES];

    /**
     * @param index         of the attribute about to be recorded.
     * @param maxAttributes the limit, which the framer enforces before it records more.
     */
    void ensureAttributeCapacity(final int index, final int maxAttributes)
    {
        if (index == attributeNameStart.length)
        {
            final int capacity = Math.min(maxAttributes, Math.max(INITIAL_ATTRIBUTES, index * 2));
            attributeNameStart = Arrays.copyOf(attributeNameStart, capacity);
            attributeNameEnd = Arrays.copyOf(attributeNameEnd, capacity);
            attributeColon = Arrays.copyOf(attributeColon, capacity);
            attributeValueStart = Arrays.copyOf(attributeValueStart, capacity);
            attributeValueEnd = Arrays.copyOf(attributeValueEnd, capacity);
        }
    }

    /**
     * Give the arrays back while no tag is read into this layout; the next tag's attributes grow them again.
     */
    void release()
    {
        attributeCount = 0;
        attributeNameStart = ArrayUtil.EMPTY_INT_ARRAY;
        attributeNameEnd = ArrayUtil.EMPTY_INT_ARRAY;
        attributeColon = ArrayUtil.EMPTY_INT_ARRAY;
        attributeValueStart = ArrayUtil.EMPTY_INT_ARRAY;
        attributeValueEnd = ArrayUtil.EMPTY_INT_ARRAY;
    }
}
