package org.stanzaswitch.gateway;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPromise;
import io.netty.handler.timeout.IdleStateHandler;

import java.util.concurrent.TimeUnit;

/**
 * A client connection's two timers, both on what it reads: silence for {@code timeouts.idle} closes it (reader
 * idle), quiet for {@code timeouts.trim} gives back the framer's buffers (all idle). Writes are not watched: the
 * trim concerns buffers only reading grows, and Netty's handler would otherwise swap every write's void promise for
 * a real one to learn when the write completed, an allocation per stanza delivered.
 */
final class ConnectionTimers extends IdleStateHandler
{
    ConnectionTimers(final long idleTimeoutNs, final long trimAfterNs)
    {
        super(idleTimeoutNs, 0, trimAfterNs, TimeUnit.NANOSECONDS);
    }

    @Override
    public void write(final ChannelHandlerContext ctx, final Object msg, final ChannelPromise promise)
    {
        ctx.write(msg, promise);
    }
}
