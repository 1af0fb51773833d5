package org.stanzaswitch.codec;

import org.agrona.DirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * A pull reader over one element that a {@link StreamFramer} has validated, for the services that need the
 * payload (roster items, disco queries, SASL data). Names, namespaces and text come out as decoded strings:
 * it allocates, and so stays off the routing path.
 * <p>
 * Text is reported as XML 1.0 defines it: references replaced, line ends normalised, CDATA sections merged
 * with the character data around them. Not thread safe.
 */
public final class XmlReader
{
    /** What {@link #next()} found. */
    public enum Event
    {
        START_ELEMENT,
        END_ELEMENT,
        TEXT,
        END_DOCUMENT
    }

    private static final String XMLNS = "xmlns";
    private static final byte[] XMLNS_BYTES = Bytes.ascii(XMLNS);
    private static final byte[] CDATA_START = Bytes.ascii("<![CDATA[");

    private final StartTagFlyweight tag = new StartTagFlyweight(256);
    private final List<String> scopePrefixes = new ArrayList<>();
    private final List<String> scopeUris = new ArrayList<>();
    private final UnsafeBuffer scratch = new UnsafeBuffer(new byte[256]);
    private int[] scopeMarks = new int[16];
    private DirectBuffer buffer;
    private int position;
    private int end;
    private int depth;
    private int elementOffset;
    private boolean pendingEndOfEmpty;
    private String localName;
    private String prefix;
    private String namespace;
    private String text;
    private String[] attributeLocalNames = new String[8];
    private String[] attributeNamespaces = new String[8];
    private String[] attributeValues = new String[8];
    private int attributeCount;

    /**
     * Read a top-level element reported by a framer, in the namespace the framer resolved for it.
     *
     * @param element a wrapped element.
     * @return this for a fluent API.
     */
    public XmlReader wrap(final ElementFlyweight element)
    {
        final String elementNamespace = decodedValue(
            element.namespaceBuffer(), element.namespaceOffset(), element.namespaceLength());
        final String elementPrefix = element.prefixLength() == 0 ? "" :
            element.buffer().getStringWithoutLengthUtf8(element.nameOffset(), element.prefixLength());
        wrap(element.buffer(), element.offset(), element.length(), elementPrefix, elementNamespace);
        if (!elementPrefix.isEmpty())
        {
            scopePrefixes.add(0, "");
            scopeUris.add(0, decodedValue(
                element.defaultNamespaceBuffer(), element.defaultNamespaceOffset(), element.defaultNamespaceLength()));
        }
        return this;
    }

    /**
     * Read validated bytes holding whole elements.
     *
     * @param buffer             holding the bytes.
     * @param offset             of the first byte.
     * @param length             of the bytes.
     * @param inheritedPrefix    a prefix in scope from outside ("" for the default namespace).
     * @param inheritedNamespace the namespace name it is bound to ("" for none).
     * @return this for a fluent API.
     */
    public XmlReader wrap(
        final DirectBuffer buffer,
        final int offset,
        final int length,
        final String inheritedPrefix,
        final String inheritedNamespace)
    {
        this.buffer = buffer;
        this.position = offset;
        this.end = offset + length;
        this.depth = 0;
        this.pendingEndOfEmpty = false;
        scopePrefixes.clear();
        scopeUris.clear();
        scopePrefixes.add("xml");
        scopeUris.add(XmppNamespaces.XML);
        scopePrefixes.add(inheritedPrefix);
        scopeUris.add(inheritedNamespace);
        return this;
    }

    /**
     * @return the next event.
     */
    public Event next()
    {
        if (pendingEndOfEmpty)
        {
            pendingEndOfEmpty = false;
            return endElement();
        }
        if (position >= end)
        {
            return Event.END_DOCUMENT;
        }
        if (buffer.getByte(position) == '<' && !startsCdata(position))
        {
            if (buffer.getByte(position + 1) == '/')
            {
                position = indexOf((byte)'>', position) + 1;
                return endElement();
            }
            return startElement();
        }
        return readText();
    }

    private Event endElement()
    {
        depth--;
        final int mark = scopeMarks[depth];
        while (scopePrefixes.size() > mark)
        {
            scopePrefixes.remove(scopePrefixes.size() - 1);
            scopeUris.remove(scopeUris.size() - 1);
        }
        return Event.END_ELEMENT;
    }

    private Event startElement()
    {
        elementOffset = position;
        tag.wrap(buffer, position, end - position);
        if (depth == scopeMarks.length)
        {
            scopeMarks = Arrays.copyOf(scopeMarks, depth * 2);
        }
        scopeMarks[depth++] = scopePrefixes.size();
        final int count = tag.attributeCount();
        for (int k = 0; k < count; k++)
        {
            final String name = string(tag.attributeNameOffset(k), tag.attributeNameLength(k));
            if (name.equals(XMLNS) || name.startsWith("xmlns:"))
            {
                scopePrefixes.add(name.equals(XMLNS) ? "" : name.substring(6));
                scopeUris.add(attributeValue(k));
            }
        }
        final String qualifiedName = string(tag.nameOffset(), tag.nameLength());
        prefix = tag.prefixLength() == 0 ? "" : qualifiedName.substring(0, tag.prefixLength());
        localName = tag.prefixLength() == 0 ? qualifiedName : qualifiedName.substring(tag.prefixLength() + 1);
        namespace = resolve(prefix);
        collectAttributes(count);
        position += tag.startTagLength();
        pendingEndOfEmpty = tag.isEmptyElement();
        return Event.START_ELEMENT;
    }

    private void collectAttributes(final int count)
    {
        attributeCount = 0;
        if (attributeLocalNames.length < count)
        {
            attributeLocalNames = new String[count];
            attributeNamespaces = new String[count];
            attributeValues = new String[count];
        }
        for (int k = 0; k < count; k++)
        {
            final String name = string(tag.attributeNameOffset(k), tag.attributeNameLength(k));
            if (name.equals(XMLNS) || name.startsWith("xmlns:"))
            {
                continue;
            }
            final int colon = name.indexOf(':');
            attributeLocalNames[attributeCount] = colon < 0 ? name : name.substring(colon + 1);
            attributeNamespaces[attributeCount] = colon < 0 ? "" : resolve(name.substring(0, colon));
            attributeValues[attributeCount] = attributeValue(k);
            attributeCount++;
        }
    }

    private String resolve(final String elementPrefix)
    {
        for (int i = scopePrefixes.size() - 1; i >= 0; i--)
        {
            if (scopePrefixes.get(i).equals(elementPrefix))
            {
                return scopeUris.get(i);
            }
        }
        return "";
    }

    private String attributeValue(final int index)
    {
        final int length = tag.attributeValueLength(index);
        ensureScratch(length);
        final int decoded = tag.decodeAttributeValue(index, scratch, 0);
        return scratch.getStringWithoutLengthUtf8(0, decoded);
    }

    private String decodedValue(final DirectBuffer source, final int offset, final int length)
    {
        ensureScratch(length);
        final int decoded = XmlText.decode(source, offset, length, scratch, 0, true);
        return scratch.getStringWithoutLengthUtf8(0, decoded);
    }

    private Event readText()
    {
        int written = 0;
        while (position < end)
        {
            if (startsCdata(position))
            {
                final int contentStart = position + CDATA_START.length;
                final int contentEnd = indexOfCdataEnd(contentStart);
                written += copyNormalisingLineEnds(contentStart, contentEnd, written);
                position = contentEnd + 3;
            }
            else if (buffer.getByte(position) == '<')
            {
                break;
            }
            else
            {
                final int textEnd = indexOf((byte)'<', position);
                ensureScratch(written + textEnd - position);
                written += XmlText.decode(buffer, position, textEnd - position, scratch, written, false);
                position = textEnd;
            }
        }
        text = scratch.getStringWithoutLengthUtf8(0, written);
        return Event.TEXT;
    }

    private int copyNormalisingLineEnds(final int from, final int to, final int written)
    {
        ensureScratch(written + to - from);
        int out = written;
        for (int i = from; i < to; i++)
        {
            final byte b = buffer.getByte(i);
            if (b == '\r')
            {
                scratch.putByte(out++, (byte)'\n');
                if (i + 1 < to && buffer.getByte(i + 1) == '\n')
                {
                    i++;
                }
            }
            else
            {
                scratch.putByte(out++, b);
            }
        }
        return out - written;
    }

    private boolean startsCdata(final int at)
    {
        return at + CDATA_START.length <= end && Bytes.equals(buffer, at, CDATA_START.length, CDATA_START);
    }

    private int indexOfCdataEnd(final int from)
    {
        int i = from;
        while (!(buffer.getByte(i) == ']' && buffer.getByte(i + 1) == ']' && buffer.getByte(i + 2) == '>'))
        {
            i++;
        }
        return i;
    }

    private int indexOf(final byte value, final int from)
    {
        int i = from;
        while (i < end && buffer.getByte(i) != value)
        {
            i++;
        }
        return i;
    }

    private void ensureScratch(final int length)
    {
        if (scratch.capacity() < length)
        {
            scratch.wrap(Arrays.copyOf(scratch.byteArray(), Math.max(length, scratch.capacity() * 2)));
        }
    }

    private String string(final int offset, final int length)
    {
        return new String(bytes(offset, length), StandardCharsets.UTF_8);
    }

    private byte[] bytes(final int offset, final int length)
    {
        final byte[] bytes = new byte[length];
        buffer.getBytes(offset, bytes);
        return bytes;
    }

    /**
     * @return offset in the buffer of the opening tag of the element just started.
     */
    public int elementOffset()
    {
        return elementOffset;
    }

    /**
     * @return offset in the buffer of the next byte to read; after {@link #skipElement()}, the end of the
     * element skipped.
     */
    public int position()
    {
        return position;
    }

    /**
     * @return true if the element just started declares its own default namespace and uses no prefix, so that
     * its bytes mean the same wherever they are copied.
     */
    public boolean isSelfContained()
    {
        return prefix.isEmpty() && tag.attributeIndex(XMLNS_BYTES) != StartTagFlyweight.MISSING;
    }

    /**
     * @return nesting depth: 1 inside the outermost element.
     */
    public int depth()
    {
        return depth;
    }

    /**
     * @return local name of the element just started.
     */
    public String localName()
    {
        return localName;
    }

    /**
     * @return prefix of the element just started, "" if none.
     */
    public String prefix()
    {
        return prefix;
    }

    /**
     * @return namespace name of the element just started, "" if none.
     */
    public String namespace()
    {
        return namespace;
    }

    /**
     * @return the text just read.
     */
    public String text()
    {
        return text;
    }

    /**
     * @return attributes of the element just started, namespace declarations left out.
     */
    public int attributeCount()
    {
        return attributeCount;
    }

    public String attributeLocalName(final int index)
    {
        return attributeLocalNames[index];
    }

    public String attributeNamespace(final int index)
    {
        return attributeNamespaces[index];
    }

    public String attributeValue(final String unqualifiedName)
    {
        for (int i = 0; i < attributeCount; i++)
        {
            if (attributeNamespaces[i].isEmpty() && attributeLocalNames[i].equals(unqualifiedName))
            {
                return attributeValues[i];
            }
        }
        return null;
    }

    public String attributeValueAt(final int index)
    {
        return attributeValues[index];
    }

    /**
     * After a start, read to its end and return the text directly inside it.
     *
     * @return the element's own text, "" if none.
     */
    public String elementText()
    {
        final int startDepth = depth;
        final StringBuilder builder = new StringBuilder();
        Event event;
        while ((event = next()) != Event.END_DOCUMENT)
        {
            if (event == Event.TEXT && depth == startDepth)
            {
                builder.append(text);
            }
            else if (event == Event.END_ELEMENT && depth < startDepth)
            {
                break;
            }
        }
        return builder.toString();
    }

    /**
     * After a start, skip to its end.
     */
    public void skipElement()
    {
        final int startDepth = depth;
        Event event;
        while ((event = next()) != Event.END_DOCUMENT)
        {
            if (event == Event.END_ELEMENT && depth < startDepth)
            {
                return;
            }
        }
    }
}
