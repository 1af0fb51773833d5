package org.stanzaswitch.gateway;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPromise;
import io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.handler.codec.http.websocketx.ContinuationWebSocketFrame;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketCloseStatus;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketServerProtocolHandler;
import org.stanzaswitch.codec.Bytes;
import org.stanzaswitch.codec.XmppNamespaces;

import java.util.concurrent.TimeUnit;
import java.util.logging.Logger;

/**
 * RFC 7395's framing, translated to and from the XML stream that {@link C2sConnection} speaks over TCP, so that
 * one stream state machine serves both. Inbound, {@code <open/>} becomes a stream header, {@code <close/>} the
 * stream's end tag, and every other message is stream bytes as it stands (the framer validates them, across any
 * split). Outbound, the stream is cut into its top-level elements, one text message each (§3.3.3): the stream
 * header becomes {@code <open/>}, the end tag {@code <close/>}, an element in the stream namespace declares it,
 * and a stanza in the stream's default namespace declares {@code jabber:client}, since a message stands alone.
 */
final class WebSocketFraming extends ChannelDuplexHandler
{
    static final String FRAMING_NS = "urn:ietf:params:xml:ns:xmpp-framing";
    private static final Logger LOG = Logger.getLogger(WebSocketFraming.class.getName());
    private static final long CLOSE_GRACE_MS = 5_000;
    private static final byte[] FRAMING_NS_BYTES = Bytes.ascii(FRAMING_NS);
    private static final byte[] STREAM_HEADER = Bytes.ascii("<stream:stream xmlns:stream='" +
        XmppNamespaces.STREAMS + "'");
    private static final byte[] STREAM_END = Bytes.ascii("</stream:stream>");
    private static final byte[] STREAM_NAME = Bytes.ascii("stream:stream");
    private static final byte[] STREAM_PREFIX = Bytes.ascii("stream:");
    private static final byte[] OPEN = Bytes.ascii("<open xmlns='" + FRAMING_NS + "'");
    private static final byte[] CLOSE = Bytes.ascii("<close xmlns='" + FRAMING_NS + "'/>");
    private static final byte[] OPEN_NAME = Bytes.ascii("<open");
    private static final byte[] CLOSE_NAME = Bytes.ascii("<close");
    private static final byte[] XML_DECLARATION = Bytes.ascii("<?xml");
    private static final byte[] CLIENT_NS_ATTRIBUTE = Bytes.ascii(" xmlns='" + XmppNamespaces.CLIENT + "'");
    private static final byte[] STREAMS_NS_ATTRIBUTE = Bytes.ascii(" xmlns:stream='" + XmppNamespaces.STREAMS + "'");
    private static final byte[] XMLNS = Bytes.ascii("xmlns");
    private static final byte[] XMLNS_PREFIX = Bytes.ascii("xmlns:");
    private static final byte[] DECLARATION_END = Bytes.ascii("?>");
    private static final byte[] CDATA_END = Bytes.ascii("]]>");

    /** What the server wrote that is not yet a whole top-level element. */
    private final TagAttributes attributes = new TagAttributes();
    private ByteBuf outbound;
    private boolean open;
    private boolean closeRequested;

    @Override
    public void userEventTriggered(final ChannelHandlerContext ctx, final Object event)
    {
        if (event instanceof WebSocketServerProtocolHandler.HandshakeComplete)
        {
            open = true;
        }
        ctx.fireUserEventTriggered(event);
    }

    @Override
    public void channelRead(final ChannelHandlerContext ctx, final Object message)
    {
        if (message instanceof TextWebSocketFrame || message instanceof ContinuationWebSocketFrame)
        {
            final WebSocketFrame frame = (WebSocketFrame)message;
            final ByteBuf streamLevel = frame instanceof TextWebSocketFrame && frame.isFinalFragment() ?
                streamLevel(ctx.alloc(), frame.content()) : null;
            final ByteBuf bytes = streamLevel != null ? streamLevel : frame.content().retain();
            frame.release();
            ctx.fireChannelRead(bytes);
        }
        else if (message instanceof BinaryWebSocketFrame binary)
        {
            // §3.2: XMPP travels in text messages only.
            binary.release();
            LOG.info(() -> "binary WebSocket message from " + ctx.channel().remoteAddress() + ": closing");
            ctx.writeAndFlush(new CloseWebSocketFrame(WebSocketCloseStatus.INVALID_MESSAGE_TYPE))
                .addListener(ChannelFutureListener.CLOSE);
        }
        else
        {
            ctx.fireChannelRead(message);
        }
    }

    @Override
    public void write(final ChannelHandlerContext ctx, final Object message, final ChannelPromise promise)
    {
        if (!(message instanceof ByteBuf bytes))
        {
            ctx.write(message, promise);
            return;
        }
        if (!open)
        {
            // Nothing can be said before the handshake: a timeout's stream error just closes the connection.
            bytes.release();
            promise.trySuccess();
            return;
        }
        if (outbound == null)
        {
            outbound = ctx.alloc().heapBuffer(bytes.readableBytes());
        }
        outbound.writeBytes(bytes);
        bytes.release();
        TextWebSocketFrame previous = null;
        TextWebSocketFrame next;
        while ((next = nextMessage(ctx.alloc())) != null)
        {
            if (previous != null)
            {
                ctx.write(previous, ctx.voidPromise());
            }
            previous = next;
        }
        if (previous != null)
        {
            ctx.write(previous, promise);
        }
        else
        {
            promise.trySuccess();
        }
        if (!outbound.isReadable())
        {
            outbound.release();
            outbound = null;
        }
        else
        {
            outbound.discardReadBytes();
        }
    }

    /**
     * RFC 7395 §3.6: after the stream's {@code <close/>}, the WebSocket closing handshake of RFC 6455 §7.1.2. The
     * connection ends when the client answers the close frame (Netty's protocol handler closes it then), or after
     * a grace period: closed at once, the client's answer would meet a closed socket, and a reset can overtake
     * the last messages on their way to the client.
     */
    @Override
    public void close(final ChannelHandlerContext ctx, final ChannelPromise promise)
    {
        if (!open || closeRequested || !ctx.channel().isActive())
        {
            ctx.close(promise);
            return;
        }
        closeRequested = true;
        ctx.writeAndFlush(new CloseWebSocketFrame(WebSocketCloseStatus.NORMAL_CLOSURE));
        ctx.executor().schedule(() -> ctx.close(promise), CLOSE_GRACE_MS, TimeUnit.MILLISECONDS);
    }

    @Override
    public void handlerRemoved(final ChannelHandlerContext ctx)
    {
        if (outbound != null)
        {
            outbound.release();
            outbound = null;
        }
    }

    /**
     * §3.3.2, §3.7: {@code <open/>} (a new stream, also after SASL) and {@code <close/>}, as the stream header and
     * end tag the framer reads. An {@code <open/>} outside the framing namespace (§3.3.1), or whose attributes
     * cannot be read, goes to the framer as it is, which answers it with the stream error it deserves.
     *
     * @return the stream-level bytes, or null if the message is something else.
     */
    private ByteBuf streamLevel(final ByteBufAllocator alloc, final ByteBuf content)
    {
        final int end = content.writerIndex();
        int i = skipWhitespace(content, content.readerIndex(), end);
        if (startsWith(content, i, end, XML_DECLARATION))
        {
            final int declarationEnd = indexOf(content, i, end, DECLARATION_END);
            i = declarationEnd < 0 ? i : skipWhitespace(content, declarationEnd + DECLARATION_END.length, end);
        }
        if (isStartTag(content, i, end, OPEN_NAME))
        {
            return streamHeader(alloc, content, i + OPEN_NAME.length, end);
        }
        if (isStartTag(content, i, end, CLOSE_NAME))
        {
            return alloc.heapBuffer(STREAM_END.length).writeBytes(STREAM_END);
        }
        return null;
    }

    private ByteBuf streamHeader(final ByteBufAllocator alloc, final ByteBuf content, final int from, final int end)
    {
        final ByteBuf header = alloc.heapBuffer(STREAM_HEADER.length + end - from + 16).writeBytes(STREAM_HEADER);
        boolean framed = false;
        attributes.wrap(content, from, end);
        while (attributes.next())
        {
            if (attributes.nameIs(XMLNS))
            {
                framed = attributes.valueIs(FRAMING_NS_BYTES);
                header.writeBytes(CLIENT_NS_ATTRIBUTE);
            }
            else
            {
                // Kept as written: the framer checks the header as it would over TCP.
                attributes.copyTo(header.writeByte(' '));
            }
        }
        final int tagEnd = attributes.tagEnd();
        if (!framed || tagEnd < 0 || content.getByte(tagEnd - 1) != '/' ||
            skipWhitespace(content, tagEnd + 1, end) != end)
        {
            header.release();
            return null;
        }
        return header.writeByte('>');
    }

    /**
     * @return the next whole top-level element the server wrote, as a message of its own, or null.
     */
    private TextWebSocketFrame nextMessage(final ByteBufAllocator alloc)
    {
        final int end = outbound.writerIndex();
        while (true)
        {
            final int start = skipWhitespace(outbound, outbound.readerIndex(), end);
            outbound.readerIndex(start);
            if (end - start < 2)
            {
                return null;
            }
            final byte second = outbound.getByte(start + 1);
            if (second == '?')
            {
                // The XML declaration before the stream header has no place in a message (§3.3.3).
                final int declarationEnd = indexOf(outbound, start, end, DECLARATION_END);
                if (declarationEnd < 0)
                {
                    return null;
                }
                outbound.readerIndex(declarationEnd + DECLARATION_END.length);
                continue;
            }
            if (second == '/')
            {
                final int tagEnd = outbound.indexOf(start, end, (byte)'>');
                if (tagEnd < 0)
                {
                    return null;
                }
                outbound.readerIndex(tagEnd + 1);
                return message(alloc, CLOSE);
            }
            return element(alloc, start, end);
        }
    }

    private TextWebSocketFrame element(final ByteBufAllocator alloc, final int start, final int end)
    {
        final int nameEnd = nameEnd(outbound, start + 1, end);
        final int tagEnd = TagAttributes.tagEnd(outbound, nameEnd, end);
        if (tagEnd < 0)
        {
            return null;
        }
        if (TagAttributes.regionIs(outbound, start + 1, nameEnd, STREAM_NAME))
        {
            outbound.readerIndex(tagEnd + 1);
            return openMessage(alloc, nameEnd, tagEnd);
        }
        final int elementEnd = elementEnd(outbound, start, tagEnd, end);
        if (elementEnd < 0)
        {
            return null;
        }
        final byte[] declaration = startsWith(outbound, start + 1, nameEnd, STREAM_PREFIX) ? STREAMS_NS_ATTRIBUTE :
            declaresDefaultNamespace(nameEnd, tagEnd) ? null : CLIENT_NS_ATTRIBUTE;
        final int added = declaration == null ? 0 : declaration.length;
        final ByteBuf content = alloc.buffer(elementEnd - start + added).writeBytes(outbound, start, nameEnd - start);
        if (declaration != null)
        {
            content.writeBytes(declaration);
        }
        content.writeBytes(outbound, nameEnd, elementEnd - nameEnd);
        outbound.readerIndex(elementEnd);
        return new TextWebSocketFrame(content);
    }

    /**
     * §3.4: the response header as {@code <open/>}, with its attributes but the namespace declarations.
     */
    private TextWebSocketFrame openMessage(final ByteBufAllocator alloc, final int from, final int tagEnd)
    {
        final ByteBuf content = alloc.buffer(OPEN.length + tagEnd - from + 2).writeBytes(OPEN);
        attributes.wrap(outbound, from, tagEnd + 1);
        while (attributes.next())
        {
            if (!attributes.nameIs(XMLNS) && !attributes.nameStartsWith(XMLNS_PREFIX))
            {
                attributes.copyTo(content.writeByte(' '));
            }
        }
        return new TextWebSocketFrame(content.writeByte('/').writeByte('>'));
    }

    private boolean declaresDefaultNamespace(final int from, final int tagEnd)
    {
        attributes.wrap(outbound, from, tagEnd + 1);
        while (attributes.next())
        {
            if (attributes.nameIs(XMLNS))
            {
                return true;
            }
        }
        return false;
    }

    private static TextWebSocketFrame message(final ByteBufAllocator alloc, final byte[] xml)
    {
        return new TextWebSocketFrame(alloc.buffer(xml.length).writeBytes(xml));
    }

    /**
     * The end of an element the server wrote (its own XML, or a stanza the framer accepted): tags are counted,
     * quoted attribute values and CDATA sections skipped.
     *
     * @return the position after the element, or -1 if it is not all there yet.
     */
    private static int elementEnd(final ByteBuf bytes, final int start, final int startTagEnd, final int end)
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
                // A CDATA section: comments and the like never get past the framer.
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

    private static boolean isStartTag(final ByteBuf bytes, final int at, final int end, final byte[] name)
    {
        if (!startsWith(bytes, at, end, name) || at + name.length >= end)
        {
            return false;
        }
        final byte after = bytes.getByte(at + name.length);
        return after == '/' || after == '>' || TagAttributes.isWhitespace(after);
    }

    private static boolean startsWith(final ByteBuf bytes, final int at, final int end, final byte[] prefix)
    {
        return end - at >= prefix.length && TagAttributes.regionIs(bytes, at, at + prefix.length, prefix);
    }

    private static int skipWhitespace(final ByteBuf bytes, final int from, final int end)
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
    private static int indexOf(final ByteBuf bytes, final int from, final int end, final byte[] pattern)
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
