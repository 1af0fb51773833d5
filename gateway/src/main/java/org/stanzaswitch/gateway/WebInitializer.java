package org.stanzaswitch.gateway;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.websocketx.WebSocketCloseStatus;
import io.netty.handler.codec.http.websocketx.WebSocketServerProtocolConfig;
import io.netty.handler.codec.http.websocketx.WebSocketServerProtocolHandler;
import io.netty.handler.timeout.IdleStateEvent;
import io.netty.handler.timeout.IdleStateHandler;
import io.netty.util.concurrent.ScheduledFuture;

import java.util.concurrent.TimeUnit;
import java.util.logging.Logger;

/**
 * The pipeline of a connection to the web port: TLS from the first byte (STARTTLS has no place in RFC 7395 §3.9 or in
 * BOSH), or none where a reverse proxy does TLS in front of the port; Netty's HTTP codec; then either
 * a WebSocket (RFC 7395: Netty's protocol handler does the handshake with the {@code xmpp} subprotocol of §3.1, the
 * pings and close frames, and once it is done the framing translation and the same connection state machine as
 * over TCP join the pipeline), or HTTP requests: BOSH bodies (XEP-0124), host-meta (XEP-0156), 404 for the rest.
 */
final class WebInitializer extends ChannelInitializer<SocketChannel>
{
    private static final Logger LOG = Logger.getLogger(WebInitializer.class.getName());
    private static final long HANDSHAKE_TIMEOUT_MS = 10_000;
    private static final int HTTP_IDLE_SECONDS = BoshSession.MAX_WAIT_SECONDS + 30;
    /** Room beyond the stanza limit for a BOSH body's wrapper and a few stanzas' worth of markup. */
    private static final int WRAPPER_ROOM = 4096;

    private final C2sContext context;
    private final BoshSessions bosh;
    private final String hostAndPort;
    private final boolean behindProxy;

    /**
     * @param hostAndPort the domain and port, for host-meta answers to requests that name no host.
     * @param behindProxy whether a reverse proxy does TLS in front of this port, which then speaks plain HTTP.
     */
    WebInitializer(
        final C2sContext context, final BoshSessions bosh, final String hostAndPort, final boolean behindProxy)
    {
        this.context = context;
        this.bosh = bosh;
        this.hostAndPort = hostAndPort;
        this.behindProxy = behindProxy;
    }

    @Override
    protected void initChannel(final SocketChannel channel)
    {
        // A WebSocket message carries one element (§3.3.3), so the framer's stanza limit bounds a message too; a
        // frame over it is refused by Netty with 1009 before it is buffered. A BOSH body is bounded alike.
        final int maxMessage = context.server().decoderLimits().maxStanzaSize() + WRAPPER_ROOM;
        final WebSocketServerProtocolConfig config = WebSocketServerProtocolConfig.newBuilder()
            .websocketPath(HostMetaResponder.WEBSOCKET_PATH)
            .subprotocols("xmpp")
            .handshakeTimeoutMillis(HANDSHAKE_TIMEOUT_MS)
            .maxFramePayloadLength(maxMessage)
            .allowExtensions(false)
            .sendCloseFrame(WebSocketCloseStatus.NORMAL_CLOSURE)
            .build();
        if (!behindProxy)
        {
            channel.pipeline().addLast("tls", context.tls().newHandler(channel.alloc()));
        }
        channel.pipeline()
            // Silence closes an HTTP connection: longer than a BOSH request is ever held, so only a gone client's.
            .addLast("http-idle", new IdleStateHandler(HTTP_IDLE_SECONDS, 0, 0, TimeUnit.SECONDS))
            .addLast("http", new HttpServerCodec())
            .addLast("http-aggregator", new HttpObjectAggregator(maxMessage))
            .addLast("first-request", new FirstRequestDeadline(context.server().headerTimeoutNs()))
            .addLast("websocket", new WebSocketServerProtocolHandler(config))
            .addLast("websocket-upgrade", new Upgrade())
            .addLast("bosh", new BoshEndpoint(bosh, context.server().domain(), behindProxy))
            .addLast("host-meta", new HostMetaResponder(hostAndPort));
    }

    /**
     * A connection must send its first whole request within {@code timeouts.header}, as a TCP client its stream
     * header: one that connects and says nothing, or trickles a request, is closed.
     */
    private static final class FirstRequestDeadline extends ChannelInboundHandlerAdapter
    {
        private final long timeoutNs;
        private ScheduledFuture<?> deadline;

        FirstRequestDeadline(final long timeoutNs)
        {
            this.timeoutNs = timeoutNs;
        }

        @Override
        public void handlerAdded(final ChannelHandlerContext ctx)
        {
            deadline = ctx.executor().schedule(() ->
            {
                LOG.fine(() -> "closing " + ctx.channel().remoteAddress() + ": no HTTP request in time");
                ctx.close();
            }, timeoutNs, TimeUnit.NANOSECONDS);
        }

        @Override
        public void channelRead(final ChannelHandlerContext ctx, final Object message)
        {
            deadline.cancel(false);
            ctx.pipeline().remove(this);
            ctx.fireChannelRead(message);
        }

        @Override
        public void handlerRemoved(final ChannelHandlerContext ctx)
        {
            deadline.cancel(false);
        }
    }

    /**
     * Once the WebSocket handshake is done, the connection becomes an XMPP client connection.
     */
    private final class Upgrade extends ChannelInboundHandlerAdapter
    {
        @Override
        public void userEventTriggered(final ChannelHandlerContext ctx, final Object event)
        {
            if (event instanceof IdleStateEvent)
            {
                ctx.close();
                return;
            }
            if (event instanceof WebSocketServerProtocolHandler.HandshakeComplete handshake)
            {
                if (behindProxy)
                {
                    ctx.channel().attr(C2sConnection.CLIENT_ADDRESS).set(
                        ForwardedFor.clientAddress(handshake.requestHeaders(), ctx.channel().remoteAddress()));
                }
                // The connection's timers watch the socket's bytes, so that WebSocket pings, which Netty answers
                // without passing them on, keep a quiet client connected as XMPP pings do.
                ctx.pipeline().replace("http-idle", "idle", new ConnectionTimers(context.quietConnections()));
                ctx.pipeline().remove("bosh");
                ctx.pipeline().remove("host-meta");
                ctx.pipeline()
                    .addLast("framing", new WebSocketFraming())
                    // Encrypted either way: by this pipeline, or by the proxy the operator put in front of it.
                    .addLast("c2s", new C2sConnection(context, true));
                ctx.pipeline().remove(this);
                // The connection state machine starts as it would on a new TCP connection.
                ctx.pipeline().context("websocket").fireChannelActive();
                return;
            }
            ctx.fireUserEventTriggered(event);
        }
    }
}
