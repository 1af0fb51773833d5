package org.stanzaswitch.gateway;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelOutboundHandlerAdapter;
import io.netty.channel.ChannelPromise;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.timeout.IdleState;
import io.netty.handler.timeout.IdleStateEvent;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The client timers on a channel whose clock the test moves: a quiet connection is trimmed once per quiet spell,
 * a silent one gets the idle event that closes it, reads start the count again, and an I/O thread without
 * connections keeps no timer. Timeouts here: idle 8 s, trim 4 s, so a tick is 1 s.
 */
class ConnectionTimersTest
{
    private static final long IDLE_NS = TimeUnit.SECONDS.toNanos(8);
    private static final long TRIM_NS = TimeUnit.SECONDS.toNanos(4);

    private final List<IdleState> events = new ArrayList<>();
    private final QuietConnections quiet = new QuietConnections(IDLE_NS, TRIM_NS);

    private EmbeddedChannel channel()
    {
        final EmbeddedChannel channel = new EmbeddedChannel();
        channel.freezeTime();
        channel.pipeline().addLast(new ConnectionTimers(quiet), new ChannelInboundHandlerAdapter()
        {
            @Override
            public void userEventTriggered(final ChannelHandlerContext ctx, final Object event)
            {
                events.add(((IdleStateEvent)event).state());
            }
        });
        return channel;
    }

    private static void pass(final EmbeddedChannel channel, final int seconds)
    {
        for (int i = 0; i < seconds; i++)
        {
            channel.advanceTimeBy(1, TimeUnit.SECONDS);
            channel.runScheduledPendingTasks();
        }
    }

    @Test
    @DisplayName("quiet for timeouts.trim: one trim per quiet spell; silent for timeouts.idle: the idle event")
    void shouldTrimOnceThenReportIdle()
    {
        final EmbeddedChannel channel = channel();
        pass(channel, 3);
        assertThat(events).isEmpty();
        pass(channel, 2);
        assertThat(events).containsExactly(IdleState.ALL_IDLE);
        pass(channel, 2);
        assertThat(events).containsExactly(IdleState.ALL_IDLE);
        pass(channel, 2);
        assertThat(events).containsExactly(IdleState.ALL_IDLE, IdleState.READER_IDLE);
        channel.finishAndReleaseAll();
    }

    @Test
    @DisplayName("a read starts the quiet again, and a later quiet spell is trimmed again")
    void shouldCountFromTheLastRead()
    {
        final EmbeddedChannel channel = channel();
        pass(channel, 5);
        assertThat(events).containsExactly(IdleState.ALL_IDLE);
        for (int i = 0; i < 10; i++)
        {
            channel.writeInbound("ping");
            pass(channel, 3);
        }
        assertThat(events).containsExactly(IdleState.ALL_IDLE);
        pass(channel, 4);
        assertThat(events).containsExactly(IdleState.ALL_IDLE, IdleState.ALL_IDLE);
        assertThat(channel.inboundMessages()).hasSize(10);
        channel.finishAndReleaseAll();
    }

    @Test
    @DisplayName("a closed connection is forgotten, and its I/O thread's timer stops with the last one")
    void shouldStopTheTimerWithTheLastConnection()
    {
        final EmbeddedChannel channel = channel();
        pass(channel, 1);
        assertThat(channel.runScheduledPendingTasks()).isNotEqualTo(-1);
        channel.close();
        assertThat(channel.runScheduledPendingTasks()).isEqualTo(-1);
        pass(channel, 20);
        assertThat(events).isEmpty();
        channel.finishAndReleaseAll();
    }

    @Test
    @DisplayName("a write's void promise passes through the timers untouched")
    void shouldNotWatchWrites()
    {
        final List<ChannelPromise> seen = new ArrayList<>();
        final EmbeddedChannel channel = new EmbeddedChannel(new ChannelOutboundHandlerAdapter()
        {
            @Override
            public void write(final ChannelHandlerContext ctx, final Object msg, final ChannelPromise promise)
            {
                seen.add(promise);
                ctx.write(msg, promise);
            }
        }, new ConnectionTimers(quiet));

        final ChannelPromise voidPromise = channel.voidPromise();
        channel.writeAndFlush("stanza", voidPromise);

        assertThat(seen).containsExactly(voidPromise);
        final Object written = channel.readOutbound();
        assertThat(written).isEqualTo("stanza");
        channel.finishAndReleaseAll();
    }
}
