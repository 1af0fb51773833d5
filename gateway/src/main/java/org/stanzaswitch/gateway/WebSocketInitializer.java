package org.stanzaswitch.gateway;

import io.netty.channel.ChannelInitializer;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.websocketx.WebSocketCloseStatus;
import io.netty.handler.codec.http.websocketx.WebSocketServerProtocolConfig;
import io.netty.handler.codec.http.websocketx.WebSocketServerProtocolHandler;

/**
 * The pipeline of a client connection over WebSocket (RFC 7395): TLS from the first byte (§3.9: STARTTLS has no
 * place here), or none where a reverse proxy does TLS in front of the port, Netty's HTTP codec for the handshake
 * and its WebSocket protocol handler for the frames (the {@code xmpp} subprotocol of §3.1, pings, close frames),
 * host-meta for anything else asked over HTTP, then the framing translation and the same connection state machine
 * as over TCP.
 */
final class WebSocketInitializer extends ChannelInitializer<SocketChannel>
{
    private static final int HANDSHAKE_REQUEST_LIMIT = 8192;
    private static final long HANDSHAKE_TIMEOUT_MS = 10_000;

    private final C2sContext context;
    private final String hostAndPort;
    private final boolean behindProxy;

    /**
     * @param hostAndPort the domain and port, for host-meta answers to requests that name no host.
     * @param behindProxy whether a reverse proxy does TLS in front of this port, which then speaks plain HTTP.
     */
    WebSocketInitializer(final C2sContext context, final String hostAndPort, final boolean behindProxy)
    {
        this.context = context;
        this.hostAndPort = hostAndPort;
        this.behindProxy = behindProxy;
    }

    @Override
    protected void initChannel(final SocketChannel channel)
    {
        // A message carries one element (§3.3.3), so the framer's stanza limit bounds a message too; a frame over
        // it is refused by Netty with 1009 before it is buffered.
        final int maxMessage = context.server().decoderLimits().maxStanzaSize() + 1024;
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
            .addLast("http", new HttpServerCodec())
            .addLast("http-aggregator", new HttpObjectAggregator(HANDSHAKE_REQUEST_LIMIT))
            .addLast("websocket", new WebSocketServerProtocolHandler(config))
            .addLast("host-meta", new HostMetaResponder(hostAndPort))
            .addLast("framing", new WebSocketFraming())
            .addLast("idle", new ConnectionTimers(context.server().idleTimeoutNs(), context.server().trimAfterNs()))
            // Encrypted either way: by this pipeline, or by the proxy the operator put in front of it.
            .addLast("c2s", new C2sConnection(context, true));
    }
}
