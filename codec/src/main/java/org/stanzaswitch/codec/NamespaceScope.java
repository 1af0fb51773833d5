package org.stanzaswitch.codec;

import org.agrona.DirectBuffer;
import org.agrona.collections.ArrayUtil;
import org.agrona.concurrent.UnsafeBuffer;

import java.util.Arrays;

/**
 * The namespace prefixes in scope while a {@link StreamFramer} reads one stream (Namespaces in XML 1.0 §5.1):
 * those the stream header declared, copied once when the header completes, and those declared inside the
 * top-level element being read, kept as offsets relative to the element's first byte. Owned by one framer.
 */
final class NamespaceScope
{
    static final int NOT_FOUND = Integer.MIN_VALUE;
    static final int XML_PREFIX = -1;

    private static final byte[] XML = Bytes.ascii("xml");
    private static final byte[] XML_URI = Bytes.ascii(XmppNamespaces.XML);
    private static final UnsafeBuffer XML_URI_BUFFER = new UnsafeBuffer(XML_URI);
    private static final int INITIAL_DECLARATIONS = 4;

    private final int maxDeclarations;
    private final UnsafeBuffer header = new UnsafeBuffer(new byte[64]);
    private int headerLength;
    private int[] headerPrefixOffset = new int[INITIAL_DECLARATIONS];
    private int[] headerPrefixLength = new int[INITIAL_DECLARATIONS];
    private int[] headerUriOffset = new int[INITIAL_DECLARATIONS];
    private int[] headerUriLength = new int[INITIAL_DECLARATIONS];
    private int headerCount;
    private int rootNameOffset;
    private int rootNameLength;

    private int[] prefixOffset = new int[INITIAL_DECLARATIONS];
    private int[] prefixLength = new int[INITIAL_DECLARATIONS];
    private int[] uriOffset = new int[INITIAL_DECLARATIONS];
    private int[] uriLength = new int[INITIAL_DECLARATIONS];
    private int count;

    NamespaceScope(final int maxDeclarations)
    {
        this.maxDeclarations = maxDeclarations;
    }

    void clear()
    {
        headerLength = 0;
        headerCount = 0;
        count = 0;
    }

    /**
     * Give back the room for declarations inside elements while there are none; the header's stay.
     */
    void releaseElementDeclarations()
    {
        if (count == 0)
        {
            prefixOffset = ArrayUtil.EMPTY_INT_ARRAY;
            prefixLength = ArrayUtil.EMPTY_INT_ARRAY;
            uriOffset = ArrayUtil.EMPTY_INT_ARRAY;
            uriLength = ArrayUtil.EMPTY_INT_ARRAY;
        }
    }

    int count()
    {
        return count;
    }

    void truncate(final int newCount)
    {
        count = newCount;
    }

    /**
     * @return false if the declaration would pass the limit.
     */
    boolean declare(final int relPrefixOffset, final int relPrefixLength, final int relUriOffset,
        final int relUriLength)
    {
        if (count == maxDeclarations)
        {
            return false;
        }
        if (count == prefixOffset.length)
        {
            final int capacity = Math.min(maxDeclarations, Math.max(INITIAL_DECLARATIONS, count * 2));
            prefixOffset = Arrays.copyOf(prefixOffset, capacity);
            prefixLength = Arrays.copyOf(prefixLength, capacity);
            uriOffset = Arrays.copyOf(uriOffset, capacity);
            uriLength = Arrays.copyOf(uriLength, capacity);
        }
        prefixOffset[count] = relPrefixOffset;
        prefixLength[count] = relPrefixLength;
        uriOffset[count] = relUriOffset;
        uriLength[count] = relUriLength;
        count++;
        return true;
    }

    /**
     * Copy the root element's name and the stream header's declarations, which outlive the header's bytes. The
     * namespace names are kept as written, as those declared inside elements are: {@link XmlReader} replaces
     * their references (XML Names §2.3), once.
     */
    void captureHeader(final DirectBuffer buffer, final int unitStart, final int relNameOffset, final int nameLength)
    {
        headerLength = 0;
        headerCount = 0;
        rootNameOffset = append(buffer, unitStart + relNameOffset, nameLength);
        rootNameLength = nameLength;
        for (int i = 0; i < count; i++)
        {
            if (headerCount == headerPrefixOffset.length)
            {
                final int capacity = headerCount * 2;
                headerPrefixOffset = Arrays.copyOf(headerPrefixOffset, capacity);
                headerPrefixLength = Arrays.copyOf(headerPrefixLength, capacity);
                headerUriOffset = Arrays.copyOf(headerUriOffset, capacity);
                headerUriLength = Arrays.copyOf(headerUriLength, capacity);
            }
            headerPrefixOffset[headerCount] = append(buffer, unitStart + prefixOffset[i], prefixLength[i]);
            headerPrefixLength[headerCount] = prefixLength[i];
            headerUriOffset[headerCount] = append(buffer, unitStart + uriOffset[i], uriLength[i]);
            headerUriLength[headerCount] = uriLength[i];
            headerCount++;
        }
        count = 0;
    }

    private int append(final DirectBuffer buffer, final int offset, final int length)
    {
        ensureHeaderCapacity(length);
        final int at = headerLength;
        header.putBytes(at, buffer, offset, length);
        headerLength += length;
        return at;
    }

    private void ensureHeaderCapacity(final int length)
    {
        if (headerLength + length > header.capacity())
        {
            header.wrap(Arrays.copyOf(header.byteArray(), Math.max(header.capacity() * 2, headerLength + length)));
        }
    }

    /**
     * @param resolved what {@link #resolve} returned.
     * @return true if the prefix is one the stream header declared.
     */
    static boolean isHeaderDeclaration(final int resolved)
    {
        return resolved < XML_PREFIX && resolved != NOT_FOUND;
    }

    boolean rootNameEquals(final DirectBuffer buffer, final int offset, final int length)
    {
        return length == rootNameLength && Bytes.regionEquals(header, rootNameOffset, buffer, offset, length);
    }

    /**
     * Find the innermost declaration of a prefix; a zero-length prefix finds the default namespace.
     *
     * @return an index of {@link #uriOffset(int)}, {@link #XML_PREFIX} or {@link #NOT_FOUND}.
     */
    int resolve(final DirectBuffer buffer, final int unitStart, final int relPrefixOffset, final int relPrefixLength)
    {
        for (int i = count - 1; i >= 0; i--)
        {
            if (prefixLength[i] == relPrefixLength &&
                Bytes.regionEquals(buffer, unitStart + prefixOffset[i], buffer, unitStart + relPrefixOffset,
                    relPrefixLength))
            {
                return i;
            }
        }
        for (int i = headerCount - 1; i >= 0; i--)
        {
            if (headerPrefixLength[i] == relPrefixLength &&
                Bytes.regionEquals(header, headerPrefixOffset[i], buffer, unitStart + relPrefixOffset, relPrefixLength))
            {
                return -2 - i;
            }
        }
        if (Bytes.equals(buffer, unitStart + relPrefixOffset, relPrefixLength, XML))
        {
            return XML_PREFIX;
        }
        return NOT_FOUND;
    }


    /**
     * @return the buffer holding the namespace name a {@link #resolve} result names: the unit's own buffer for
     * declarations inside the element, the captured header otherwise.
     */
    DirectBuffer uriBuffer(final int resolved, final DirectBuffer unitBuffer)
    {
        if (resolved == XML_PREFIX)
        {
            return XML_URI_BUFFER;
        }
        return resolved >= 0 ? unitBuffer : header;
    }

    int uriOffset(final int resolved, final int unitStart)
    {
        if (resolved == XML_PREFIX)
        {
            return 0;
        }
        return resolved >= 0 ? unitStart + uriOffset[resolved] : headerUriOffset[-2 - resolved];
    }

    int uriLength(final int resolved)
    {
        if (resolved == XML_PREFIX)
        {
            return XML_URI.length;
        }
        return resolved >= 0 ? uriLength[resolved] : headerUriLength[-2 - resolved];
    }
}
