package org.stanzaswitch.gateway;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.timeout.IdleStateEvent;

/**
 * A client connection's two timers, both on what it reads: silence for {@code timeouts.idle} closes it (a reader
 * idle event), quiet for {@code timeouts.trim} gives back the framer's buffers (an all idle event, once per quiet
 * spell). The handler notes reads; {@link QuietConnections} tells the time. Writes are not watched: the trim
 * concerns buffers only reading grows, and watching writes would cost a promise per stanza delivered.
 * <p>
 * It sits where the socket's bytes are read, so that what the transport answers by itself (WebSocket pings) keeps
 * a quiet client connected, as XMPP pings do.
 */
final class ConnectionTimers extends ChannelInboundHandlerAdapter
{
    private final QuietConnections quiet;
    private ChannelHandlerContext ctx;
    private int index = -1;
    private boolean read;
    private boolean trimmed;
    private long quietSinceNs;

    ConnectionTimers(final QuietConnections quiet)
    {
        this.quiet = quiet;
    }

    /**
     * Netty calls this, and {@link #handlerRemoved}, on the channel's I/O thread.
     */
    @Override
    public void handlerAdded(final ChannelHandlerContext ctx)
    {
        this.ctx = ctx;
        quiet.watch(this, ctx.executor());
    }

    @Override
    public void handlerRemoved(final ChannelHandlerContext ctx)
    {
        quiet.forget(this, ctx.executor());
    }

    @Override
    public void channelRead(final ChannelHandlerContext ctx, final Object message)
    {
        read = true;
        ctx.fireChannelRead(message);
    }

    void watched(final int index, final long nowNs)
    {
        this.index = index;
        quietSinceNs = nowNs;
    }

    void moved(final int index)
    {
        this.index = index;
    }

    int index()
    {
        return index;
    }

    /**
     * One look by the I/O thread's sweep: quiet since the first look that found nothing read.
     */
    void tick(final long nowNs, final long idleNs, final long trimNs)
    {
        if (read)
        {
            read = false;
            trimmed = false;
            quietSinceNs = nowNs;
            return;
        }
        final long quietNs = nowNs - quietSinceNs;
        if (quietNs >= idleNs)
        {
            quietSinceNs = nowNs;
            ctx.fireUserEventTriggered(IdleStateEvent.READER_IDLE_STATE_EVENT);
        }
        else if (!trimmed && quietNs >= trimNs)
        {
            trimmed = true;
            ctx.fireUserEventTriggered(IdleStateEvent.ALL_IDLE_STATE_EVENT);
        }
    }
}
