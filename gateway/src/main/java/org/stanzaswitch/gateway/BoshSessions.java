package org.stanzaswitch.gateway;

import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoop;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.local.LocalAddress;
import io.netty.channel.local.LocalChannel;
import io.netty.channel.local.LocalIoHandler;
import io.netty.channel.local.LocalServerChannel;

import java.net.SocketAddress;
import java.util.Base64;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * The BOSH sessions of a server (XEP-0124): each one's stream runs through the same connection state machine as a
 * TCP client's ({@link C2sConnection}), over an in-VM channel, so that SASL, binding, stream management and every
 * service behave alike. The connection sees the HTTP client's address, for the authentication throttle and the
 * connection events. Sessions are found by their unpredictable id (§7.2, §22.3).
 */
final class BoshSessions implements AutoCloseable
{
    private static final int SID_BYTES = 18;
    private static final int SHUTDOWN_TIMEOUT_SECONDS = 5;

    private final C2sContext context;
    private final EventLoopGroup group;
    private final Channel server;
    private final Map<String, BoshSession> sessions = new ConcurrentHashMap<>();
    /** The HTTP client's address for each in-VM channel being connected, until its connection takes it. */
    private final Map<SocketAddress, SocketAddress> clients = new ConcurrentHashMap<>();

    BoshSessions(final C2sContext context, final int threads)
    {
        this.context = context;
        this.group = new MultiThreadIoEventLoopGroup(threads, LocalIoHandler.newFactory());
        this.server = new ServerBootstrap()
            .group(group)
            .channel(LocalServerChannel.class)
            .childHandler(new ChannelInitializer<LocalChannel>()
            {
                @Override
                protected void initChannel(final LocalChannel channel)
                {
                    channel.attr(C2sConnection.CLIENT_ADDRESS).set(clients.remove(channel.remoteAddress()));
                    channel.pipeline()
                        .addLast("idle", new ConnectionTimers(context.quietConnections()))
                        // Encrypted: by the web port's TLS, or by the proxy the operator put in front of it.
                        .addLast("c2s", new C2sConnection(context, true));
                }
            })
            .bind(LocalAddress.ANY)
            .syncUninterruptibly()
            .channel();
    }

    /**
     * §7: a new session for a creation request; its answer waits for the stream's features.
     *
     * @param client the HTTP client's address, for the session's connection.
     */
    void create(
        final ChannelHandlerContext http, final BoshBody body, final boolean keepAlive, final SocketAddress client)
    {
        final byte[] random = new byte[SID_BYTES];
        context.random().nextBytes(random);
        final String sid = Base64.getUrlEncoder().withoutPadding().encodeToString(random);
        final EventLoop loop = group.next();
        final BoshSession session = new BoshSession(this, loop, sid, context.server().domain(),
            context.server().maxOutboundBytes(), body, http, keepAlive);
        sessions.put(sid, session);
        final LocalAddress address = new LocalAddress("bosh-" + sid);
        clients.put(address, client);
        new Bootstrap().group(loop).channel(LocalChannel.class).handler(session).localAddress(address)
            .connect(server.localAddress())
            .addListener(connected ->
            {
                if (!connected.isSuccess())
                {
                    clients.remove(address);
                    sessions.remove(sid);
                    http.close();
                }
            });
    }

    /**
     * @param payload the body's content; released here if there is no such session.
     * @return whether the session exists and took the request.
     */
    boolean submit(final ChannelHandlerContext http, final BoshBody body, final ByteBuf payload,
        final boolean keepAlive)
    {
        final BoshSession session = sessions.get(body.sid);
        if (session == null)
        {
            payload.release();
            return false;
        }
        return session.submit(http, body, payload, keepAlive);
    }

    void remove(final String sid)
    {
        sessions.remove(sid);
    }

    @Override
    public void close()
    {
        server.close().syncUninterruptibly();
        // No quiet period: the sessions' channels close with the group, and their connections end as at any close.
        group.shutdownGracefully(0, SHUTDOWN_TIMEOUT_SECONDS, TimeUnit.SECONDS).syncUninterruptibly();
    }
}
