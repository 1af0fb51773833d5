package org.stanzaswitch.gateway;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.DefaultEventLoop;
import io.netty.channel.EventLoop;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A BOSH session's hand-over of requests to its thread, where a stopping server meets a client still polling.
 */
class BoshSessionTest
{
    private static final String NS = "xmlns='http://jabber.org/protocol/httpbind'";

    @Test
    @DisplayName("a request for a session whose thread has ended is refused and its payload released, not leaked")
    void shouldReleaseARequestItsStoppedThreadCannotTake() throws Exception
    {
        final EventLoop loop = new DefaultEventLoop();
        loop.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
        assertThat(loop.awaitTermination(5, TimeUnit.SECONDS)).isTrue();
        final BoshSession session = new BoshSession(null, loop, "s", "localhost", 1024,
            BoshBody.read(bytes("<body rid='1' to='localhost' wait='5' hold='1' " + NS + "/>")), null, true);
        final ByteBuf request = bytes("<body rid='2' sid='s' " + NS + "><presence xmlns='jabber:client'/></body>");
        final BoshBody body = BoshBody.read(request);
        final ByteBuf payload = request.retainedSlice(body.payloadStart, body.payloadEnd - body.payloadStart);
        request.release();

        assertThat(session.submit(null, body, payload, true)).isFalse();
        assertThat(request.refCnt()).isZero();
    }

    private static ByteBuf bytes(final String text)
    {
        return Unpooled.copiedBuffer(text, StandardCharsets.UTF_8);
    }
}
