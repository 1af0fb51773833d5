package org.stanzaswitch.gateway;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.util.concurrent.ScheduledFuture;
import org.agrona.DirectBuffer;
import org.agrona.ExpandableArrayBuffer;
import org.agrona.concurrent.UnsafeBuffer;
import org.stanzaswitch.codec.Bytes;
import org.stanzaswitch.codec.ElementFlyweight;
import org.stanzaswitch.codec.Jid;
import org.stanzaswitch.codec.StartTagFlyweight;
import org.stanzaswitch.codec.StreamEncoder;
import org.stanzaswitch.codec.StreamErrorCondition;
import org.stanzaswitch.codec.StreamFramer;
import org.stanzaswitch.codec.StreamHeaderFlyweight;
import org.stanzaswitch.codec.StreamListener;
import org.stanzaswitch.codec.XmlReader;
import org.stanzaswitch.switching.Session;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.logging.Logger;

/**
 * An external component's connection (XEP-0114): the component names the domain it serves in its stream header,
 * proves it knows that domain's secret with {@code <handshake>} (the hex SHA-1 of the stream id and the secret),
 * and from then on its stanzas, each from an address of its domain, go to the switch as they are, and the switch
 * delivers the stanzas for its domain here. One I/O thread reads it; the router thread delivers to it.
 */
final class ComponentConnection extends ChannelInboundHandlerAdapter implements StreamListener, Session
{
    static final String NS = "jabber:component:accept";

    private static final Logger LOG = Logger.getLogger(ComponentConnection.class.getName());
    private static final byte[] NS_BYTES = Bytes.ascii(NS);
    private static final byte[] HANDSHAKE = Bytes.ascii("handshake");
    private static final byte[] HANDSHAKE_OK = Bytes.ascii("<handshake/>");
    private static final byte[] XMLNS = Bytes.ascii("xmlns");
    private static final byte[] MESSAGE = Bytes.ascii("message");
    private static final byte[] PRESENCE = Bytes.ascii("presence");
    private static final byte[] IQ = Bytes.ascii("iq");

    private final C2sContext context;
    private final Map<String, String> secrets;
    private final StreamFramer framer;
    private final StreamEncoder encoder = new StreamEncoder();
    private final ExpandableArrayBuffer scratch = new ExpandableArrayBuffer(512);
    private final FramedInput input;
    private final BooleanSupplier isClosing = () -> this.closing;
    private ChannelHandlerContext channel;
    private ScheduledFuture<?> deadline;
    private String streamId;
    private volatile Jid domain;
    private boolean authenticated;
    private boolean closing;

    ComponentConnection(final C2sContext context, final Map<String, String> secrets)
    {
        this.context = context;
        this.secrets = secrets;
        this.framer = new StreamFramer(context.server().decoderLimits(), this);
        // A component is a trusted part of the deployment (XEP-0114), configured by the operator: not shaped.
        this.input = new FramedInput(framer, null);
    }

    @Override
    public void channelActive(final ChannelHandlerContext ctx)
    {
        channel = ctx;
        deadline = ctx.executor().schedule(() -> streamError(StreamErrorCondition.CONNECTION_TIMEOUT,
            "no handshake"), context.server().authTimeoutNs(), TimeUnit.NANOSECONDS);
        ctx.fireChannelActive();
    }

    @Override
    public void channelRead(final ChannelHandlerContext ctx, final Object message)
    {
        input.read(ctx, message, isClosing);
    }

    @Override
    public void channelInactive(final ChannelHandlerContext ctx)
    {
        closing = true;
        cancelDeadline();
        if (authenticated)
        {
            authenticated = false;
            context.stanzaSwitch().sessionClosed(this);
            LOG.info(() -> "component " + domain + " disconnected");
        }
        ctx.fireChannelInactive();
    }

    @Override
    public void exceptionCaught(final ChannelHandlerContext ctx, final Throwable cause)
    {
        LOG.fine(() -> "component connection error from " + ctx.channel().remoteAddress() + ": " + cause);
        ctx.close();
    }

    @Override
    public void onStreamOpen(final StreamHeaderFlyweight header)
    {
        streamId = context.newStreamId();
        final int to = header.toIndex();
        final String name = to == StartTagFlyweight.MISSING ? "" : header.buffer().getStringWithoutLengthUtf8(
            header.attributeValueOffset(to), header.attributeValueLength(to));
        send(scratch, encoder.header(scratch, 0, NS_BYTES, streamId, name.isEmpty() ? context.server().domain() : name,
            null, "en"));
        final int xmlns = header.defaultNamespaceIndex();
        if (xmlns == StartTagFlyweight.MISSING || !header.attributeValueEquals(xmlns, NS_BYTES))
        {
            streamError(StreamErrorCondition.INVALID_NAMESPACE, "content namespace is not " + NS);
        }
        else if (!secrets.containsKey(name))
        {
            streamError(StreamErrorCondition.HOST_UNKNOWN, "no component is configured for '" + name + "'");
        }
        else
        {
            domain = Jid.of(name);
        }
    }

    @Override
    public boolean onElement(final ElementFlyweight element)
    {
        if (closing)
        {
            return true;
        }
        if (!authenticated)
        {
            onHandshake(element);
            return true;
        }
        if (!element.localNameEquals(MESSAGE) && !element.localNameEquals(PRESENCE) && !element.localNameEquals(IQ) ||
            !element.namespaceEquals(NS_BYTES) || element.attributeIndex(XMLNS) != StartTagFlyweight.MISSING)
        {
            // Stanzas inherit the stream's namespace: the switch hands them on as jabber:client ones.
            streamError(StreamErrorCondition.UNSUPPORTED_STANZA_TYPE, "not a stanza of " + NS);
            return true;
        }
        final int from = element.fromIndex();
        final Jid claimed = from == StartTagFlyweight.MISSING ? null :
            context.jids().lookup(element.buffer(), element.attributeValueOffset(from),
                element.attributeValueLength(from));
        if (claimed == null || !claimed.domain().equals(domain.domain()))
        {
            // XEP-0114 §3: a component speaks only for addresses of its own domain.
            streamError(StreamErrorCondition.INVALID_FROM, "from is not an address of " + domain);
            return true;
        }
        // The from stays as the component wrote it: splicing it in again changes nothing.
        return context.stanzaSwitch().offerStanza(this, element, claimed.utf8());
    }

    private void onHandshake(final ElementFlyweight element)
    {
        if (domain == null || !element.localNameEquals(HANDSHAKE))
        {
            streamError(StreamErrorCondition.NOT_AUTHORIZED, "handshake expected");
            return;
        }
        final XmlReader reader = context.reader().wrap(element);
        reader.next();
        final String offered = reader.elementText().trim().toLowerCase(Locale.ROOT);
        final byte[] expected = hexSha1(streamId + secrets.get(domain.toString())).getBytes(StandardCharsets.US_ASCII);
        if (!MessageDigest.isEqual(expected, offered.getBytes(StandardCharsets.US_ASCII)))
        {
            streamError(StreamErrorCondition.NOT_AUTHORIZED, "wrong handshake for " + domain);
            return;
        }
        cancelDeadline();
        authenticated = true;
        send(new UnsafeBuffer(HANDSHAKE_OK), HANDSHAKE_OK.length);
        context.stanzaSwitch().sessionOpened(this);
        LOG.info(() -> "component " + domain + " connected from " + channel.channel().remoteAddress());
    }

    static String hexSha1(final String text)
    {
        try
        {
            return HexFormat.of()
                .formatHex(MessageDigest.getInstance("SHA-1").digest(text.getBytes(StandardCharsets.UTF_8)));
        }
        catch (final NoSuchAlgorithmException ex)
        {
            throw new IllegalStateException("SHA-1 is part of every JDK", ex);
        }
    }

    @Override
    public void onStreamClose()
    {
        closing = true;
        send(scratch, encoder.close(scratch, 0));
        channel.close();
    }

    @Override
    public void onStreamError(final StreamErrorCondition condition, final String reason)
    {
        streamError(condition, reason);
    }

    private void streamError(final StreamErrorCondition condition, final String reason)
    {
        if (closing)
        {
            return;
        }
        closing = true;
        LOG.info(() -> "stream error " + condition.elementName() + " to component " +
            channel.channel().remoteAddress() +
            ": " + reason);
        if (streamId == null)
        {
            streamId = context.newStreamId();
            send(scratch, encoder.header(scratch, 0, NS_BYTES, streamId, context.server().domain(), null, "en"));
        }
        send(scratch, encoder.error(scratch, 0, condition, null));
        channel.flush();
        channel.close();
    }

    private void cancelDeadline()
    {
        if (deadline != null)
        {
            deadline.cancel(false);
            deadline = null;
        }
    }

    private void send(final DirectBuffer buffer, final int length)
    {
        channel.writeAndFlush(C2sConnection.copyOf(channel.alloc(), buffer, 0, length));
    }

    @Override
    public boolean isComponent()
    {
        return true;
    }

    @Override
    public Jid jid()
    {
        return domain;
    }

    @Override
    public void deliver(final DirectBuffer buffer, final int offset, final int length)
    {
        channel.writeAndFlush(C2sConnection.copyOf(channel.alloc(), buffer, offset, length));
    }

    @Override
    public boolean canAccept()
    {
        return channel.channel().isWritable();
    }

    @Override
    public void replaced()
    {
        channel.executor().execute(() -> streamError(StreamErrorCondition.CONFLICT, "another connection for " +
            domain));
    }
}
