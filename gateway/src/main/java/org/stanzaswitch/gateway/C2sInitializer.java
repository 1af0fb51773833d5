package org.stanzaswitch.gateway;

import io.netty.channel.ChannelInitializer;
import io.netty.channel.socket.SocketChannel;

/**
 * The pipeline of a client connection: TLS from the first byte on the direct TLS port (XEP-0368), the idle
 * timers (silence closes the connection; a shorter quiet trims its read buffers), and the connection's stream
 * state machine.
 * STARTTLS adds TLS later on the other port.
 */
final class C2sInitializer extends ChannelInitializer<SocketChannel>
{
    private final C2sContext context;
    private final boolean directTls;

    C2sInitializer(final C2sContext context, final boolean directTls)
    {
        this.context = context;
        this.directTls = directTls;
    }

    @Override
    protected void initChannel(final SocketChannel channel)
    {
        if (directTls)
        {
            channel.pipeline().addLast("tls", context.tls().newHandler(channel.alloc()));
        }
        channel.pipeline()
            .addLast("idle", new ConnectionTimers(context.quietConnections()))
            .addLast("c2s", new C2sConnection(context, directTls));
    }
}
