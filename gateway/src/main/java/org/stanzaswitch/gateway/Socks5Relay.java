package org.stanzaswitch.gateway;

import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.codec.socksx.v5.DefaultSocks5CommandResponse;
import io.netty.handler.codec.socksx.v5.DefaultSocks5InitialResponse;
import io.netty.handler.codec.socksx.v5.Socks5AddressType;
import io.netty.handler.codec.socksx.v5.Socks5AuthMethod;
import io.netty.handler.codec.socksx.v5.Socks5CommandRequest;
import io.netty.handler.codec.socksx.v5.Socks5CommandRequestDecoder;
import io.netty.handler.codec.socksx.v5.Socks5CommandStatus;
import io.netty.handler.codec.socksx.v5.Socks5CommandType;
import io.netty.handler.codec.socksx.v5.Socks5InitialRequest;
import io.netty.handler.codec.socksx.v5.Socks5InitialRequestDecoder;
import io.netty.handler.codec.socksx.v5.Socks5Message;
import io.netty.handler.codec.socksx.v5.Socks5ServerEncoder;
import io.netty.handler.timeout.ReadTimeoutHandler;
import org.stanzaswitch.switching.BytestreamProxy;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.logging.Logger;

/**
 * The XEP-0065 proxy's transport: each end of a bytestream connects, speaks SOCKS5 (RFC 1928, no
 * authentication, CONNECT to the destination hash of §5.3.2) and waits, not read, until the router activates the
 * pair; from then on bytes go from one socket to the other, each side reading only while the other can take more.
 * A connection that is not activated within a minute is closed. Netty's SOCKS codec reads and writes the
 * handshake; the relaying is this class's.
 */
final class Socks5Relay implements BytestreamProxy
{
    private static final Logger LOG = Logger.getLogger(Socks5Relay.class.getName());
    private static final int MAX_WAITING = 1024;
    private static final long ACTIVATION_SECONDS = 60;
    private static final int DESTINATION_LENGTH = 40;

    /** The two ends that connected for one destination, the first to arrive first. */
    private record Ends(Channel first, Channel second)
    {
        boolean holds(final Channel channel)
        {
            return first == channel || second == channel;
        }
    }

    private final String host;
    private final Map<String, Ends> waiting = new ConcurrentHashMap<>();
    private volatile int port;

    /**
     * @param host where clients reach the proxy.
     */
    Socks5Relay(final String host)
    {
        this.host = host;
    }

    @Override
    public String host()
    {
        return host;
    }

    @Override
    public int port()
    {
        return port;
    }

    void port(final int boundPort)
    {
        this.port = boundPort;
    }

    ChannelInitializer<SocketChannel> initializer()
    {
        return new ChannelInitializer<>()
        {
            @Override
            protected void initChannel(final SocketChannel channel)
            {
                channel.pipeline()
                    .addLast("timeout", new ReadTimeoutHandler(ACTIVATION_SECONDS, TimeUnit.SECONDS))
                    .addLast("socks-encoder", Socks5ServerEncoder.DEFAULT)
                    .addLast("socks-decoder", new Socks5InitialRequestDecoder())
                    .addLast("socks", new Handshake());
            }
        };
    }

    @Override
    public boolean activate(final String destination)
    {
        final Ends ends = waiting.get(destination);
        if (ends == null || ends.second == null || !waiting.remove(destination, ends))
        {
            return false;
        }
        join(ends.first, ends.second);
        join(ends.second, ends.first);
        return true;
    }

    private static void join(final Channel channel, final Channel peer)
    {
        channel.eventLoop().execute(() ->
        {
            final ChannelPipeline pipeline = channel.pipeline();
            pipeline.remove("timeout");
            pipeline.remove("socks");
            pipeline.addLast("relay", new Relay(peer));
            channel.config().setAutoRead(true);
        });
    }

    /**
     * RFC 1928 §3 and §4, as XEP-0065 §5.3.2 uses them: no authentication, then CONNECT to a domain name that is
     * the 40 hex digits of the destination hash, port 0.
     */
    private final class Handshake extends SimpleChannelInboundHandler<Socks5Message>
    {
        private String destination;

        @Override
        protected void channelRead0(final ChannelHandlerContext ctx, final Socks5Message message)
        {
            if (message instanceof Socks5InitialRequest initial)
            {
                if (!initial.authMethods().contains(Socks5AuthMethod.NO_AUTH))
                {
                    ctx.writeAndFlush(new DefaultSocks5InitialResponse(Socks5AuthMethod.UNACCEPTED))
                        .addListener(ChannelFutureListener.CLOSE);
                    return;
                }
                ctx.pipeline().replace("socks-decoder", "socks-decoder", new Socks5CommandRequestDecoder());
                ctx.writeAndFlush(new DefaultSocks5InitialResponse(Socks5AuthMethod.NO_AUTH));
            }
            else if (message instanceof Socks5CommandRequest request && destination == null)
            {
                final String address = request.dstAddr();
                if (request.type() != Socks5CommandType.CONNECT || request.dstAddrType() != Socks5AddressType.DOMAIN ||
                    address.length() != DESTINATION_LENGTH || !wait(address, ctx.channel()))
                {
                    refuse(ctx, request.dstAddrType());
                    return;
                }
                destination = address;
                // Nothing is read until the pair is activated: early bytes stay in the socket, not in memory.
                ctx.channel().config().setAutoRead(false);
                ctx.pipeline().remove("socks-decoder");
                ctx.writeAndFlush(new DefaultSocks5CommandResponse(
                    Socks5CommandStatus.SUCCESS, Socks5AddressType.DOMAIN, address, 0));
            }
            else
            {
                ctx.close();
            }
        }

        private boolean wait(final String address, final Channel channel)
        {
            if (waiting.size() >= MAX_WAITING && !waiting.containsKey(address))
            {
                LOG.info(() -> "bytestream proxy: " + MAX_WAITING + " connections wait for activation; refused one");
                return false;
            }
            final Ends ends = waiting.compute(address, (key, existing) -> existing == null ?
                new Ends(channel, null) : existing.second == null ? new Ends(existing.first, channel) : existing);
            return ends.holds(channel);
        }

        private void refuse(final ChannelHandlerContext ctx, final Socks5AddressType type)
        {
            ctx.writeAndFlush(new DefaultSocks5CommandResponse(Socks5CommandStatus.FAILURE, type))
                .addListener(ChannelFutureListener.CLOSE);
        }

        @Override
        public void channelInactive(final ChannelHandlerContext ctx)
        {
            if (destination != null)
            {
                waiting.computeIfPresent(destination, (key, ends) -> ends.holds(ctx.channel()) ? null : ends);
            }
            ctx.fireChannelInactive();
        }

        @Override
        public void exceptionCaught(final ChannelHandlerContext ctx, final Throwable cause)
        {
            ctx.close();
        }
    }

    /**
     * Bytes to the other end as they come; reading pauses while the other end's socket is full.
     */
    private static final class Relay extends ChannelInboundHandlerAdapter
    {
        private final Channel peer;

        Relay(final Channel peer)
        {
            this.peer = peer;
        }

        @Override
        public void channelRead(final ChannelHandlerContext ctx, final Object message)
        {
            peer.writeAndFlush(message);
            if (!peer.isWritable())
            {
                ctx.channel().config().setAutoRead(false);
            }
        }

        @Override
        public void channelWritabilityChanged(final ChannelHandlerContext ctx)
        {
            peer.config().setAutoRead(ctx.channel().isWritable());
            ctx.fireChannelWritabilityChanged();
        }

        @Override
        public void channelInactive(final ChannelHandlerContext ctx)
        {
            peer.writeAndFlush(Unpooled.EMPTY_BUFFER).addListener(ChannelFutureListener.CLOSE);
        }

        @Override
        public void exceptionCaught(final ChannelHandlerContext ctx, final Throwable cause)
        {
            ctx.close();
        }
    }
}
