package org.stanzaswitch.codec;

/**
 * Where the parts of one opening tag lie, relative to the first byte of its top-level element: what the
 * framer found while validating, kept so that the element's flyweight need not scan the tag again. The framer
 * swaps its attribute arrays with these when a top-level tag ends.
 */
final class StartTagLayout
{
    int nameStart;
    int nameEnd;
    int colon;
    int startTagLength;
    boolean empty;
    int attributeCount;
    int[] attributeNameStart = new int[StreamFramer.INITIAL_CAPACITY];
    int[] attributeNameEnd = new int[StreamFramer.INITIAL_CAPACITY];
    int[] attributeColon = new int[StreamFramer.INITIAL_CAPACITY];
    int[] attributeValueStart = new int[StreamFramer.INITIAL_CAPACITY];
    int[] attributeValueEnd = new int[StreamFramer.INITIAL_CAPACITY];
}
