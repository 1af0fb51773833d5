package org.stanzaswitch.gateway.tls;

import io.netty.buffer.ByteBufAllocator;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslHandler;
import io.netty.util.ReferenceCountUtil;

/**
 * Makes the TLS handlers of client connections from one server context, and frees the context's native state
 * (OpenSSL's) when the server closes.
 */
public final class TlsSupport implements AutoCloseable
{
    private final SslContext context;

    public TlsSupport(final SslContext context)
    {
        this.context = context;
    }

    /**
     * @param allocator the connection's allocator.
     * @return a handler for the server side of a new TLS session.
     */
    public SslHandler newHandler(final ByteBufAllocator allocator)
    {
        return context.newHandler(allocator);
    }

    @Override
    public void close()
    {
        ReferenceCountUtil.release(context);
    }
}
