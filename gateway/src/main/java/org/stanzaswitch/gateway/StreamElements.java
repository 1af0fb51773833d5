package org.stanzaswitch.gateway;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import org.stanzaswitch.codec.Bytes;
import org.stanzaswitch.codec.XmppNamespaces;

/**
 * The server's outbound XML stream cut into its top-level elements, for the web transports, where each element
 * travels on its own (a WebSocket message, RFC 7395 §3.3.3) or inside another element (a BOSH body, XEP-0206 §3):
 * either way it no longer sits inside the stream element, so it must declare its own namespaces. A stanza in the
 * stream's default namespace gets {@code xmlns='jabber:client'}, an element with the {@code stream:} prefix gets
 * its declaration. The XML declaration is dropped; the stream header and end tag are reported as such.
 * <p>
 * The bytes are the server's own XML or stanzas the framer accepted, so tags are counted without validating them;
 * quoted attribute values and CDATA sections are skipped (comments and processing instructions never get past the
 * framer). Bytes that do not yet make a whole element are kept for the next call.
 */
final class StreamElements
{
    /** What the stream is cut into. */
    interface Sink
    {
        /**
         * @param attributes positioned on the stream header's attributes.
         */
        void header(TagAttributes attributes);

        /**
         * @param element a whole element, namespaces declared; the sink owns it.
         */
        void element(ByteBuf element);

        void end();
    }

    static final byte[] STREAM_END = Bytes.ascii("</stream:stream>");
    private static final byte[] STREAM_HEADER = Bytes.ascii("<stream:stream xmlns:stream='" +
        XmppNamespaces.STREAMS + "'");
    private static final byte[] STREAM_NAME = Bytes.ascii("stream:stream");
    private static final byte[] STREAM_PREFIX = Bytes.ascii("stream:");
    private static final byte[] CLIENT_NS_ATTRIBUTE = Bytes.ascii(" xmlns='" + XmppNamespaces.CLIENT + "'");
    private static final byte[] STREAMS_NS_ATTRIBUTE = Bytes.ascii(" xmlns:stream='" + XmppNamespaces.STREAMS + "'");
    private static final byte[] XMLNS = Bytes.ascii("xmlns");
    private static final byte[] XML_DECLARATION = Bytes.ascii("<?xml");
    private static final byte[] DECLARATION_END = Bytes.ascii("?>");
    private static final byte[] CDATA_END = Bytes.ascii("]]>");

    private final TagAttributes attributes = new TagAttributes();
    private ByteBuf pending;

    /**
     * @param bytes what the server wrote next; this takes it over.
     */
    void write(final ByteBufAllocator alloc, final ByteBuf bytes, final Sink sink)
    {
        if (pending == null)
        {
            // Most writes are whole elements: read in place, copied only when something is left for the next one.
            pending = bytes;
        }
        else
        {
            pending.writeBytes(bytes);
            bytes.release();
        }
        while (next(alloc, sink))
        {
            // One element, header or end tag per round.
        }
        if (!pending.isReadable())
        {
            pending.release();
            pending = null;
        }
        else if (pending == bytes)
        {
            pending = alloc.heapBuffer(bytes.readableBytes()).writeBytes(bytes);
            bytes.release();
        }
        else
        {
            pending.discardReadBytes();
        }
    }

    /**
     * @return a stream header's start, as the framer reads one, for a transport that has none of its own: the
     * caller adds its attributes and the '>'.
     */
    static ByteBuf headerStart(final ByteBufAllocator alloc, final int room)
    {
        return alloc.heapBuffer(STREAM_HEADER.length + CLIENT_NS_ATTRIBUTE.length + room).writeBytes(STREAM_HEADER)
            .writeBytes(CLIENT_NS_ATTRIBUTE);
    }

    void release()
    {
        if (pending != null)
        {
            pending.release();
            pending = null;
        }
    }

    private boolean next(final ByteBufAllocator alloc, final Sink sink)
    {
        final int end = pending.writerIndex();
        final int start = skipWhitespace(pending, pending.readerIndex(), end);
        pending.readerIndex(start);
        if (end - start < 2)
        {
            return false;
        }
        final byte second = pending.getByte(start + 1);
        if (second == '?')
        {
            final int declarationEnd = indexOf(pending, start, end, DECLARATION_END);
            if (declarationEnd < 0)
            {
                return false;
            }
            pending.readerIndex(declarationEnd + DECLARATION_END.length);
            return true;
        }
        if (second == '/')
        {
            final int tagEnd = pending.indexOf(start, end, (byte)'>');
            if (tagEnd < 0)
            {
                return false;
            }
            pending.readerIndex(tagEnd + 1);
            sink.end();
            return true;
        }
        final int nameEnd = nameEnd(pending, start + 1, end);
        final int tagEnd = TagAttributes.tagEnd(pending, nameEnd, end);
        if (tagEnd < 0)
        {
            return false;
        }
        if (TagAttributes.regionIs(pending, start + 1, nameEnd, STREAM_NAME))
        {
            sink.header(attributes.wrap(pending, nameEnd, tagEnd + 1));
            pending.readerIndex(tagEnd + 1);
            return true;
        }
        final int elementEnd = elementEnd(pending, tagEnd, end);
        if (elementEnd < 0)
        {
            return false;
        }
        final byte[] declaration = startsWith(pending, start + 1, nameEnd, STREAM_PREFIX) ? STREAMS_NS_ATTRIBUTE :
            declaresDefaultNamespace(nameEnd, tagEnd) ? null : CLIENT_NS_ATTRIBUTE;
        final int added = declaration == null ? 0 : declaration.length;
        final ByteBuf element = alloc.buffer(elementEnd - start + added).writeBytes(pending, start, nameEnd - start);
        if (declaration != null)
        {
            element.writeBytes(declaration);
        }
        element.writeBytes(pending, nameEnd, elementEnd - nameEnd);
        pending.readerIndex(elementEnd);
        sink.element(element);
        return true;
    }

    private boolean declaresDefaultNamespace(final int from, final int tagEnd)
    {
        attributes.wrap(pending, from, tagEnd + 1);
        while (attributes.next())
        {
            if (attributes.nameIs(XMLNS))
            {
                return true;
            }
        }
        return false;
    }

    /**
     * @return the position after the element whose start tag ends at {@code startTagEnd}, or -1 if it is not all
     * there yet.
     */
    private static int elementEnd(final ByteBuf bytes, final int startTagEnd, final int end)
    {
        if (bytes.getByte(startTagEnd - 1) == '/')
        {
            return startTagEnd + 1;
        }
        int depth = 1;
        int i = startTagEnd + 1;
        while (depth > 0)
        {
            i = bytes.indexOf(i, end, (byte)'<');
            if (i < 0 || i + 1 >= end)
            {
                return -1;
            }
            final byte second = bytes.getByte(i + 1);
            final int tagEnd;
            if (second == '!')
            {
                final int cdataEnd = indexOf(bytes, i, end, CDATA_END);
                tagEnd = cdataEnd < 0 ? -1 : cdataEnd + CDATA_END.length - 1;
            }
            else if (second == '/')
            {
                tagEnd = bytes.indexOf(i, end, (byte)'>');
                depth--;
            }
            else
            {
                tagEnd = TagAttributes.tagEnd(bytes, i + 1, end);
                if (tagEnd >= 0 && bytes.getByte(tagEnd - 1) != '/')
                {
                    depth++;
                }
            }
            if (tagEnd < 0)
            {
                return -1;
            }
            i = tagEnd + 1;
        }
        return i;
    }

    private static int nameEnd(final ByteBuf bytes, final int from, final int end)
    {
        int i = from;
        while (i < end)
        {
            final byte b = bytes.getByte(i);
            if (b == '>' || b == '/' || TagAttributes.isWhitespace(b))
            {
                break;
            }
            i++;
        }
        return i;
    }

    static boolean startsWith(final ByteBuf bytes, final int at, final int end, final byte[] prefix)
    {
        return end - at >= prefix.length && TagAttributes.regionIs(bytes, at, at + prefix.length, prefix);
    }

    /**
     * @return where a document's first element starts: after white space and an XML declaration, if there is
     * one; {@code end} if the declaration does not end.
     */
    static int skipProlog(final ByteBuf bytes, final int from, final int end)
    {
        final int i = skipWhitespace(bytes, from, end);
        if (!startsWith(bytes, i, end, XML_DECLARATION))
        {
            return i;
        }
        final int declarationEnd = indexOf(bytes, i, end, DECLARATION_END);
        return declarationEnd < 0 ? end : skipWhitespace(bytes, declarationEnd + DECLARATION_END.length, end);
    }

    static int skipWhitespace(final ByteBuf bytes, final int from, final int end)
    {
        int i = from;
        while (i < end && TagAttributes.isWhitespace(bytes.getByte(i)))
        {
            i++;
        }
        return i;
    }

    /**
     * @return where {@code pattern} first occurs from {@code from} on, or -1.
     */
    static int indexOf(final ByteBuf bytes, final int from, final int end, final byte[] pattern)
    {
        for (int i = bytes.indexOf(from, end, pattern[0]); i >= 0 && i + pattern.length <= end;
            i = bytes.indexOf(i + 1, end, pattern[0]))
        {
            if (TagAttributes.regionIs(bytes, i, i + pattern.length, pattern))
            {
                return i;
            }
        }
        return -1;
    }
}
