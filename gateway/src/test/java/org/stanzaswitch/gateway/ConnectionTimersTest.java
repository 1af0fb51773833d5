package org.stanzaswitch.gateway;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelOutboundHandlerAdapter;
import io.netty.channel.ChannelPromise;
import io.netty.channel.embedded.EmbeddedChannel;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The client timers watch reads only, so a stanza written with a void promise reaches the socket with that same
 * promise: no promise is made per write to learn when it completed.
 */
class ConnectionTimersTest
{
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
        }, new ConnectionTimers(TimeUnit.SECONDS.toNanos(300), TimeUnit.SECONDS.toNanos(30)));

        final ChannelPromise voidPromise = channel.voidPromise();
        channel.writeAndFlush("stanza", voidPromise);

        assertThat(seen).containsExactly(voidPromise);
        final Object written = channel.readOutbound();
        assertThat(written).isEqualTo("stanza");
        channel.finishAndReleaseAll();
    }
}
