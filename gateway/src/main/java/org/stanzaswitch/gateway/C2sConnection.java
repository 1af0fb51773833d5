package org.stanzaswitch.gateway;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.ssl.SslHandler;
import io.netty.handler.timeout.IdleState;
import io.netty.handler.timeout.IdleStateEvent;
import io.netty.util.AttributeKey;
import io.netty.util.concurrent.ScheduledFuture;
import org.agrona.DirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;
import org.stanzaswitch.codec.Bytes;
import org.stanzaswitch.codec.ElementFlyweight;
import org.stanzaswitch.codec.Jid;
import org.stanzaswitch.codec.StanzaErrorCondition;
import org.stanzaswitch.codec.StanzaKind;
import org.stanzaswitch.codec.StanzaSplicer;
import org.stanzaswitch.codec.StartTagFlyweight;
import org.stanzaswitch.codec.StreamErrorCondition;
import org.stanzaswitch.codec.StreamFramer;
import org.stanzaswitch.codec.StreamHeaderFlyweight;
import org.stanzaswitch.codec.StreamListener;
import org.stanzaswitch.codec.XmppNamespaces;
import org.stanzaswitch.journal.EventRecord;
import org.stanzaswitch.switching.Session;
import org.stanzaswitch.switching.Session.UnacknowledgedHandler;

import java.net.SocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * One client-to-server connection: the stream state machine of RFC 6120 (stream header checks, STARTTLS,
 * SASL, restarts, resource binding, stream errors and timeouts) on the connection's I/O thread, and, once
 * bound, the {@link Session} the router delivers to. Stanzas get their {@code from} stamped by splicing and go
 * to the switch's ring; nothing else of them is parsed here.
 */
final class C2sConnection extends ChannelInboundHandlerAdapter implements StreamListener, Session
{
    /**
     * The client's address where the channel's own is not it: a BOSH session's in-VM channel. The authentication
     * throttle and the connection events must see the HTTP client.
     */
    static final AttributeKey<SocketAddress> CLIENT_ADDRESS = AttributeKey.valueOf("stanzaswitch.client.address");
    private static final Logger LOG = Logger.getLogger(C2sConnection.class.getName());
    private static final byte[] TLS_NS = Bytes.ascii("urn:ietf:params:xml:ns:xmpp-tls");
    private static final byte[] SASL_NS = Bytes.ascii("urn:ietf:params:xml:ns:xmpp-sasl");
    private static final byte[] CLIENT_NS = Bytes.ascii(XmppNamespaces.CLIENT);
    private static final byte[] STARTTLS = Bytes.ascii("starttls");
    private static final byte[] VERSION_1 = Bytes.ascii("1.");
    private static final long ACCOUNT_CANCELLED_GRACE_MS = 200;
    private static final byte[] CSI_NS = Bytes.ascii("urn:xmpp:csi:0");
    private static final byte[] ACTIVE = Bytes.ascii("active");
    private static final byte[] INACTIVE = Bytes.ascii("inactive");

    private final C2sContext context;
    private final StreamFramer framer;
    // Over once authenticated: an idle connection does not keep it.
    private SaslNegotiation sasl;
    private final StreamManagement streamManagement = new StreamManagement();
    private final InBandRegistration registration;
    private final FramedInput input;
    private final BooleanSupplier isClosing = () -> this.closing;
    private ChannelHandlerContext channel;
    private ScheduledFuture<?> deadline;
    private boolean tlsActive;
    private boolean headerSent;
    /** RFC 6120 §4.7.4: the language the client's stream declared, for its stanzas that declare none. */
    private byte[] languageAttribute;
    private String username;
    private volatile Jid jid;
    private boolean bound;
    private boolean closedByClient;
    /** XEP-0077 §3.2: the client cancelled its account; its stream ends after the answer, not before. */
    private boolean cancelledInBand;
    /** XEP-0198: set by the router thread when the stream can be resumed; read when the connection drops. */
    private volatile String resumptionId;
    /** XEP-0198: owned by the router thread, like everything delivered. */
    private OutboundQueue outbound;
    /** XEP-0352: owned by the router thread; made when the client first goes inactive, most never do. */
    private ClientStateFilter clientState;
    private final UnacknowledgedHandler deliverNow = this::deliverNow;
    private boolean closing;
    private boolean saslPending;
    /** RFC 6120 §7.7.2.2: the bind result and the conflict error, while the router decides between them. */
    private ByteBuf bindReply;
    private ByteBuf bindConflict;
    private String closeReason = "connection closed";

    C2sConnection(final C2sContext context, final boolean directTls)
    {
        this.context = context;
        this.framer = new StreamFramer(context.server().decoderLimits(), this);
        this.input = new FramedInput(framer,
            ReadRate.of(context.server().c2sRate(), context.server().c2sBurst(), System.nanoTime()));
        this.sasl = new SaslNegotiation(context);
        this.registration = new InBandRegistration(context);
        this.tlsActive = directTls;
    }

    @Override
    public void channelActive(final ChannelHandlerContext ctx)
    {
        channel = ctx;
        sasl.attach(clientAddress(ctx.channel()), ctx.executor(), this::onSaslOutcomeLater);
        event(EventRecord.Kind.CONNECTED, null, null);
        deadline = ctx.executor().schedule(
            () -> timeout("no stream header"), context.server().headerTimeoutNs(), TimeUnit.NANOSECONDS);
        ctx.fireChannelActive();
    }

    @Override
    public void channelRead(final ChannelHandlerContext ctx, final Object message)
    {
        if (input.read(ctx, message, isClosing) == StreamFramer.OK && !bound && framer.pendingBytes() == 0)
        {
            framer.releaseIdleBuffers();
        }
    }

    @Override
    public void userEventTriggered(final ChannelHandlerContext ctx, final Object event)
    {
        if (event instanceof IdleStateEvent idle)
        {
            if (idle.state() == IdleState.ALL_IDLE)
            {
                trimBuffers();
            }
            else
            {
                timeout("idle");
            }
        }
        ctx.fireUserEventTriggered(event);
    }

    @Override
    public void channelInactive(final ChannelHandlerContext ctx)
    {
        closing = true;
        cancelDeadline();
        if (bound)
        {
            bound = false;
            if (resumptionId != null && !closedByClient)
            {
                // XEP-0198 §5: the client may come back for this session; the switch keeps it a while.
                context.stanzaSwitch().sessionDetached(this);
            }
            else
            {
                context.stanzaSwitch().sessionClosed(this);
            }
        }
        event(EventRecord.Kind.DISCONNECTED, jid != null ? jid.toString() : username, closeReason);
        ctx.fireChannelInactive();
    }

    @Override
    public void exceptionCaught(final ChannelHandlerContext ctx, final Throwable cause)
    {
        // A socket that fails is the network's business; anything else is a bug, and must be seen.
        LOG.log(cause instanceof java.io.IOException ? Level.FINE : Level.WARNING,
            "connection error from " + clientAddress(ctx.channel()), cause);
        ctx.close();
    }

    @Override
    public void onStreamOpen(final StreamHeaderFlyweight header)
    {
        final int xmlns = header.defaultNamespaceIndex();
        final int to = header.toIndex();
        final String declared =
            header.langIndex() == StartTagFlyweight.MISSING ? null : attribute(header, header.langIndex());
        languageAttribute = declared == null ? null : StanzaSplicer.languageAttribute(declared);
        // §4.7.4: the response header names the stream's language: the client's if it is a language tag, else ours.
        final String lang = languageAttribute == null ? "en" : declared;
        // Every way on from here sends something more (features or a stream error): the header goes out with it,
        // in one segment (and one TLS record) instead of two.
        sendWithNext(context.writer().header(context.newStreamId(), context.server().domain(), lang));
        headerSent = true;
        if (xmlns == StartTagFlyweight.MISSING || !header.attributeValueEquals(xmlns, CLIENT_NS))
        {
            streamError(StreamErrorCondition.INVALID_NAMESPACE, "content namespace is not jabber:client");
            return;
        }
        if (to == StartTagFlyweight.MISSING || !context.server().domain().equals(attribute(header, to)))
        {
            streamError(StreamErrorCondition.HOST_UNKNOWN, "stream to a domain not served");
            return;
        }
        final int version = header.versionIndex();
        if (version == StartTagFlyweight.MISSING || header.attributeValueLength(version) < 3 ||
            !Bytes.equals(header.buffer(), header.attributeValueOffset(version), 2, VERSION_1))
        {
            streamError(StreamErrorCondition.UNSUPPORTED_VERSION, "stream version is not 1.x");
            return;
        }
        if (username == null && deadline != null)
        {
            cancelDeadline();
            deadline = channel.executor().schedule(
                () -> timeout("not authenticated"), context.server().authTimeoutNs(), TimeUnit.NANOSECONDS);
        }
        if (username != null)
        {
            send(context.writer().bindFeatures());
            return;
        }
        final boolean mayAuthenticate = tlsActive || !context.server().tlsRequired();
        send(context.writer().features(!tlsActive, context.server().tlsRequired(),
            mayAuthenticate ? sasl.offeredMechanisms(tlsActive) : null,
            mayAuthenticate && context.server().registrationOpen()));
    }

    private static String attribute(final StartTagFlyweight tag, final int index)
    {
        return tag.buffer().getStringWithoutLengthUtf8(tag.attributeValueOffset(index),
            tag.attributeValueLength(index));
    }

    @Override
    public boolean onElement(final ElementFlyweight element)
    {
        if (closing)
        {
            return true;
        }
        if (saslPending)
        {
            // The SASL step is being evaluated off this thread: what the client sent after it waits its turn.
            return false;
        }
        if (bound)
        {
            if (element.namespaceEquals(CSI_NS))
            {
                onClientState(element);
                return true;
            }
            return StreamManagement.isStreamManagement(element) ? onStreamManagement(element) : onStanza(element);
        }
        if (username != null)
        {
            return onBeforeBind(element);
        }
        else if (!tlsActive && element.namespaceEquals(TLS_NS) && element.localNameEquals(STARTTLS))
        {
            startTls();
        }
        else if (!tlsActive && context.server().tlsRequired())
        {
            // RFC 6120 §5.3.1: TLS is mandatory-to-negotiate here.
            streamError(StreamErrorCondition.POLICY_VIOLATION, "TLS is required");
        }
        else if (InBandRegistration.isRegistration(element, context.server().domainJid().utf8(), context.children()))
        {
            registration.onUnauthenticated(element, channel.executor(), this::send);
        }
        else
        {
            onSaslElement(element);
        }
        return true;
    }

    /**
     * RFC 6120 §5.4.3.3: the proceed goes out in the clear, then TLS starts on the same connection, and
     * anything the client sent after {@code <starttls/>} is discarded with the old stream.
     */
    private void startTls()
    {
        final SslHandler ssl = context.tls().newHandler(channel.alloc());
        channel.pipeline().addFirst("tls", new SslHandler(ssl.engine(), true));
        send(context.writer().proceed());
        tlsActive = true;
        framer.reset();
    }

    private void onSaslElement(final ElementFlyweight element)
    {
        if (!element.namespaceEquals(SASL_NS))
        {
            streamError(StreamErrorCondition.NOT_AUTHORIZED, "stanza before authentication");
            return;
        }
        final SaslNegotiation.Outcome outcome = sasl.onElement(element, tlsActive);
        if (outcome == SaslNegotiation.Outcome.PENDING)
        {
            saslPending = true;
            return;
        }
        onSaslOutcome(outcome);
    }

    private void onSaslOutcomeLater(final SaslNegotiation.Outcome outcome)
    {
        saslPending = false;
        if (!closing)
        {
            onSaslOutcome(outcome);
        }
    }

    private void onSaslOutcome(final SaslNegotiation.Outcome outcome)
    {
        send(sasl.reply());
        if (sasl.lastFailure() != null)
        {
            event(EventRecord.Kind.AUTHENTICATION_FAILED, null, sasl.mechanismName() + ": " + sasl.lastFailure());
        }
        if (outcome == SaslNegotiation.Outcome.SUCCESS)
        {
            username = sasl.username();
            event(EventRecord.Kind.AUTHENTICATED, username, sasl.mechanismName());
            sasl = null;
            framer.reset();
        }
        else if (outcome == SaslNegotiation.Outcome.CLOSE)
        {
            streamError(StreamErrorCondition.POLICY_VIOLATION, "too many failed authentications");
        }
    }

    /**
     * @return false to hold the element (and stop reading) until the router has decided on the binding asked
     *         for before it.
     */
    private boolean onBeforeBind(final ElementFlyweight element)
    {
        if (bindReply != null)
        {
            return false;
        }
        if (StreamManagement.isStreamManagement(element))
        {
            onStreamManagementBeforeBind(element);
            return true;
        }
        if (element.kind() != StanzaKind.IQ)
        {
            streamError(StreamErrorCondition.NOT_AUTHORIZED, "stanza before resource binding");
            return true;
        }
        final ResourceBinding.Result result = ResourceBinding.bind(element, username, context);
        if (result.jid() == null)
        {
            send(result.reply());
            return true;
        }
        // RFC 6120 §7.7.2.2: only the router knows whether the resource is taken; both answers are made now,
        // while the request is at hand, and one is sent when it has decided (bindDecided).
        bindReply = copyOf(channel.alloc(), result.reply(), 0, result.reply().capacity());
        final DirectBuffer conflict = context.stanzaError(element, StanzaErrorCondition.CONFLICT);
        bindConflict = copyOf(channel.alloc(), conflict, 0, conflict.capacity());
        jid = result.jid();
        context.stanzaSwitch().sessionOpened(this);
        return true;
    }

    @Override
    public void bindDecided(final boolean accepted)
    {
        channel.executor().execute(() -> onBindDecided(accepted));
    }

    private void onBindDecided(final boolean accepted)
    {
        final ByteBuf reply = accepted ? bindReply : bindConflict;
        (accepted ? bindConflict : bindReply).release();
        bindReply = null;
        bindConflict = null;
        if (closing)
        {
            reply.release();
            if (accepted)
            {
                // The connection dropped while the router decided: the session it just bound is already over.
                context.stanzaSwitch().sessionClosed(this);
            }
            return;
        }
        channel.writeAndFlush(reply);
        if (accepted)
        {
            bound = true;
            event(EventRecord.Kind.BOUND, jid.toString(), null);
            cancelDeadline();
        }
        else
        {
            LOG.fine(() -> "binding of " + jid + " refused: the resource is in use");
            jid = null;
        }
    }

    private boolean onStanza(final ElementFlyweight element)
    {
        if (element.kind() == StanzaKind.OTHER)
        {
            streamError(StreamErrorCondition.UNSUPPORTED_STANZA_TYPE, "unknown top-level element");
            return true;
        }
        if (InBandRegistration.isRegistration(element, context.server().domainJid().utf8(), context.children()))
        {
            // XEP-0198: taken, so counted, and answered through the router, which counts what the session is sent.
            // XEP-0077 §3.2: the stream ends once the account is gone, a moment after the result is written (the
            // router asks for the end once it has delivered the result), so that the client reads the result
            // before the stream error closes the connection under it.
            streamManagement.onReceived();
            cancelledInBand |= registration.onAuthenticated(element, username, channel.executor(),
                answer -> context.stanzaSwitch().answer(this, answer, null),
                answer -> context.stanzaSwitch().answer(this, answer, () -> channel.executor().schedule(
                    () -> streamError(StreamErrorCondition.NOT_AUTHORIZED, "account cancelled"),
                    ACCOUNT_CANCELLED_GRACE_MS, TimeUnit.MILLISECONDS)));
            return true;
        }
        final int from = element.fromIndex();
        if (from != StartTagFlyweight.MISSING && !isOwnAddress(element, from))
        {
            // RFC 6120 §8.1.2.1: a from that is not the session's own address is a stream error.
            streamError(StreamErrorCondition.INVALID_FROM, "from is not the session's address");
            return true;
        }
        final boolean taken = context.stanzaSwitch().offerStanza(this, element, jid.utf8());
        if (taken)
        {
            streamManagement.onReceived();
        }
        return taken;
    }

    /**
     * XEP-0352 §4: {@code <active/>} and {@code <inactive/>}; no answer.
     */
    private void onClientState(final ElementFlyweight element)
    {
        if (element.localNameEquals(ACTIVE) || element.localNameEquals(INACTIVE))
        {
            context.stanzaSwitch().clientState(this, element.localNameEquals(ACTIVE));
        }
        else
        {
            streamError(StreamErrorCondition.UNSUPPORTED_STANZA_TYPE, "unknown client state element");
        }
    }

    /**
     * XEP-0198 §3-§4 once bound: enable, and acks in both directions; {@code <r/>} and {@code <a/>} go through
     * the switch, so that what they count follows the handling of every stanza before them.
     */
    private boolean onStreamManagement(final ElementFlyweight element)
    {
        switch (StreamManagement.request(element))
        {
            case ENABLE ->
            {
                if (streamManagement.enable())
                {
                    context.stanzaSwitch().enableStreamManagement(this, StreamManagement.asksResume(element));
                }
                else
                {
                    send(StreamManagement.unexpected());
                }
            }
            case ACK_REQUEST ->
            {
                if (streamManagement.enabled())
                {
                    context.stanzaSwitch().requestAck(this, streamManagement.received());
                }
                else
                {
                    streamError(StreamErrorCondition.UNSUPPORTED_STANZA_TYPE, "<r/> before <enable/>");
                }
            }
            case ACK ->
            {
                final long h = StreamManagement.h(element);
                if (h < 0)
                {
                    streamError(StreamErrorCondition.UNDEFINED_CONDITION, "<a/> without a valid h");
                }
                else
                {
                    context.stanzaSwitch().acknowledge(this, h);
                }
            }
            case RESUME -> send(StreamManagement.unexpected());
            default -> streamError(StreamErrorCondition.UNSUPPORTED_STANZA_TYPE, "unknown stream management element");
        }
        return true;
    }

    /**
     * XEP-0198 §5: after authentication and instead of binding, a client resumes a dropped stream; §3: enable
     * before binding is out of place.
     */
    private void onStreamManagementBeforeBind(final ElementFlyweight element)
    {
        final String previd = StreamManagement.previd(element);
        final long h = StreamManagement.h(element);
        if (StreamManagement.request(element) != StreamManagement.Request.RESUME || previd == null || h < 0)
        {
            send(StreamManagement.unexpected());
            return;
        }
        context.stanzaSwitch().resume(this, username, previd, h);
    }

    private boolean isOwnAddress(final ElementFlyweight element, final int from)
    {
        final int offset = element.attributeValueOffset(from);
        final int length = element.attributeValueLength(from);
        final Jid claimed = context.jids().lookup(element.buffer(), offset, length);
        return claimed != null && (claimed.equals(jid) || claimed.equals(jid.bare()));
    }

    @Override
    public void onStreamClose()
    {
        // RFC 6120 §4.4: answer the close with ours, then close the connection.
        closing = true;
        closedByClient = true;
        closeReason = "stream closed by the client";
        send(context.writer().close());
        channel.close();
    }

    @Override
    public void onStreamError(final StreamErrorCondition condition, final String reason)
    {
        streamError(condition, reason);
    }

    private void streamError(final StreamErrorCondition condition, final String reason)
    {
        streamError(condition, reason, () -> context.writer().streamError(condition));
    }

    /**
     * XEP-0198 §6: undefined-condition with {@code <handled-count-too-high/>}.
     */
    private void handledCountTooHigh(final long h, final long sendCount)
    {
        streamError(StreamErrorCondition.UNDEFINED_CONDITION, "h=" + h + " acknowledges more than the " + sendCount +
            " stanzas sent", () -> context.writer().handledCountTooHigh(h, sendCount));
    }

    /**
     * @param error writes the error; called after the stream header, which shares the writer's buffer.
     */
    private void streamError(
        final StreamErrorCondition condition, final String reason, final Supplier<DirectBuffer> error)
    {
        if (closing)
        {
            return;
        }
        closing = true;
        closeReason = "stream error " + condition.elementName() + ": " + reason;
        LOG.info(() -> "stream error " + condition.elementName() + " to " + clientAddress(channel.channel()) +
            ": " + reason);
        if (!headerSent)
        {
            send(context.writer().header(context.newStreamId(), context.server().domain(), "en"));
        }
        send(error.get());
        channel.flush();
        channel.close();
    }

    /**
     * The attribute is looked at only where set, so that a TCP connection grows no attribute map for it.
     */
    private static SocketAddress clientAddress(final Channel channel)
    {
        return channel.hasAttr(CLIENT_ADDRESS) ? channel.attr(CLIENT_ADDRESS).get() : channel.remoteAddress();
    }

    private void event(final EventRecord.Kind kind, final String who, final String detail)
    {
        context.stanzaSwitch().connectionEvent(kind, who, String.valueOf(clientAddress(channel.channel())), detail);
    }

    /**
     * A quiet connection gives back what it grew for a burst: the framer's buffer for a partial stanza (unless it
     * holds one) and its room for tags, and the XEP-0198 queue's room (the router trims that, when the client
     * acknowledges).
     */
    private void trimBuffers()
    {
        if (!closing)
        {
            framer.releaseIdleMemory();
        }
    }

    private void timeout(final String what)
    {
        if (channel.channel().isActive())
        {
            LOG.fine(() -> "closing " + clientAddress(channel.channel()) + ": " + what);
            streamError(StreamErrorCondition.CONNECTION_TIMEOUT, what);
        }
    }

    private void cancelDeadline()
    {
        if (deadline != null)
        {
            deadline.cancel(false);
            deadline = null;
        }
    }

    private void send(final DirectBuffer xml)
    {
        channel.writeAndFlush(copyOf(channel.alloc(), xml, 0, xml.capacity()));
    }

    /**
     * Queue without flushing: the next {@link #send} writes both.
     */
    private void sendWithNext(final DirectBuffer xml)
    {
        channel.write(copyOf(channel.alloc(), xml, 0, xml.capacity()));
    }

    /**
     * The one copy of outgoing XML: from the writer's or the router's buffer into a pooled direct buffer, which
     * Netty frees once written. Direct, because the socket (and BoringSSL) take native memory: a heap buffer
     * would be copied once more on its way out.
     */
    static ByteBuf copyOf(
        final ByteBufAllocator allocator, final DirectBuffer buffer, final int offset, final int length)
    {
        final ByteBuf out = allocator.directBuffer(length);
        final byte[] array = buffer.byteArray();
        if (array != null)
        {
            out.writeBytes(array, buffer.wrapAdjustment() + offset, length);
        }
        else
        {
            for (int i = 0; i < length; i++)
            {
                out.writeByte(buffer.getByte(offset + i));
            }
        }
        return out;
    }

    @Override
    public Jid jid()
    {
        return jid;
    }

    @Override
    public byte[] languageAttribute()
    {
        return languageAttribute;
    }

    @Override
    public void deliver(final DirectBuffer buffer, final int offset, final int length)
    {
        if (clientState != null && clientState.isInactive())
        {
            if (clientState.hold(buffer, offset, length))
            {
                return;
            }
            // XEP-0352: an urgent stanza takes what was held with it, in order.
            clientState.flush(deliverNow);
        }
        deliverNow(buffer, offset, length);
    }

    @Override
    public void clientActive(final boolean active)
    {
        if (clientState == null)
        {
            if (active)
            {
                return;
            }
            clientState = new ClientStateFilter();
        }
        clientState.inactive(!active);
        if (active)
        {
            clientState.flush(deliverNow);
        }
    }

    private void deliverNow(final DirectBuffer buffer, final int offset, final int length)
    {
        if (outbound != null && !outbound.add(buffer, offset, length))
        {
            // XEP-0198: a client that acknowledges nothing cannot have everything kept for it.
            resumptionId = null;
            channel.executor().execute(() ->
                streamError(StreamErrorCondition.POLICY_VIOLATION, "too much unacknowledged"));
        }
        write(buffer, offset, length);
        if (outbound != null && outbound.ackRequestDue())
        {
            writeFromRouter("<r xmlns='urn:xmpp:sm:3'/>");
        }
    }

    private void write(final DirectBuffer buffer, final int offset, final int length)
    {
        final io.netty.channel.Channel ch = channel.channel();
        if (!ch.isActive())
        {
            return;
        }
        if (ch.bytesBeforeWritable() > context.server().maxOutboundBytes())
        {
            // ARCHITECTURE invariant 6: a client that does not read is cut off rather than buffered for.
            ch.eventLoop().execute(() -> streamError(StreamErrorCondition.POLICY_VIOLATION, "client does not read"));
            return;
        }
        ch.writeAndFlush(copyOf(ch.alloc(), buffer, offset, length), ch.voidPromise());
    }

    @Override
    public void enableStreamManagement(final String resumptionId, final int maxSeconds)
    {
        outbound = new OutboundQueue(context.server().maxUnackedBytes());
        this.resumptionId = resumptionId;
        writeFromRouter(resumptionId == null ? "<enabled xmlns='urn:xmpp:sm:3'/>" :
            "<enabled xmlns='urn:xmpp:sm:3' id='" + resumptionId + "' resume='true' max='" + maxSeconds + "'/>");
    }

    @Override
    public boolean acknowledge(final long h)
    {
        if (outbound != null && outbound.acknowledge(h))
        {
            return true;
        }
        final long sendCount = outbound == null ? 0 : outbound.sendCount();
        channel.executor().execute(() -> handledCountTooHigh(h, sendCount));
        return false;
    }

    @Override
    public void resume(final Session previous, final String previd, final long h)
    {
        final C2sConnection old = (C2sConnection)previous;
        outbound = old.outbound;
        old.outbound = null;
        old.resumptionId = null;
        resumptionId = previd;
        jid = old.jid;
        final long received = old.streamManagement.received();
        final boolean countable = outbound.acknowledge(h);
        final long sendCount = outbound.sendCount();
        // §5: what the client had not handled goes again, before anything new. The stream becomes bound, the
        // answer and the resent stanzas are written in one task on this connection's thread, so that nothing
        // the client sends after <resumed/> can be read before the stream is bound; what the router delivers
        // from here on is written after that task.
        final String resumed = "<resumed xmlns='urn:xmpp:sm:3' previd='" + previd + "' h='" +
            (received & 0xFFFF_FFFFL) + "'/>";
        final List<byte[]> resend = new ArrayList<>();
        outbound.forEach((buffer, offset, length) ->
        {
            final byte[] stanza = new byte[length];
            buffer.getBytes(offset, stanza);
            resend.add(stanza);
        });
        channel.executor().execute(() ->
        {
            streamManagement.resumeFrom(received);
            bound = true;
            cancelDeadline();
            if (!countable)
            {
                // §6: the client claims more than it was sent. The stream ends; the session, now on this
                // connection, waits to be resumed again with everything still unacknowledged.
                handledCountTooHigh(h, sendCount);
                return;
            }
            send(new UnsafeBuffer(resumed.getBytes(java.nio.charset.StandardCharsets.UTF_8)));
            resend.forEach(stanza -> send(new UnsafeBuffer(stanza)));
            event(EventRecord.Kind.RESUMED, jid.toString(), previd);
        });
        // XEP-0352 §5: a resumed stream starts active, and gets what the inactive one was not yet given.
        if (old.clientState != null)
        {
            old.clientState.flush(deliverNow);
        }
    }

    @Override
    public void resumeFailed()
    {
        writeFromRouter("<failed xmlns='urn:xmpp:sm:3'><item-not-found xmlns='urn:ietf:params:xml:ns:xmpp-stanzas'/>" +
            "</failed>");
    }

    @Override
    public void drainUnacknowledged(final UnacknowledgedHandler handler)
    {
        // XEP-0198 §6: a client that closes its stream cleanly ends its session, queue and all.
        if (outbound != null && !closedByClient)
        {
            outbound.drain(handler);
        }
        outbound = null;
    }

    @Override
    public void peekUnacknowledged(final UnacknowledgedHandler handler)
    {
        if (outbound != null)
        {
            outbound.forEach(handler);
        }
    }

    private void writeFromRouter(final String xml)
    {
        final io.netty.channel.Channel ch = channel.channel();
        if (ch.isActive())
        {
            final ByteBuf out = ch.alloc().buffer(xml.length());
            out.writeCharSequence(xml, java.nio.charset.StandardCharsets.UTF_8);
            ch.writeAndFlush(out, ch.voidPromise());
        }
    }

    @Override
    public boolean canAccept()
    {
        final io.netty.channel.Channel ch = channel.channel();
        final OutboundQueue unacknowledged = outbound;
        return ch.isActive() && ch.bytesBeforeWritable() < context.server().maxOutboundBytes() / 4 &&
            (unacknowledged == null || unacknowledged.bytes() < context.server().maxUnackedBytes() / 2);
    }

    @Override
    public void handled(final long count)
    {
        final io.netty.channel.Channel ch = channel.channel();
        if (ch.isActive())
        {
            final ByteBuf out = ch.alloc().buffer(48);
            StreamManagement.writeAck(count, out);
            ch.writeAndFlush(out, ch.voidPromise());
        }
    }

    @Override
    public void replaced()
    {
        channel.executor().execute(() -> streamError(StreamErrorCondition.CONFLICT, "resource bound by a new session"));
    }

    @Override
    public void accountDeleted()
    {
        // Run after the task that read a cancellation in band, which deleted the account before the router saw it.
        channel.executor().execute(() ->
        {
            if (!cancelledInBand)
            {
                streamError(StreamErrorCondition.NOT_AUTHORIZED, "account deleted");
            }
        });
    }
}
