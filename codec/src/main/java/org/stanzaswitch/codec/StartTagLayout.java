package org.stanzaswitch.codec;

import java.util.Arrays;

/**
 * Where the parts of one opening tag lie, relative to the first byte of its top-level element: what the
 * framer found while validating, kept so that the element's flyweight need not scan the tag again.
 */
final class StartTagLayout
{
    int nameStart;
    int nameEnd;
    int colon;
    int startTagLength;
    boolean empty;
    int attributeCount;
    int[] attributeNameStart = new int[8];
    int[] attributeNameEnd = new int[8];
    int[] attributeValueStart = new int[8];
    int[] attributeValueEnd = new int[8];

    void copyAttributes(
        final int count, final int[] nameStarts, final int[] nameEnds, final int[] valueStarts, final int[] valueEnds)
    {
        if (attributeNameStart.length < count)
        {
            attributeNameStart = Arrays.copyOf(attributeNameStart, nameStarts.length);
            attributeNameEnd = Arrays.copyOf(attributeNameEnd, nameStarts.length);
            attributeValueStart = Arrays.copyOf(attributeValueStart, nameStarts.length);
            attributeValueEnd = Arrays.copyOf(attributeValueEnd, nameStarts.length);
        }
        System.arraycopy(nameStarts, 0, attributeNameStart, 0, count);
        System.arraycopy(nameEnds, 0, attributeNameEnd, 0, count);
        System.arraycopy(valueStarts, 0, attributeValueStart, 0, count);
        System.arraycopy(valueEnds, 0, attributeValueEnd, 0, count);
        attributeCount = count;
    }
}
