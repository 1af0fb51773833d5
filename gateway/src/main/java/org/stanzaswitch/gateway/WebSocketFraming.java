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
import org.stanzaswitch.codec.Bytes;

import java.util.concurrent.TimeUnit;
import java.util.logging.Logger;

/**
 * RFC 7395's framing, translated to and from the XML stream that {@link C2sConnection} speaks over TCP, so that
 * one stream state machine serves both. Inbound, {@code <open/>} becomes a stream header, {@code <close/>} the
 * stream's end tag, and every other message is stream bytes as it stands (the framer validates them, across any
 * split). Outbound, the stream is cut into its top-level elements ({@link StreamElements}), one text message each
 * (§3.3.3): the stream header becomes {@code <open/>}, the end tag {@code <close/>}. In the pipeline once the
 * WebSocket handshake is done.
 */
final class WebSocketFraming extends ChannelDuplexHandler implements StreamElements.Sink
{
    static final String FRAMING_NS = "urn:ietf:params:xml:ns:xmpp-framing";
    private static final Logger LOG = Logger.getLogger(WebSocketFraming.class.getName());
    private static final long CLOSE_GRACE_MS = 5_000;
    private static final byte[] FRAMING_NS_BYTES = Bytes.ascii(FRAMING_NS);
    private static final byte[] OPEN = Bytes.ascii("<open xmlns='" + FRAMING_NS + "'");
    private static final byte[] CLOSE = Bytes.ascii("<close xmlns='" + FRAMING_NS + "'/>");
    private static final byte[] OPEN_NAME = Bytes.ascii("<open");
    private static final byte[] CLOSE_NAME = Bytes.ascii("<close");
    private static final byte[] XMLNS = Bytes.ascii("xmlns");
    private static final byte[] XMLNS_PREFIX = Bytes.ascii("xmlns:");

    private final TagAttributes attributes = new TagAttributes();
    private final StreamElements outbound = new StreamElements();
    private ChannelHandlerContext writing;
    private TextWebSocketFrame lastMessage;
    private boolean closeRequested;

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
        // Every message but the last goes out at once; the last carries the caller's promise.
        writing = ctx;
        outbound.write(ctx.alloc(), bytes, this);
        if (lastMessage != null)
        {
            ctx.write(lastMessage, promise);
            lastMessage = null;
        }
        else
        {
            promise.trySuccess();
        }
    }

    @Override
    public void header(final TagAttributes header)
    {
        // §3.4: the response header as <open/>, with its attributes but the namespace declarations.
        final ByteBuf content = writing.alloc().buffer(OPEN.length + 128).writeBytes(OPEN);
        while (header.next())
        {
            if (!header.nameIs(XMLNS) && !header.nameStartsWith(XMLNS_PREFIX))
            {
                header.copyTo(content.writeByte(' '));
            }
        }
        message(new TextWebSocketFrame(content.writeByte('/').writeByte('>')));
    }

    @Override
    public void element(final ByteBuf element)
    {
        message(new TextWebSocketFrame(element));
    }

    @Override
    public void end()
    {
        message(new TextWebSocketFrame(writing.alloc().buffer(CLOSE.length).writeBytes(CLOSE)));
    }

    private void message(final TextWebSocketFrame message)
    {
        if (lastMessage != null)
        {
            writing.write(lastMessage, writing.voidPromise());
        }
        lastMessage = message;
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
        if (closeRequested || !ctx.channel().isActive())
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
        outbound.release();
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
        final int i = StreamElements.skipProlog(content, content.readerIndex(), end);
        if (isStartTag(content, i, end, OPEN_NAME))
        {
            return streamHeader(alloc, content, i + OPEN_NAME.length, end);
        }
        if (isStartTag(content, i, end, CLOSE_NAME))
        {
            return alloc.heapBuffer(StreamElements.STREAM_END.length).writeBytes(StreamElements.STREAM_END);
        }
        return null;
    }

    private ByteBuf streamHeader(final ByteBufAllocator alloc, final ByteBuf content, final int from, final int end)
    {
        final ByteBuf header = StreamElements.headerStart(alloc, end - from);
        boolean framed = false;
        attributes.wrap(content, from, end);
        while (attributes.next())
        {
            if (attributes.nameIs(XMLNS))
            {
                framed = attributes.valueIs(FRAMING_NS_BYTES);
            }
            else
            {
                // Kept as written: the framer checks the header as it would over TCP.
                attributes.copyTo(header.writeByte(' '));
            }
        }
        final int tagEnd = attributes.tagEnd();
        if (!framed || tagEnd < 0 || content.getByte(tagEnd - 1) != '/' ||
            StreamElements.skipWhitespace(content, tagEnd + 1, end) != end)
        {
            header.release();
            return null;
        }
        return header.writeByte('>');
    }

    private static boolean isStartTag(final ByteBuf bytes, final int at, final int end, final byte[] name)
    {
        if (!StreamElements.startsWith(bytes, at, end, name) || at + name.length >= end)
        {
            return false;
        }
        final byte after = bytes.getByte(at + name.length);
        return after == '/' || after == '>' || TagAttributes.isWhitespace(after);
    }
}
