package org.stanzaswitch.gateway;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.QueryStringDecoder;

import java.net.SocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.logging.Logger;

/**
 * The BOSH endpoint, {@code /http-bind} on the web port (XEP-0124 §5, XEP-0206): POSTed bodies go to their
 * session, or make a new one; OPTIONS answers a browser's CORS preflight. Other requests pass on.
 */
final class BoshEndpoint extends ChannelInboundHandlerAdapter
{
    static final String PATH = "/http-bind";
    /** §5: the type of every body unless the client asked for another, which this endpoint does not offer. */
    static final String CONTENT_TYPE = "text/xml; charset=utf-8";
    private static final Logger LOG = Logger.getLogger(BoshEndpoint.class.getName());
    private static final byte[] UNKNOWN_SESSION = ("<body xmlns='" + BoshBody.NS +
        "' type='terminate' condition='item-not-found'/>").getBytes(StandardCharsets.US_ASCII);
    private static final byte[] HOST_UNKNOWN = ("<body xmlns='" + BoshBody.NS +
        "' type='terminate' condition='host-unknown'/>").getBytes(StandardCharsets.US_ASCII);

    private final BoshSessions sessions;
    private final String domain;
    private final boolean behindProxy;

    /**
     * @param behindProxy whether the client's address comes from the trusted proxy's {@code X-Forwarded-For}.
     */
    BoshEndpoint(final BoshSessions sessions, final String domain, final boolean behindProxy)
    {
        this.sessions = sessions;
        this.domain = domain;
        this.behindProxy = behindProxy;
    }

    @Override
    public void channelRead(final ChannelHandlerContext ctx, final Object message)
    {
        if (!(message instanceof FullHttpRequest request) || !new QueryStringDecoder(request.uri()).path().equals(PATH))
        {
            ctx.fireChannelRead(message);
            return;
        }
        try
        {
            final boolean keepAlive = HttpUtil.isKeepAlive(request);
            if (request.method().equals(HttpMethod.OPTIONS))
            {
                respond(ctx, keepAlive, HttpResponseStatus.OK, null);
            }
            else if (!request.method().equals(HttpMethod.POST))
            {
                respond(ctx, keepAlive, HttpResponseStatus.METHOD_NOT_ALLOWED, null);
            }
            else
            {
                onBody(ctx, request, keepAlive);
            }
        }
        finally
        {
            request.release();
        }
    }

    private void onBody(final ChannelHandlerContext ctx, final FullHttpRequest request, final boolean keepAlive)
    {
        final BoshBody body = BoshBody.read(request.content());
        if (body == null)
        {
            // §19.1: not a body this binding can read.
            LOG.info(() -> "BOSH request from " + ctx.channel().remoteAddress() + " is not a body with a rid");
            respond(ctx, false, HttpResponseStatus.BAD_REQUEST, null);
        }
        else if (body.sid == null)
        {
            if (domain.equals(body.to))
            {
                final SocketAddress client = behindProxy ?
                    ForwardedFor.clientAddress(request.headers(), ctx.channel().remoteAddress()) :
                    ctx.channel().remoteAddress();
                sessions.create(ctx, body, keepAlive, client);
            }
            else
            {
                respond(ctx, keepAlive, HttpResponseStatus.OK, HOST_UNKNOWN);
            }
        }
        else if (!sessions.submit(ctx, body,
            request.content().retainedSlice(body.payloadStart, body.payloadEnd - body.payloadStart), keepAlive))
        {
            // §19.3: no such session, or no longer.
            respond(ctx, keepAlive, HttpResponseStatus.OK, UNKNOWN_SESSION);
        }
    }

    private static void respond(
        final ChannelHandlerContext ctx, final boolean keepAlive, final HttpResponseStatus status, final byte[] body)
    {
        final FullHttpResponse response = WebResponses.response(status, body == null ? null : CONTENT_TYPE, body);
        response.headers()
            .set(HttpHeaderNames.ACCESS_CONTROL_ALLOW_METHODS, "POST, OPTIONS")
            .set(HttpHeaderNames.ACCESS_CONTROL_ALLOW_HEADERS, "Content-Type")
            .set(HttpHeaderNames.ACCESS_CONTROL_MAX_AGE, "86400");
        WebResponses.send(ctx, response, keepAlive);
    }
}
