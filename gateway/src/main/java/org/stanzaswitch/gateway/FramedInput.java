package org.stanzaswitch.gateway;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import org.agrona.concurrent.UnsafeBuffer;
import org.stanzaswitch.codec.StreamFramer;

import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

/**
 * What a connection reads, fed to its framer in place (a view of Netty's buffer, no copy), with the back
 * pressure of ARCHITECTURE invariant 6: when the switch's ring refuses a stanza, the framer holds it, the socket
 * is not read, and the framer retries every millisecond until the router has made room. Owned by the
 * connection's I/O thread.
 */
final class FramedInput
{
    private final StreamFramer framer;
    private final UnsafeBuffer input = new UnsafeBuffer(new byte[0]);

    FramedInput(final StreamFramer framer)
    {
        this.framer = framer;
    }

    /**
     * @param channel the connection.
     * @param message what was read, a {@link ByteBuf}; released here.
     * @param closing whether the connection is closing: then what was read is dropped, and reading stays off.
     * @return the framer's status; {@link StreamFramer#CLOSED} if the connection was closing.
     */
    int read(final ChannelHandlerContext channel, final Object message, final BooleanSupplier closing)
    {
        final ByteBuf bytes = (ByteBuf)message;
        try
        {
            return closing.getAsBoolean() ? StreamFramer.CLOSED : decode(channel, bytes, closing);
        }
        finally
        {
            bytes.release();
        }
    }

    private int decode(final ChannelHandlerContext channel, final ByteBuf bytes, final BooleanSupplier closing)
    {
        if (bytes.hasArray())
        {
            input.wrap(bytes.array(), bytes.arrayOffset() + bytes.readerIndex(), bytes.readableBytes());
        }
        else if (bytes.hasMemoryAddress())
        {
            // Decrypted by OpenSSL into native memory: the framer copies what it keeps, nothing is allocated.
            input.wrap(bytes.memoryAddress() + bytes.readerIndex(), bytes.readableBytes());
        }
        else
        {
            input.wrap(bytes.nioBuffer());
        }
        final int status = framer.decode(input, 0, input.capacity());
        if (status == StreamFramer.BACK_PRESSURED)
        {
            channel.channel().config().setAutoRead(false);
            retryLater(channel, closing);
        }
        return status;
    }

    private void retryLater(final ChannelHandlerContext channel, final BooleanSupplier closing)
    {
        channel.executor().schedule(() ->
        {
            if (framer.resume() == StreamFramer.BACK_PRESSURED)
            {
                retryLater(channel, closing);
            }
            else if (!closing.getAsBoolean())
            {
                channel.channel().config().setAutoRead(true);
            }
        }, 1, TimeUnit.MILLISECONDS);
    }
}
