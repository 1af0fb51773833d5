package org.stanzaswitch.bench.load;

import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.ssl.SslHandler;
import org.agrona.DirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;
import org.stanzaswitch.codec.Bytes;
import org.stanzaswitch.codec.DecoderLimits;
import org.stanzaswitch.codec.ElementFlyweight;
import org.stanzaswitch.codec.StanzaKind;
import org.stanzaswitch.codec.StartTagFlyweight;
import org.stanzaswitch.codec.StreamErrorCondition;
import org.stanzaswitch.codec.StreamFramer;
import org.stanzaswitch.codec.StreamHeaderFlyweight;
import org.stanzaswitch.codec.StreamListener;
import org.stanzaswitch.codec.XmlReader;
import org.stanzaswitch.switching.account.ScramCredentials.ScramAlgorithm;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * One simulated client: opens a stream, STARTTLS if asked, registers (XEP-0077) if asked, logs in with SASL,
 * binds a resource and sends initial presence, then sends and times load messages. Its stream is framed by
 * the project's own {@link StreamFramer}, so receiving a message allocates nothing.
 * <p>
 * A load message carries its sequence number and scheduled send time in its id, {@code L<sequence>.<nanos>}:
 * every server under test keeps a message's id, and nothing else in it needs parsing.
 */
final class LoadConnection extends ChannelInboundHandlerAdapter implements StreamListener
{
    private static final DecoderLimits LIMITS = new DecoderLimits().conclude();
    private static final byte[] FEATURES = Bytes.ascii("features");
    private static final byte[] PROCEED = Bytes.ascii("proceed");
    private static final byte[] CHALLENGE = Bytes.ascii("challenge");
    private static final byte[] SUCCESS = Bytes.ascii("success");
    private static final byte[] ERROR = Bytes.ascii("error");
    private static final byte[] RESULT = Bytes.ascii("result");
    private static final byte[] GET = Bytes.ascii("get");
    private static final byte[] SET = Bytes.ascii("set");
    private static final byte[] SUBSCRIBE = Bytes.ascii("subscribe");
    private static final String BODY = "<body>Load test: a chat line of about the length people type.</body>";

    private final ClientSettings settings;
    private final int index;
    private final LoadEvents events;
    private final StreamFramer framer = new StreamFramer(LIMITS, this);
    private final UnsafeBuffer input = new UnsafeBuffer(0, 0);
    private final XmlReader reader = new XmlReader();
    private ChannelHandlerContext context;
    private ScramClient scram;
    private boolean secured;
    private boolean registered;
    private boolean authenticated;
    private boolean bound;
    private boolean failed;
    private volatile boolean closing;
    /** The last load id parsed, on the I/O thread. */
    private long idSequence;
    private long idScheduled;
    private String jid;
    private byte[] jidBytes = new byte[0];
    private long connectStarted;
    private long boundAt;

    LoadConnection(final ClientSettings settings, final int index, final LoadEvents events)
    {
        this.settings = settings;
        this.index = index;
        this.events = events;
        this.secured = settings.tls() == null;
        this.registered = !settings.register();
    }

    int index()
    {
        return index;
    }

    /**
     * @return the bound full JID, or null before binding.
     */
    String jid()
    {
        return jid;
    }

    /**
     * @return nanoseconds from the TCP connect to the initial presence.
     */
    long loginNanos()
    {
        return boundAt - connectStarted;
    }

    Channel channel()
    {
        return context.channel();
    }

    void connectStarted(final long nanos)
    {
        connectStarted = nanos;
    }

    /**
     * Send one load message; may be called from any thread. The buffer is filled here so that the I/O thread
     * only writes it.
     */
    void sendMessage(final byte[] toBareJid, final long sequence, final long scheduled)
    {
        final Channel channel = context.channel();
        final ByteBuf out = channel.alloc().buffer(160 + toBareJid.length);
        out.writeCharSequence("<message type='chat' to='", StandardCharsets.US_ASCII);
        out.writeBytes(toBareJid);
        out.writeCharSequence("' id='L", StandardCharsets.US_ASCII);
        writeDigits(out, sequence);
        out.writeByte('.');
        writeDigits(out, scheduled);
        out.writeCharSequence("'>" + BODY + "</message>", StandardCharsets.US_ASCII);
        channel.writeAndFlush(out, channel.voidPromise());
    }

    /**
     * Broadcast one load presence update, {@code P<sequence>.<nanos>} in its id; may be called from any thread.
     */
    void sendPresence(final long sequence, final long scheduled)
    {
        final Channel channel = context.channel();
        final ByteBuf out = channel.alloc().buffer(96);
        out.writeCharSequence("<presence id='P", StandardCharsets.US_ASCII);
        writeDigits(out, sequence);
        out.writeByte('.');
        writeDigits(out, scheduled);
        out.writeCharSequence("'><status>presence storm</status></presence>", StandardCharsets.US_ASCII);
        channel.writeAndFlush(out, channel.voidPromise());
    }

    /**
     * Send any XML as it is; for the setup of scenarios (rosters, presence), not the timed path.
     */
    void sendRaw(final String xml)
    {
        context.channel().writeAndFlush(
            context.alloc().buffer(xml.length()).writeBytes(xml.getBytes(StandardCharsets.UTF_8)),
            context.channel().voidPromise());
    }

    /**
     * End the stream politely; the server closes the connection.
     */
    void close()
    {
        closing = true;
        if (context != null && context.channel().isActive())
        {
            sendRaw("</stream:stream>");
        }
    }

    @Override
    public void channelActive(final ChannelHandlerContext ctx)
    {
        context = ctx;
        openStream();
    }

    @Override
    public void channelRead(final ChannelHandlerContext ctx, final Object message)
    {
        final ByteBuf buf = (ByteBuf)message;
        try
        {
            if (buf.hasArray())
            {
                input.wrap(buf.array(), buf.arrayOffset() + buf.readerIndex(), buf.readableBytes());
            }
            else
            {
                input.wrap(buf.nioBuffer());
            }
            framer.decode(input, 0, input.capacity());
        }
        finally
        {
            buf.release();
        }
    }

    @Override
    public void channelInactive(final ChannelHandlerContext ctx)
    {
        fail("connection closed by the server");
    }

    @Override
    public void exceptionCaught(final ChannelHandlerContext ctx, final Throwable cause)
    {
        fail(cause.toString());
        ctx.close();
    }

    @Override
    public void onStreamOpen(final StreamHeaderFlyweight header)
    {
    }

    @Override
    public boolean onElement(final ElementFlyweight element)
    {
        final StanzaKind kind = element.kind();
        if (kind == StanzaKind.MESSAGE)
        {
            onMessage(element);
        }
        else if (kind == StanzaKind.PRESENCE)
        {
            onPresence(element);
        }
        else if (kind == StanzaKind.IQ)
        {
            onIq(element);
        }
        else
        {
            onStreamElement(element);
        }
        return true;
    }

    @Override
    public void onStreamClose()
    {
        fail("stream closed by the server");
    }

    @Override
    public void onStreamError(final StreamErrorCondition condition, final String reason)
    {
        fail("unreadable stream from the server: " + reason);
    }

    private void onMessage(final ElementFlyweight message)
    {
        if (message.attributeValueEquals(message.typeIndex(), ERROR))
        {
            events.stanzaError(this);
            return;
        }
        if (parseLoadId(message, 'L'))
        {
            events.message(this, idSequence, idScheduled);
        }
    }

    /**
     * Load presence updates are timed; subscription requests from other load clients are approved at once
     * (RFC 6121 §3.1.4), which is how a presence storm's rosters get built on any server.
     */
    private void onPresence(final ElementFlyweight presence)
    {
        final int type = presence.typeIndex();
        if (presence.attributeValueEquals(type, ERROR))
        {
            events.stanzaError(this);
        }
        else if (presence.attributeValueEquals(type, SUBSCRIBE))
        {
            final int from = presence.fromIndex();
            if (from != StartTagFlyweight.MISSING)
            {
                sendRaw("<presence type='subscribed' to='" + presence.buffer().getStringWithoutLengthUtf8(
                    presence.attributeValueOffset(from), presence.attributeValueLength(from)) + "'/>");
            }
        }
        else if (type == StartTagFlyweight.MISSING && !isOwn(presence) && parseLoadId(presence, 'P'))
        {
            events.presence(this, idSequence, idScheduled);
        }
    }

    /**
     * @return true if the stanza is from this client itself: servers that follow RFC 6121 §4.4.2 to the letter
     *         echo a presence broadcast to the resource that sent it, and that copy is not one for a contact.
     */
    private boolean isOwn(final ElementFlyweight stanza)
    {
        final int from = stanza.fromIndex();
        return from != StartTagFlyweight.MISSING && Bytes.equals(stanza.buffer(), stanza.attributeValueOffset(from),
            stanza.attributeValueLength(from), jidBytes);
    }

    /**
     * @return true if the stanza's id is {@code <kind><sequence>.<nanos>}; then they are in idSequence, idScheduled.
     */
    private boolean parseLoadId(final ElementFlyweight stanza, final char kind)
    {
        final int id = stanza.idIndex();
        if (id == StartTagFlyweight.MISSING)
        {
            return false;
        }
        final DirectBuffer buffer = stanza.buffer();
        int position = stanza.attributeValueOffset(id);
        final int end = position + stanza.attributeValueLength(id);
        if (position == end || buffer.getByte(position) != kind)
        {
            return false;
        }
        long sequence = 0;
        for (position++; position < end && buffer.getByte(position) != '.'; position++)
        {
            sequence = sequence * 10 + buffer.getByte(position) - '0';
        }
        long scheduled = 0;
        for (position++; position < end; position++)
        {
            scheduled = scheduled * 10 + buffer.getByte(position) - '0';
        }
        idSequence = sequence;
        idScheduled = scheduled;
        return true;
    }

    private void onIq(final ElementFlyweight iq)
    {
        final int type = iq.typeIndex();
        if (iq.attributeValueEquals(type, GET) || iq.attributeValueEquals(type, SET))
        {
            // A ping or a query from the server: answer as a client that implements nothing more would.
            reader.wrap(iq);
            reader.next();
            final String from = reader.attributeValue("from");
            sendRaw("<iq type='error' id='" + escape(reader.attributeValue("id")) + "'" +
                (from == null ? "" : " to='" + escape(from) + "'") + "><error type='cancel'>" +
                "<service-unavailable xmlns='urn:ietf:params:xml:ns:xmpp-stanzas'/></error></iq>");
            return;
        }
        reader.wrap(iq);
        reader.next();
        final String id = reader.attributeValue("id");
        final boolean ok = iq.attributeValueEquals(type, RESULT);
        if ("reg".equals(id))
        {
            // An account left from an earlier run is as good as a new one.
            registered = true;
            authenticate();
        }
        else if ("bind".equals(id))
        {
            if (!ok)
            {
                fail("resource binding refused");
                return;
            }
            XmlReader.Event event;
            while ((event = reader.next()) != XmlReader.Event.END_DOCUMENT)
            {
                if (event == XmlReader.Event.START_ELEMENT && "jid".equals(reader.localName()))
                {
                    jid = reader.elementText().trim();
                    jidBytes = jid.getBytes(StandardCharsets.UTF_8);
                }
            }
            sendRaw("<presence/>");
            bound = true;
            boundAt = System.nanoTime();
            events.bound(this);
        }
        else
        {
            events.iqAnswer(this, id, iq.buffer().getStringWithoutLengthUtf8(iq.offset(), iq.length()));
        }
    }

    private void onStreamElement(final ElementFlyweight element)
    {
        if (element.localNameEquals(FEATURES))
        {
            onFeatures(element);
        }
        else if (element.localNameEquals(PROCEED))
        {
            final SslHandler tls = settings.tls().newHandler(context.alloc(), settings.host(), settings.port());
            context.pipeline().addFirst(tls);
            framer.reset();
            tls.handshakeFuture().addListener(done ->
            {
                if (done.isSuccess())
                {
                    secured = true;
                    openStream();
                }
                else
                {
                    fail("TLS handshake: " + done.cause());
                }
            });
        }
        else if (element.localNameEquals(CHALLENGE))
        {
            final String response = scram == null ? null : scram.clientFinal(text(element));
            if (response == null)
            {
                fail("unusable SASL challenge");
                return;
            }
            sendRaw("<response xmlns='urn:ietf:params:xml:ns:xmpp-sasl'>" + response + "</response>");
        }
        else if (element.localNameEquals(SUCCESS))
        {
            if (scram != null && !scram.verifyServer(text(element)))
            {
                fail("the server did not prove it knows the password (SCRAM server signature)");
                return;
            }
            authenticated = true;
            framer.reset();
            openStream();
        }
        else
        {
            fail("unexpected " + element.appendTo(new StringBuilder()));
        }
    }

    private void onFeatures(final ElementFlyweight features)
    {
        final List<String> offered = new ArrayList<>();
        reader.wrap(features);
        reader.next();
        XmlReader.Event event;
        while ((event = reader.next()) != XmlReader.Event.END_DOCUMENT)
        {
            if (event == XmlReader.Event.START_ELEMENT)
            {
                offered.add(reader.localName());
            }
        }
        if (!secured)
        {
            if (!offered.contains("starttls"))
            {
                fail("the server does not offer STARTTLS");
                return;
            }
            sendRaw("<starttls xmlns='urn:ietf:params:xml:ns:xmpp-tls'/>");
        }
        else if (!registered)
        {
            sendRaw("<iq type='set' id='reg'><query xmlns='jabber:iq:register'><username>" +
                escape(settings.username(index)) + "</username><password>" + escape(settings.password()) +
                "</password></query></iq>");
        }
        else if (!authenticated)
        {
            authenticate();
        }
        else
        {
            sendRaw("<iq type='set' id='bind'><bind xmlns='urn:ietf:params:xml:ns:xmpp-bind'/></iq>");
        }
    }

    private void authenticate()
    {
        final String mechanism = settings.mechanism();
        final String initial;
        if ("PLAIN".equals(mechanism))
        {
            initial = java.util.Base64.getEncoder().encodeToString(
                ("\0" + settings.username(index) + "\0" + settings.password()).getBytes(StandardCharsets.UTF_8));
        }
        else
        {
            scram = new ScramClient(
                "SCRAM-SHA-1".equals(mechanism) ? ScramAlgorithm.SHA_1 : ScramAlgorithm.SHA_256,
                settings.username(index), settings.password(), settings.keys());
            initial = scram.clientFirst();
        }
        sendRaw("<auth xmlns='urn:ietf:params:xml:ns:xmpp-sasl' mechanism='" + mechanism + "'>" + initial + "</auth>");
    }

    private void openStream()
    {
        sendRaw("<?xml version='1.0'?><stream:stream xmlns='jabber:client' " +
            "xmlns:stream='http://etherx.jabber.org/streams' to='" + settings.domain() + "' version='1.0'>");
    }

    private String text(final ElementFlyweight element)
    {
        reader.wrap(element);
        reader.next();
        return reader.elementText();
    }

    private void fail(final String reason)
    {
        if (!failed && !closing)
        {
            failed = true;
            events.failed(this, (bound ? "" : "login: ") + reason);
        }
        if (context != null)
        {
            context.close();
        }
    }

    private static void writeDigits(final ByteBuf out, final long value)
    {
        if (value >= 10)
        {
            writeDigits(out, value / 10);
        }
        out.writeByte((int)('0' + value % 10));
    }

    private static String escape(final String text)
    {
        return text == null ? "" : text.replace("&", "&amp;").replace("<", "&lt;").replace("'", "&apos;");
    }
}
