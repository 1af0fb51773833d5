package org.stanzaswitch.gateway;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.EventLoop;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.util.concurrent.ScheduledFuture;
import org.stanzaswitch.codec.Bytes;
import org.stanzaswitch.codec.XmppNamespaces;

import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.logging.Logger;

/**
 * One BOSH session (XEP-0124, XEP-0206): the HTTP requests of one client, in 'rid' order, turned into the XML
 * stream that {@link C2sConnection} reads, over an in-VM channel to it, and the stream it writes back, cut into
 * elements ({@link StreamElements}) and handed out in the bodies of the requests held for it. Runs on the event loop
 * of that in-VM channel; requests arrive through {@link #submit}.
 */
final class BoshSession extends ChannelInboundHandlerAdapter implements StreamElements.Sink
{
    static final int MAX_WAIT_SECONDS = 60;
    private static final Logger LOG = Logger.getLogger(BoshSession.class.getName());
    static final int INACTIVITY_SECONDS = 60;
    private static final int CLOSE_GRACE_SECONDS = 5;
    private static final byte[] BODY_START = Bytes.ascii("<body xmlns='" + BoshBody.NS + "' xmlns:stream='" +
        XmppNamespaces.STREAMS + "'");
    private static final byte[] BODY_END = Bytes.ascii("</body>");
    private static final byte[] STREAM_ERROR = Bytes.ascii("<stream:error");
    private static final byte[] ID = Bytes.ascii("id");
    private static final byte[] KEEPALIVE = Bytes.ascii(" ");

    /** A request held until there is something to answer it with. */
    private static final class Request
    {
        final ChannelHandlerContext http;
        final long rid;
        final boolean keepAlive;
        ScheduledFuture<?> timeout;

        Request(final ChannelHandlerContext http, final long rid, final boolean keepAlive)
        {
            this.http = http;
            this.rid = rid;
            this.keepAlive = keepAlive;
        }
    }

    /** A request that arrived before one with a lower rid (§14.2). */
    private record Early(Request request, BoshBody body, ByteBuf payload)
    {
    }

    private final BoshSessions sessions;
    private final EventLoop loop;
    private final String sid;
    private final String domain;
    private final int wait;
    private final int hold;
    private final int requests;
    private final int maxPending;
    private final StreamElements elements = new StreamElements();
    private final ArrayDeque<Request> held = new ArrayDeque<>();
    private final TreeMap<Long, Early> early = new TreeMap<>();
    private final Map<Long, byte[]> answered;
    private final BoshBody creation;
    private ChannelHandlerContext stream;
    private ByteBuf payload;
    private long nextRid;
    private boolean creationAnswered;
    private String streamId = "";
    private boolean ended;
    private String endCondition;
    private boolean terminated;
    /** The terminating body's attributes, kept with what is left of the stream when no request was held at its end. */
    private String lastWords;
    private ScheduledFuture<?> inactivity;

    /**
     * @param creation the session creation request (§7.1), answered once the stream's features are there.
     */
    BoshSession(
        final BoshSessions sessions, final EventLoop loop, final String sid, final String domain, final int maxPending,
        final BoshBody creation, final ChannelHandlerContext http, final boolean keepAlive)
    {
        this.sessions = sessions;
        this.loop = loop;
        this.maxPending = maxPending;
        this.sid = sid;
        this.domain = domain;
        this.creation = creation;
        // §7.2: no longer than the client asked, and at most one request held unless it asked for none (polling).
        this.wait = Math.max(0, Math.min(creation.wait < 0 ? MAX_WAIT_SECONDS : creation.wait, MAX_WAIT_SECONDS));
        this.hold = creation.hold == 0 ? 0 : 1;
        this.requests = hold + 1;
        this.answered = new LinkedHashMap<>(4, 0.75f, false)
        {
            private static final long serialVersionUID = 1L;

            @Override
            protected boolean removeEldestEntry(final Map.Entry<Long, byte[]> eldest)
            {
                return size() > requests;
            }
        };
        this.nextRid = creation.rid + 1;
        this.held.add(new Request(http, creation.rid, keepAlive));
    }

    @Override
    public void channelActive(final ChannelHandlerContext ctx)
    {
        stream = ctx;
        openStream(creation);
        startWaiting();
    }

    /**
     * A request for this session, from any HTTP connection's thread.
     *
     * @param payload the body's content, retained for the session, which releases it.
     * @return whether the session took the request; false once the server is stopping and the session's thread has
     *         ended, the payload then released here.
     */
    boolean submit(
        final ChannelHandlerContext http, final BoshBody body, final ByteBuf payload, final boolean keepAlive)
    {
        try
        {
            loop.execute(() -> onRequest(new Request(http, body.rid, keepAlive), body, payload));
            return true;
        }
        catch (final RejectedExecutionException ex)
        {
            // The sessions' threads stop before the HTTP connections' (StanzaSwitchServer closes in reverse order of
            // start), so a request can still arrive for a session whose thread is gone.
            payload.release();
            return false;
        }
    }

    private void onRequest(final Request request, final BoshBody body, final ByteBuf payload)
    {
        if (terminated || stream == null)
        {
            payload.release();
            if (lastWords != null)
            {
                // The stream ended while no request was held: its last elements answer this one.
                answer(request, lastWords, true);
                forgetLastWords();
            }
            else
            {
                answer(request, " type='terminate' condition='item-not-found'", false);
            }
            return;
        }
        cancelInactivity();
        if (body.rid < nextRid)
        {
            payload.release();
            repeated(request);
            return;
        }
        if (body.rid >= nextRid + requests || early.size() >= requests)
        {
            // §14.2: a rid beyond the window ends the session, as one too small does (§14.3).
            payload.release();
            answer(request, " type='terminate' condition='item-not-found'", false);
            terminate(null);
            return;
        }
        early.put(body.rid, new Early(request, body, payload));
        Early next;
        while (!terminated && (next = early.remove(nextRid)) != null)
        {
            nextRid++;
            forward(next);
        }
    }

    /**
     * §14.3: a request sent again answers with the response it had, or takes the place of the one still held.
     */
    private void repeated(final Request request)
    {
        final byte[] previous = answered.get(request.rid);
        if (previous != null)
        {
            send(request, previous);
            return;
        }
        for (final Request waiting : held)
        {
            if (waiting.rid == request.rid)
            {
                waiting.timeout.cancel(false);
                answer(waiting, " type='error'", false);
                held.remove(waiting);
                hold(request);
                return;
            }
        }
        answer(request, " type='terminate' condition='item-not-found'", false);
        terminate(null);
    }

    private void forward(final Early next)
    {
        final BoshBody body = next.body();
        if (body.restart)
        {
            // XEP-0206 §5: a new stream; a payload in the restart request is ignored.
            next.payload().release();
            openStream(body);
        }
        else if (next.payload().isReadable())
        {
            stream.writeAndFlush(next.payload());
        }
        else
        {
            // An empty poll is the client's keep-alive: the connection's idle timer sees it as one.
            next.payload().release();
            stream.writeAndFlush(Unpooled.wrappedBuffer(KEEPALIVE));
        }
        if (body.terminate)
        {
            // §13: the payload (usually unavailable presence) goes first, then the stream's end, after which the
            // connection closes the stream's channel itself, once it has read everything before it.
            stream.writeAndFlush(Unpooled.wrappedBuffer(StreamElements.STREAM_END));
            while (!held.isEmpty())
            {
                answerOldest();
            }
            answer(next.request(), " type='terminate'", false);
            terminated = true;
            cancelInactivity();
            sessions.remove(sid);
            loop.schedule(() -> stream.close(), CLOSE_GRACE_SECONDS, TimeUnit.SECONDS);
            return;
        }
        hold(next.request());
    }

    private void openStream(final BoshBody body)
    {
        final ByteBuf header = StreamElements.headerStart(stream.alloc(), body.headerAttributes.length() + 16);
        header.writeCharSequence(body.headerAttributes, StandardCharsets.UTF_8);
        header.writeCharSequence(" version='1.0'>", StandardCharsets.US_ASCII);
        stream.writeAndFlush(header);
    }

    private void hold(final Request request)
    {
        held.add(request);
        startWaiting();
        while (held.size() > hold && held.size() > 1)
        {
            answerOldest();
        }
        answerIfReady();
    }

    private void startWaiting()
    {
        final Request request = held.peekLast();
        request.timeout = stream.executor().schedule(() ->
        {
            if (held.remove(request))
            {
                answer(request, "", true);
                scheduleInactivityIfIdle();
            }
        }, wait, TimeUnit.SECONDS);
        if (hold == 0 && creationAnswered)
        {
            // A polling session: every request is answered at once.
            answerOldest();
        }
    }

    @Override
    public void channelRead(final ChannelHandlerContext ctx, final Object message)
    {
        elements.write(ctx.alloc(), (ByteBuf)message, this);
        answerIfReady();
    }

    @Override
    public void header(final TagAttributes header)
    {
        while (header.next())
        {
            if (header.nameIs(ID))
            {
                streamId = header.bytes().toString(header.valueStart, header.valueEnd - header.valueStart,
                    StandardCharsets.UTF_8);
            }
        }
    }

    @Override
    public void element(final ByteBuf element)
    {
        if (terminated)
        {
            // Ended by the client or cut off: nobody will ask for the rest.
            element.release();
            return;
        }
        if (StreamElements.startsWith(element, element.readerIndex(), element.writerIndex(), STREAM_ERROR))
        {
            // XEP-0206 §7: the stream error goes to the client inside a terminating body.
            endCondition = "remote-stream-error";
        }
        if (payload == null)
        {
            payload = stream.alloc().heapBuffer(element.readableBytes());
        }
        payload.writeBytes(element);
        element.release();
        if (payload.readableBytes() > maxPending)
        {
            // ARCHITECTURE invariant 6, as for a TCP client that does not read: cut off rather than buffered for.
            LOG.info(() -> "BOSH session " + sid + " does not ask for what waits for it: ended");
            payload.release();
            payload = null;
            terminate("policy-violation");
        }
    }

    @Override
    public void end()
    {
        ended = true;
    }

    @Override
    public void channelInactive(final ChannelHandlerContext ctx)
    {
        ended = true;
        answerIfReady();
        terminate(endCondition);
        elements.release();
        if (lastWords == null && payload != null)
        {
            payload.release();
            payload = null;
        }
        for (final Early waiting : early.values())
        {
            waiting.payload().release();
        }
        early.clear();
        ctx.fireChannelInactive();
    }

    private void answerIfReady()
    {
        if ((payload != null || ended) && !held.isEmpty())
        {
            answerOldest();
        }
    }

    private void answerOldest()
    {
        final Request request = held.poll();
        request.timeout.cancel(false);
        final String attributes = ended && held.isEmpty() ?
            " type='terminate'" + (endCondition == null ? "" : " condition='" + endCondition + "'") : "";
        answer(request, attributes, true);
        scheduleInactivityIfIdle();
    }

    /**
     * @param attributes added to the body, as written.
     * @param withPayload whether what waits for the client goes with this answer.
     */
    private void answer(final Request request, final String attributes, final boolean withPayload)
    {
        final StringBuilder extra = new StringBuilder(attributes);
        if (!creationAnswered && request.rid == creation.rid)
        {
            // §7.2, XEP-0206 §3: the session's parameters, once.
            creationAnswered = true;
            extra.append(" sid='").append(sid).append("' wait='").append(wait).append("' requests='")
                .append(requests).append("' hold='").append(hold).append("' inactivity='").append(INACTIVITY_SECONDS)
                .append("' ver='").append(creation.version).append("' from='").append(domain)
                .append("' authid='").append(streamId)
                .append("' xmlns:xmpp='urn:xmpp:xbosh' xmpp:version='1.0' xmpp:restartlogic='true'");
        }
        final ByteBuf out = Unpooled.buffer();
        out.writeBytes(BODY_START).writeCharSequence(extra, StandardCharsets.UTF_8);
        if (withPayload && payload != null)
        {
            out.writeByte('>').writeBytes(payload).writeBytes(BODY_END);
            payload.release();
            payload = null;
        }
        else
        {
            out.writeByte('/').writeByte('>');
        }
        final byte[] body = new byte[out.readableBytes()];
        out.readBytes(body);
        if (withPayload)
        {
            answered.put(request.rid, body);
        }
        send(request, body);
    }

    private void send(final Request request, final byte[] body)
    {
        final FullHttpResponse response =
            WebResponses.response(HttpResponseStatus.OK, BoshEndpoint.CONTENT_TYPE, body);
        response.headers().set(HttpHeaderNames.CACHE_CONTROL, "no-store");
        WebResponses.send(request.http, response, request.keepAlive);
    }

    private void scheduleInactivityIfIdle()
    {
        if (held.isEmpty() && !terminated && inactivity == null)
        {
            // §10: no request for this long, and the client is gone.
            inactivity = stream.executor().schedule(() -> terminate(null), INACTIVITY_SECONDS, TimeUnit.SECONDS);
        }
    }

    private void forgetLastWords()
    {
        sessions.remove(sid);
        lastWords = null;
        if (payload != null)
        {
            payload.release();
            payload = null;
        }
    }

    private void cancelInactivity()
    {
        if (inactivity != null)
        {
            inactivity.cancel(false);
            inactivity = null;
        }
    }

    /**
     * Ends the session: the requests still held are answered, the stream's connection closed (its session ends as a
     * TCP client's does when the socket closes).
     *
     * @param condition the terminal condition for the held requests, or null.
     */
    private void terminate(final String condition)
    {
        if (terminated)
        {
            return;
        }
        terminated = true;
        cancelInactivity();
        final String attributes = " type='terminate'" + (condition == null ? "" : " condition='" + condition + "'");
        if (held.isEmpty() && (payload != null || condition != null))
        {
            // Kept for the client's next request, for as long as it may take to send one.
            lastWords = attributes;
            loop.schedule(this::forgetLastWords, INACTIVITY_SECONDS, TimeUnit.SECONDS);
        }
        else
        {
            sessions.remove(sid);
        }
        for (final Iterator<Request> waiting = held.iterator(); waiting.hasNext(); )
        {
            final Request request = waiting.next();
            waiting.remove();
            request.timeout.cancel(false);
            answer(request, attributes, true);
        }
        stream.close();
    }
}
