package org.stanzaswitch.gateway;

import io.netty.handler.codec.http.HttpHeaders;
import io.netty.util.NetUtil;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;

/**
 * The client's address behind the reverse proxy that {@code web.behind_proxy} trusts: the last entry of
 * {@code X-Forwarded-For}, the one that proxy added (entries before it are whatever the client claimed). Without it,
 * every web client would share the proxy's address, and one guesser would lock them all out of the authentication
 * throttle.
 */
final class ForwardedFor
{
    private static final String HEADER = "X-Forwarded-For";

    private ForwardedFor()
    {
    }

    /**
     * @param connected the address the connection came from: the proxy's.
     * @return the client's address as the proxy saw it, or {@code connected} if the request names none usable.
     */
    static SocketAddress clientAddress(final HttpHeaders headers, final SocketAddress connected)
    {
        final String forwarded = headers.get(HEADER);
        if (forwarded == null)
        {
            return connected;
        }
        final String last = forwarded.substring(forwarded.lastIndexOf(',') + 1).trim();
        final InetAddress address = NetUtil.createInetAddressFromIpAddressString(last);
        return address == null ? connected : new InetSocketAddress(address, 0);
    }
}
