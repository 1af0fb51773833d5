package org.stanzaswitch.gateway;

import io.netty.channel.IoHandlerFactory;
import io.netty.channel.ServerChannel;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioServerSocketChannel;

import java.util.Locale;

/**
 * The socket layer under the client listeners. Netty's native epoll transport makes fewer system calls and
 * less garbage per read and write than the JDK's NIO selector; NIO is the fallback off Linux.
 */
public enum Transport
{
    /** epoll on Linux when its native library loads, else NIO. The default. */
    AUTO,
    /** Native epoll or refuse to start. */
    EPOLL,
    /** The JDK's NIO selector. */
    NIO;

    /**
     * @param name auto, epoll or nio, as in configuration.
     * @return the transport named.
     */
    public static Transport of(final String name)
    {
        try
        {
            return valueOf(name.trim().toUpperCase(Locale.ROOT));
        }
        catch (final IllegalArgumentException ex)
        {
            throw new IllegalArgumentException("transport must be auto, epoll or nio, not " + name, ex);
        }
    }

    /**
     * @return EPOLL or NIO: what runs on this machine for this choice.
     * @throws IllegalStateException if epoll is required and does not load.
     */
    public Transport resolve()
    {
        return switch (this)
        {
            case AUTO -> Epoll.isAvailable() ? EPOLL : NIO;
            case EPOLL ->
            {
                if (!Epoll.isAvailable())
                {
                    throw new IllegalStateException("tuning.transport is epoll, but it does not load here",
                        Epoll.unavailabilityCause());
                }
                yield EPOLL;
            }
            case NIO -> NIO;
        };
    }

    /**
     * @return the I/O handlers of the event loops, for a resolved transport.
     */
    IoHandlerFactory ioHandlerFactory()
    {
        return this == EPOLL ? EpollIoHandler.newFactory() : NioIoHandler.newFactory();
    }

    /**
     * @return the listening channel's type, for a resolved transport.
     */
    Class<? extends ServerChannel> serverChannel()
    {
        return this == EPOLL ? EpollServerSocketChannel.class : NioServerSocketChannel.class;
    }
}
