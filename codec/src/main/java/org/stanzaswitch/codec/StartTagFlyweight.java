package org.stanzaswitch.codec;

import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;
import org.agrona.collections.ArrayUtil;

import java.util.Arrays;

/**
 * A reusable view over the opening tag of an element that a {@link StreamFramer} has already validated:
 * {@link #wrap(DirectBuffer, int, int)} finds the name and the attributes in one pass over the tag, and
 * the accessors then read offsets. No allocation after construction.
 * <p>
 * Offsets returned are absolute in {@link #buffer()}. Attribute values are as written on the wire; use
 * {@link #decodeAttributeValue(int, MutableDirectBuffer, int)} where references or white space may matter.
 */
public class StartTagFlyweight
{
    /** Returned by attribute look-ups when there is no such attribute. */
    public static final int MISSING = -1;

    private static final byte[] TO = Bytes.ascii("to");
    private static final byte[] FROM = Bytes.ascii("from");
    private static final byte[] ID = Bytes.ascii("id");
    private static final byte[] TYPE = Bytes.ascii("type");
    private static final byte[] XML_LANG = Bytes.ascii("xml:lang");

    private static final int INITIAL_ATTRIBUTES = 8;

    private final int maxAttributes;
    private int[] attributeNameOffset;
    private int[] attributeNameLength;
    private int[] attributeValueOffset;
    private int[] attributeValueLength;
    private DirectBuffer buffer;
    private int offset;
    private int length;
    private int nameOffset;
    private int nameLength;
    private int prefixLength;
    private int startTagLength;
    private boolean emptyElement;
    private int attributeCount;
    private int toIndex;
    private int fromIndex;
    private int idIndex;
    private int typeIndex;
    private int langIndex;

    /**
     * @param maxAttributes the most attributes a wrapped tag has; further ones are not indexed.
     */
    public StartTagFlyweight(final int maxAttributes)
    {
        // Room for the usual few attributes; grown once, up to the limit, by a tag with more. An idle
        // connection holds two of these, so the limit's worth of room would be paid by every connection.
        this.maxAttributes = maxAttributes;
        final int initial = Math.min(INITIAL_ATTRIBUTES, maxAttributes);
        attributeNameOffset = new int[initial];
        attributeNameLength = new int[initial];
        attributeValueOffset = new int[initial];
        attributeValueLength = new int[initial];
    }

    /**
     * @return whether attribute {@code index} has room, growing the arrays if the limit allows.
     */
    private boolean ensureRoom(final int index)
    {
        if (index < attributeNameOffset.length)
        {
            return true;
        }
        if (index >= maxAttributes)
        {
            return false;
        }
        final int capacity = Math.min(
            maxAttributes, Math.max(Math.max(index + 1, INITIAL_ATTRIBUTES), attributeNameOffset.length * 2));
        attributeNameOffset = Arrays.copyOf(attributeNameOffset, capacity);
        attributeNameLength = Arrays.copyOf(attributeNameLength, capacity);
        attributeValueOffset = Arrays.copyOf(attributeValueOffset, capacity);
        attributeValueLength = Arrays.copyOf(attributeValueLength, capacity);
        return true;
    }

    /**
     * Give the attribute arrays back while nothing is wrapped; the next wrap grows them again.
     */
    void release()
    {
        attributeCount = 0;
        attributeNameOffset = ArrayUtil.EMPTY_INT_ARRAY;
        attributeNameLength = ArrayUtil.EMPTY_INT_ARRAY;
        attributeValueOffset = ArrayUtil.EMPTY_INT_ARRAY;
        attributeValueLength = ArrayUtil.EMPTY_INT_ARRAY;
    }

    /**
     * Wrap the bytes of an element, or of a stream header, that starts with its opening tag.
     *
     * @param buffer holding the bytes.
     * @param offset of the opening {@code '<'}.
     * @param length of the element (or of the opening tag alone).
     * @return this for a fluent API.
     */
    public StartTagFlyweight wrap(final DirectBuffer buffer, final int offset, final int length)
    {
        this.buffer = buffer;
        this.offset = offset;
        this.length = length;
        toIndex = MISSING;
        fromIndex = MISSING;
        idIndex = MISSING;
        typeIndex = MISSING;
        langIndex = MISSING;
        attributeCount = 0;
        prefixLength = 0;

        final int end = offset + length;
        int i = offset + 1;
        nameOffset = i;
        byte b = buffer.getByte(i);
        while (!isTagDelimiter(b))
        {
            if (b == ':')
            {
                prefixLength = i - nameOffset;
            }
            b = buffer.getByte(++i);
        }
        nameLength = i - nameOffset;

        while (i < end)
        {
            b = buffer.getByte(i);
            if (b == '>')
            {
                emptyElement = false;
                break;
            }
            if (b == '/')
            {
                emptyElement = true;
                i++;
                break;
            }
            if (isWhitespace(b))
            {
                i++;
                continue;
            }
            i = indexAttribute(i);
        }
        startTagLength = i + 1 - offset;
        return this;
    }

    private int indexAttribute(final int nameStart)
    {
        int i = nameStart;
        byte b = buffer.getByte(i);
        while (b != '=' && !isWhitespace(b))
        {
            b = buffer.getByte(++i);
        }
        final int nameEnd = i;
        while (b != '"' && b != '\'')
        {
            b = buffer.getByte(++i);
        }
        final byte quote = b;
        final int valueStart = i + 1;
        i = valueStart;
        while (buffer.getByte(i) != quote)
        {
            i++;
        }
        final int index = attributeCount;
        if (ensureRoom(index))
        {
            attributeNameOffset[index] = nameStart;
            attributeNameLength[index] = nameEnd - nameStart;
            attributeValueOffset[index] = valueStart;
            attributeValueLength[index] = i - valueStart;
            attributeCount++;
            noteWellKnown(index, nameStart, nameEnd - nameStart);
        }
        return i + 1;
    }

    private void noteWellKnown(final int index, final int nameStart, final int nameLength)
    {
        switch (nameLength)
        {
            case 2:
                if (Bytes.equals(buffer, nameStart, nameLength, TO))
                {
                    toIndex = index;
                }
                else if (Bytes.equals(buffer, nameStart, nameLength, ID))
                {
                    idIndex = index;
                }
                break;
            case 4:
                if (Bytes.equals(buffer, nameStart, nameLength, FROM))
                {
                    fromIndex = index;
                }
                else if (Bytes.equals(buffer, nameStart, nameLength, TYPE))
                {
                    typeIndex = index;
                }
                break;
            case 8:
                if (Bytes.equals(buffer, nameStart, nameLength, XML_LANG))
                {
                    langIndex = index;
                }
                break;
            default:
                break;
        }
    }

    /**
     * Wrap a tag whose layout the framer has already found, so that nothing is scanned twice.
     *
     * @param buffer           holding the element.
     * @param offset           of the element.
     * @param length           of the element.
     * @param layout           the framer's record of the opening tag, offsets relative to the element.
     */
    void wrapFramed(final DirectBuffer buffer, final int offset, final int length, final StartTagLayout layout)
    {
        this.buffer = buffer;
        this.offset = offset;
        this.length = length;
        toIndex = MISSING;
        fromIndex = MISSING;
        idIndex = MISSING;
        typeIndex = MISSING;
        langIndex = MISSING;
        nameOffset = offset + layout.nameStart;
        nameLength = layout.nameEnd - layout.nameStart;
        prefixLength = layout.colon == -1 ? 0 : layout.colon - layout.nameStart;
        startTagLength = layout.startTagLength;
        emptyElement = layout.empty;
        final int count = Math.min(layout.attributeCount, maxAttributes);
        ensureRoom(count - 1);
        attributeCount = count;
        for (int k = 0; k < count; k++)
        {
            final int nameStart = offset + layout.attributeNameStart[k];
            final int attributeNameLength = layout.attributeNameEnd[k] - layout.attributeNameStart[k];
            attributeNameOffset[k] = nameStart;
            this.attributeNameLength[k] = attributeNameLength;
            attributeValueOffset[k] = offset + layout.attributeValueStart[k];
            attributeValueLength[k] = layout.attributeValueEnd[k] - layout.attributeValueStart[k];
            noteWellKnown(k, nameStart, attributeNameLength);
        }
    }

    private static boolean isTagDelimiter(final byte b)
    {
        return b == '>' || b == '/' || isWhitespace(b);
    }

    static boolean isWhitespace(final byte b)
    {
        return b == ' ' || b == '\n' || b == '\t' || b == '\r';
    }


    public DirectBuffer buffer()
    {
        return buffer;
    }

    /**
     * @return offset of the opening {@code '<'} in {@link #buffer()}.
     */
    public int offset()
    {
        return offset;
    }

    /**
     * @return length of what was wrapped.
     */
    public int length()
    {
        return length;
    }

    /**
     * @return length of the opening tag, {@code '<'} to {@code '>'} inclusive.
     */
    public int startTagLength()
    {
        return startTagLength;
    }

    /**
     * @return true if the opening tag is an empty-element tag ({@code <x/>}).
     */
    public boolean isEmptyElement()
    {
        return emptyElement;
    }

    /**
     * @return offset of the qualified name.
     */
    public int nameOffset()
    {
        return nameOffset;
    }

    /**
     * @return length of the qualified name (prefix included).
     */
    public int nameLength()
    {
        return nameLength;
    }

    /**
     * @return length of the namespace prefix, 0 if the name has none.
     */
    public int prefixLength()
    {
        return prefixLength;
    }

    /**
     * @return offset of the local name.
     */
    public int localNameOffset()
    {
        return prefixLength == 0 ? nameOffset : nameOffset + prefixLength + 1;
    }

    /**
     * @return length of the local name.
     */
    public int localNameLength()
    {
        return prefixLength == 0 ? nameLength : nameLength - prefixLength - 1;
    }

    /**
     * @param ascii a name.
     * @return true if the local name is that name.
     */
    public boolean localNameEquals(final byte[] ascii)
    {
        return Bytes.equals(buffer, localNameOffset(), localNameLength(), ascii);
    }

    public int attributeCount()
    {
        return attributeCount;
    }

    public int attributeNameOffset(final int index)
    {
        return attributeNameOffset[index];
    }

    public int attributeNameLength(final int index)
    {
        return attributeNameLength[index];
    }

    public int attributeValueOffset(final int index)
    {
        return attributeValueOffset[index];
    }

    public int attributeValueLength(final int index)
    {
        return attributeValueLength[index];
    }

    /**
     * @param qualifiedName the attribute's name as written, prefix included.
     * @return the attribute's index or {@link #MISSING}.
     */
    public int attributeIndex(final byte[] qualifiedName)
    {
        for (int i = 0; i < attributeCount; i++)
        {
            if (Bytes.equals(buffer, attributeNameOffset[i], attributeNameLength[i], qualifiedName))
            {
                return i;
            }
        }
        return MISSING;
    }

    /**
     * @return index of the {@code to} attribute or {@link #MISSING}.
     */
    public int toIndex()
    {
        return toIndex;
    }

    /**
     * @return index of the {@code from} attribute or {@link #MISSING}.
     */
    public int fromIndex()
    {
        return fromIndex;
    }

    /**
     * @return index of the {@code id} attribute or {@link #MISSING}.
     */
    public int idIndex()
    {
        return idIndex;
    }

    /**
     * @return index of the {@code type} attribute or {@link #MISSING}.
     */
    public int typeIndex()
    {
        return typeIndex;
    }

    /**
     * @return index of the {@code xml:lang} attribute or {@link #MISSING}.
     */
    public int langIndex()
    {
        return langIndex;
    }

    /**
     * @param index of an attribute, or {@link #MISSING}.
     * @param ascii a value.
     * @return true if the attribute is present and its raw value is that value.
     */
    public boolean attributeValueEquals(final int index, final byte[] ascii)
    {
        return index != MISSING &&
            Bytes.equals(buffer, attributeValueOffset[index], attributeValueLength[index], ascii);
    }

    /**
     * @param index of an attribute.
     * @return true if the raw value holds a reference or white space that XML 1.0 §3.3.3 normalises, so that
     * the raw bytes are not the value.
     */
    public boolean attributeValueNeedsDecoding(final int index)
    {
        final int start = attributeValueOffset[index];
        final int end = start + attributeValueLength[index];
        for (int i = start; i < end; i++)
        {
            final byte b = buffer.getByte(i);
            if (b == '&' || b == '\t' || b == '\n' || b == '\r')
            {
                return true;
            }
        }
        return false;
    }

    /**
     * Write the attribute's value as XML 1.0 §3.3.3 defines it: references replaced and white space normalised.
     *
     * @param index       of an attribute.
     * @param destination to write the UTF-8 value into; needs at most the raw value's length.
     * @param dstOffset   where to write.
     * @return the number of bytes written.
     */
    public int decodeAttributeValue(final int index, final MutableDirectBuffer destination, final int dstOffset)
    {
        return XmlText.decode(
            buffer, attributeValueOffset[index], attributeValueLength[index], destination, dstOffset, true);
    }
}
