package org.stanzaswitch.gateway;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.QueryStringDecoder;

import java.nio.charset.StandardCharsets;
import java.util.regex.Pattern;

/**
 * The HTTP requests on the web port that are neither a WebSocket handshake nor BOSH: XEP-0156 §3's host-meta, in XRD
 * and JRD, naming this port's WebSocket and BOSH endpoints (with §4's CORS header, so that web clients on other
 * origins can read it), and 404 for anything else.
 */
final class HostMetaResponder extends ChannelInboundHandlerAdapter
{
    static final String WEBSOCKET_PATH = "/xmpp-websocket";
    private static final String WEBSOCKET_RELATION = "urn:xmpp:alt-connections:websocket";
    private static final String BOSH_RELATION = "urn:xmpp:alt-connections:xbosh";
    /** A host and port as a client may name them; anything else is not echoed back. */
    private static final Pattern HOST =
        Pattern.compile("[A-Za-z0-9.\\-]+(:[0-9]{1,5})?|\\[[0-9A-Fa-f:.]+](:[0-9]{1,5})?");

    private final String fallbackHost;

    /**
     * @param fallbackHost the domain and port, for a request without a usable Host header.
     */
    HostMetaResponder(final String fallbackHost)
    {
        this.fallbackHost = fallbackHost;
    }

    @Override
    public void channelRead(final ChannelHandlerContext ctx, final Object message)
    {
        if (!(message instanceof FullHttpRequest request))
        {
            ctx.fireChannelRead(message);
            return;
        }
        try
        {
            final String path = new QueryStringDecoder(request.uri()).path();
            final boolean get = request.method().equals(HttpMethod.GET) || request.method().equals(HttpMethod.HEAD);
            final FullHttpResponse response;
            if (get && path.equals("/.well-known/host-meta"))
            {
                final String host = host(request);
                response = respond(request, "application/xrd+xml; charset=utf-8",
                    "<?xml version='1.0' encoding='utf-8'?>\n<XRD xmlns='http://docs.oasis-open.org/ns/xri/xrd-1.0'>" +
                    "\n  <Link rel='" + WEBSOCKET_RELATION + "' href='wss://" + host + WEBSOCKET_PATH + "'/>" +
                    "\n  <Link rel='" + BOSH_RELATION + "' href='https://" + host + BoshEndpoint.PATH + "'/>" +
                    "\n</XRD>\n");
            }
            else if (get && path.equals("/.well-known/host-meta.json"))
            {
                final String host = host(request);
                response = respond(request, "application/json", "{\"links\":[{\"rel\":\"" + WEBSOCKET_RELATION +
                    "\",\"href\":\"wss://" + host + WEBSOCKET_PATH + "\"},{\"rel\":\"" + BOSH_RELATION +
                    "\",\"href\":\"https://" + host + BoshEndpoint.PATH + "\"}]}\n");
            }
            else
            {
                response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.NOT_FOUND);
                HttpUtil.setContentLength(response, 0);
            }
            WebResponses.send(ctx, response, HttpUtil.isKeepAlive(request));
        }
        finally
        {
            request.release();
        }
    }

    private String host(final FullHttpRequest request)
    {
        final String host = request.headers().get(HttpHeaderNames.HOST);
        return host != null && HOST.matcher(host).matches() ? host : fallbackHost;
    }

    private static FullHttpResponse respond(final FullHttpRequest request, final String type, final String body)
    {
        final byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        final FullHttpResponse response = WebResponses.response(HttpResponseStatus.OK, type,
            request.method().equals(HttpMethod.HEAD) ? null : bytes);
        response.headers().set("X-Content-Type-Options", "nosniff");
        // HEAD: the length of the body a GET would have.
        HttpUtil.setContentLength(response, bytes.length);
        return response;
    }
}
