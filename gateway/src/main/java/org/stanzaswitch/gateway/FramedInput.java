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
 * is not read, and the framer retries every millisecond until the router has made room. A client over its read
 * rate ({@link ReadRate}) is not read either until its budget allows. Owned by the connection's I/O thread.
 */
final class FramedInput
{
    private final StreamFramer framer;
    private final ReadRate rate;
    private final UnsafeBuffer input = new UnsafeBuffer(new byte[0]);
    private boolean backPressured;
    private boolean overRate;

    /**
     * @param rate the client's read budget, or null for none.
     */
    FramedInput(final StreamFramer framer, final ReadRate rate)
    {
        this.framer = framer;
        this.rate = rate;
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
        final int length = input.capacity();
        final int status = framer.decode(input, 0, length);
        if (status == StreamFramer.BACK_PRESSURED)
        {
            backPressured = true;
            channel.channel().config().setAutoRead(false);
            retryLater(channel, closing);
        }
        final long wait = rate == null ? 0 : rate.spend(length, System.nanoTime());
        if (wait > 0 && !overRate)
        {
            overRate = true;
            channel.channel().config().setAutoRead(false);
            channel.executor().schedule(() ->
            {
                overRate = false;
                readAgainIfFree(channel, closing);
            }, wait, TimeUnit.NANOSECONDS);
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
            else
            {
                backPressured = false;
                readAgainIfFree(channel, closing);
            }
        }, 1, TimeUnit.MILLISECONDS);
    }

    private void readAgainIfFree(final ChannelHandlerContext channel, final BooleanSupplier closing)
    {
        if (!backPressured && !overRate && !closing.getAsBoolean())
        {
            channel.channel().config().setAutoRead(true);
        }
    }
}
