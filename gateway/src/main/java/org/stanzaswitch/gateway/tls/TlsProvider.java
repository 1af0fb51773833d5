package org.stanzaswitch.gateway.tls;

import io.netty.handler.ssl.OpenSsl;
import io.netty.handler.ssl.SslProvider;

import java.util.Locale;

/**
 * Which TLS implementation terminates client connections. BoringSSL (netty-tcnative) does a handshake for a
 * fraction of the JDK's CPU and keeps its per-session state off the Java heap; the JDK's engine is the
 * fallback where the native library cannot load (another OS or CPU).
 */
public enum TlsProvider
{
    /** OpenSSL (BoringSSL) when its native library loads here, else the JDK. The default. */
    AUTO,
    /** OpenSSL (BoringSSL) or refuse to start. */
    OPENSSL,
    /** The JDK's SSLEngine. */
    JDK;

    /**
     * @param name auto, openssl or jdk, as in configuration.
     * @return the provider named.
     */
    public static TlsProvider of(final String name)
    {
        try
        {
            return valueOf(name.trim().toUpperCase(Locale.ROOT));
        }
        catch (final IllegalArgumentException ex)
        {
            throw new IllegalArgumentException("TLS provider must be auto, openssl or jdk, not " + name, ex);
        }
    }

    /**
     * The OpenSSL choice is Netty's reference-counted engine: the handler frees a session's native state when the
     * connection closes, instead of a finalizer some collection later (5,000 closed sessions waiting for it held
     * ~50 MB here).
     *
     * @return Netty's provider for this choice on this machine.
     * @throws IllegalStateException if OpenSSL is required and its library does not load.
     */
    public SslProvider resolve()
    {
        return switch (this)
        {
            case AUTO -> OpenSsl.isAvailable() ? SslProvider.OPENSSL_REFCNT : SslProvider.JDK;
            case OPENSSL ->
            {
                if (!OpenSsl.isAvailable())
                {
                    throw new IllegalStateException("tls.provider is openssl, but netty-tcnative does not load here",
                        OpenSsl.unavailabilityCause());
                }
                yield SslProvider.OPENSSL_REFCNT;
            }
            case JDK -> SslProvider.JDK;
        };
    }
}
