package org.stanzaswitch.codec;

import org.agrona.DirectBuffer;

/**
 * Walks the direct children of an element the {@link StreamFramer} has validated, without allocating: for
 * the few questions routing must ask of a payload (does this message have a {@code <body/>}, a
 * {@code <no-store/>} hint, a {@code <stanza-id/>}?) where {@link XmlReader}'s strings would cost too much.
 * <p>
 * A child's namespace is known when it is declared on the child itself (as payload extensions do) or, for an
 * unprefixed child without a declaration, is the parent's. Not thread safe; reusable.
 */
public final class ChildElements
{
    private static final byte[] XMLNS = Bytes.ascii("xmlns");
    private static final byte[] XMLNS_COLON = Bytes.ascii("xmlns:");

    private final StartTagFlyweight child = new StartTagFlyweight(16);
    private DirectBuffer buffer;
    private DirectBuffer parentNamespace;
    private int parentNamespaceOffset;
    private int parentNamespaceLength;
    private int cursor;
    private int end;
    private int childOffset;
    private int childLength;

    /**
     * @param parent the element whose children to walk; its namespace is inherited by undeclared children.
     * @return this, positioned before the first child.
     */
    public ChildElements wrap(final ElementFlyweight parent)
    {
        buffer = parent.buffer();
        parentNamespace = parent.namespaceBuffer();
        parentNamespaceOffset = parent.namespaceOffset();
        parentNamespaceLength = parent.namespaceLength();
        cursor = parent.offset() + parent.startTagLength();
        end = parent.isEmptyElement() ? cursor : parent.offset() + parent.length();
        return this;
    }

    /**
     * @return true if positioned on the next child, false when there are no more.
     */
    public boolean next()
    {
        int depth = 0;
        int i = cursor;
        while (i < end)
        {
            if (buffer.getByte(i) != '<')
            {
                i++;
                continue;
            }
            final byte second = buffer.getByte(i + 1);
            if (second == '/')
            {
                final int close = indexOf(i, (byte)'>');
                if (depth == 0)
                {
                    cursor = end;
                    return false;
                }
                i = close + 1;
                if (--depth == 0)
                {
                    return positionAt(i);
                }
                continue;
            }
            if (second == '!')
            {
                i = skipCdata(i);
                continue;
            }
            final int tagEnd = tagEnd(i);
            final boolean empty = buffer.getByte(tagEnd - 1) == '/';
            if (depth == 0)
            {
                childOffset = i;
                child.wrap(buffer, i, tagEnd + 1 - i);
            }
            i = tagEnd + 1;
            if (!empty)
            {
                depth++;
            }
            else if (depth == 0)
            {
                return positionAt(i);
            }
        }
        cursor = end;
        return false;
    }

    private boolean positionAt(final int childEnd)
    {
        childLength = childEnd - childOffset;
        cursor = childEnd;
        return true;
    }

    /**
     * @return the current child's opening tag.
     */
    public StartTagFlyweight tag()
    {
        return child;
    }

    /**
     * @return offset of the current child's {@code '<'} in the parent's buffer.
     */
    public int childOffset()
    {
        return childOffset;
    }

    /**
     * @return length of the current child, through its closing tag.
     */
    public int childLength()
    {
        return childLength;
    }

    /**
     * @return offset of the current child's content: what lies between its start and end tags.
     */
    public int contentOffset()
    {
        return childOffset + child.startTagLength();
    }

    /**
     * @return length of the current child's content, as written (references not replaced), 0 for an empty
     * element.
     */
    public int contentLength()
    {
        if (child.isEmptyElement())
        {
            return 0;
        }
        int endTag = childOffset + childLength - 1;
        while (buffer.getByte(endTag) != '<')
        {
            endTag--;
        }
        return endTag - contentOffset();
    }

    /**
     * @param localName ASCII local name.
     * @return true if the current child has this name and is in its parent's namespace: unprefixed without a
     * declaration of its own, or declaring the parent's namespace (as RFC 6121's {@code <show/>},
     * {@code <status/>} and {@code <priority/>} are in a presence).
     */
    public boolean isInParentNamespace(final byte[] localName)
    {
        if (!child.localNameEquals(localName))
        {
            return false;
        }
        final int declaration = namespaceDeclaration();
        if (declaration == StartTagFlyweight.MISSING)
        {
            return child.prefixLength() == 0;
        }
        return child.attributeValueLength(declaration) == parentNamespaceLength && Bytes.regionEquals(
            buffer, child.attributeValueOffset(declaration), parentNamespace, parentNamespaceOffset,
            parentNamespaceLength);
    }

    /**
     * @param localName ASCII local name.
     * @param namespace ASCII namespace name.
     * @return true if the current child has this name, as far as it can be known here (see the class notes).
     */
    public boolean is(final byte[] localName, final byte[] namespace)
    {
        if (!child.localNameEquals(localName))
        {
            return false;
        }
        final int declaration = namespaceDeclaration();
        if (declaration != StartTagFlyweight.MISSING)
        {
            return child.attributeValueEquals(declaration, namespace);
        }
        return child.prefixLength() == 0 &&
            Bytes.equals(parentNamespace, parentNamespaceOffset, parentNamespaceLength, namespace);
    }

    private int namespaceDeclaration()
    {
        final int prefixLength = child.prefixLength();
        for (int a = 0; a < child.attributeCount(); a++)
        {
            final int nameOffset = child.attributeNameOffset(a);
            final int nameLength = child.attributeNameLength(a);
            if (prefixLength == 0 ? nameLength == 5 && Bytes.equals(buffer, nameOffset, 5, XMLNS) :
                nameLength == 6 + prefixLength && Bytes.equals(buffer, nameOffset, 6, XMLNS_COLON) &&
                Bytes.regionEquals(buffer, nameOffset + 6, buffer, child.nameOffset(), prefixLength))
            {
                return a;
            }
        }
        return StartTagFlyweight.MISSING;
    }

    private int indexOf(final int from, final byte value)
    {
        int i = from;
        while (buffer.getByte(i) != value)
        {
            i++;
        }
        return i;
    }

    /**
     * @return the offset of the {@code '>'} ending the tag at {@code start}, past any quoted attribute values
     * (which may hold a {@code '>'}).
     */
    private int tagEnd(final int start)
    {
        int i = start + 1;
        byte quote = 0;
        while (true)
        {
            final byte b = buffer.getByte(i);
            if (quote != 0)
            {
                if (b == quote)
                {
                    quote = 0;
                }
            }
            else if (b == '"' || b == '\'')
            {
                quote = b;
            }
            else if (b == '>')
            {
                return i;
            }
            i++;
        }
    }

    private int skipCdata(final int start)
    {
        // The framer admits no comments or declarations in a stanza, so '<!' opens a CDATA section.
        int i = start + 9;
        while (!(buffer.getByte(i) == ']' && buffer.getByte(i + 1) == ']' && buffer.getByte(i + 2) == '>'))
        {
            i++;
        }
        return i + 3;
    }
}
