package org.stanzaswitch.gateway;

import org.agrona.DirectBuffer;
import org.agrona.ExpandableArrayBuffer;
import org.agrona.concurrent.UnsafeBuffer;
import org.stanzaswitch.codec.Bytes;
import org.stanzaswitch.codec.StreamEncoder;
import org.stanzaswitch.codec.StreamErrorCondition;
import org.stanzaswitch.codec.XmlEncoder;
import org.stanzaswitch.codec.XmppNamespaces;

import java.util.List;

/**
 * Writes what the server sends during stream negotiation (RFC 6120 §4.3.2, §5, §6, §7): headers, features,
 * TLS and SASL replies. Each method returns a view over this writer's buffer, valid until its next call; one
 * writer per I/O thread.
 */
final class StreamWriter
{
    private static final byte[] CLIENT_NS = Bytes.ascii(XmppNamespaces.CLIENT);
    private static final byte[] PROCEED = Bytes.ascii("<proceed xmlns='urn:ietf:params:xml:ns:xmpp-tls'/>");
    private static final byte[] FEATURES = Bytes.ascii("stream:features");
    private static final byte[] STARTTLS = Bytes.ascii("starttls");
    private static final byte[] REQUIRED = Bytes.ascii("required");
    private static final byte[] MECHANISMS = Bytes.ascii("mechanisms");
    private static final byte[] MECHANISM = Bytes.ascii("mechanism");
    private static final byte[] BIND = Bytes.ascii("bind");
    private static final byte[] SESSION = Bytes.ascii("session");
    private static final byte[] SM = Bytes.ascii("sm");
    private static final byte[] CSI = Bytes.ascii("csi");
    private static final String CSI_NS = "urn:xmpp:csi:0";
    private static final byte[] REGISTER = Bytes.ascii("register");
    private static final String REGISTER_FEATURE_NS = "http://jabber.org/features/iq-register";
    private static final byte[] OPTIONAL = Bytes.ascii("optional");
    private static final byte[] XMLNS = Bytes.ascii("xmlns");
    private static final String TLS_NS = "urn:ietf:params:xml:ns:xmpp-tls";
    private static final String SASL_NS = "urn:ietf:params:xml:ns:xmpp-sasl";
    private static final String BIND_NS = "urn:ietf:params:xml:ns:xmpp-bind";
    private static final String SESSION_NS = "urn:ietf:params:xml:ns:xmpp-session";
    private static final String ROSTER_VERSIONING_NS = "urn:xmpp:features:rosterver";
    private static final String PRE_APPROVAL_NS = "urn:xmpp:features:pre-approval";
    private static final byte[] VER = Bytes.ascii("ver");
    private static final byte[] SUB = Bytes.ascii("sub");

    private final ExpandableArrayBuffer buffer = new ExpandableArrayBuffer(1024);
    private final UnsafeBuffer view = new UnsafeBuffer(new byte[0]);
    private final StreamEncoder streamEncoder = new StreamEncoder();
    private final XmlEncoder xml = new XmlEncoder();

    DirectBuffer header(final String id, final String domain, final String lang)
    {
        return view(streamEncoder.header(buffer, 0, CLIENT_NS, id, domain, null, lang));
    }

    /**
     * RFC 6120 §4.3.2: STARTTLS until TLS is on (marked required when it is), SASL mechanisms where the
     * client may authenticate, resource binding once it has.
     *
     * @param offerTls    whether STARTTLS is still to be negotiated.
     * @param tlsRequired whether it must be.
     * @param mechanisms  the mechanisms to offer, or null where the client may not authenticate yet.
     */
    DirectBuffer features(
        final boolean offerTls, final boolean tlsRequired, final List<String> mechanisms, final boolean registration)
    {
        xml.wrap(buffer, 0).start(FEATURES);
        if (offerTls)
        {
            xml.start(STARTTLS).attribute(XMLNS, TLS_NS);
            if (tlsRequired)
            {
                xml.start(REQUIRED).end();
            }
            xml.end();
        }
        if (mechanisms != null)
        {
            xml.start(MECHANISMS).attribute(XMLNS, SASL_NS);
            for (final String mechanism : mechanisms)
            {
                xml.start(MECHANISM).text(mechanism).end();
            }
            xml.end();
        }
        if (registration)
        {
            // XEP-0077 §8: accounts may be registered in band before authenticating.
            xml.start(REGISTER).attribute(XMLNS, REGISTER_FEATURE_NS).end();
        }
        return view(xml.end().length());
    }

    /**
     * RFC 6120 §7.2 binding, RFC 6121 §2.6.1 roster versioning and §3.4.1 subscription pre-approval, XEP-0198
     * stream management, XEP-0352 client state indication.
     */
    DirectBuffer bindFeatures()
    {
        xml.wrap(buffer, 0).start(FEATURES)
            .start(BIND).attribute(XMLNS, BIND_NS).end()
            .start(SESSION).attribute(XMLNS, SESSION_NS).start(OPTIONAL).end().end()
            .start(VER).attribute(XMLNS, ROSTER_VERSIONING_NS).end()
            .start(SUB).attribute(XMLNS, PRE_APPROVAL_NS).end()
            .start(SM).attribute(XMLNS, StreamManagement.NS).end()
            .start(CSI).attribute(XMLNS, CSI_NS).end();
        return view(xml.end().length());
    }

    private static final String STREAMS_NS = "urn:ietf:params:xml:ns:xmpp-streams";

    DirectBuffer proceed()
    {
        buffer.putBytes(0, PROCEED);
        return view(PROCEED.length);
    }

    DirectBuffer streamError(final StreamErrorCondition condition)
    {
        return view(streamEncoder.error(buffer, 0, condition, null));
    }

    /**
     * XEP-0198 §6: the client acknowledged more than it was sent.
     */
    DirectBuffer handledCountTooHigh(final long h, final long sendCount)
    {
        final String text = "<stream:error><undefined-condition xmlns='" + STREAMS_NS + "'/>" +
            "<handled-count-too-high xmlns='" + StreamManagement.NS + "' h='" + h + "' send-count='" + sendCount +
            "'/><text xmlns='" + STREAMS_NS + "'>You acknowledged " + h + " stanzas, but were sent " + sendCount +
            "</text></stream:error></stream:stream>";
        return view(buffer.putStringWithoutLengthUtf8(0, text));
    }

    DirectBuffer close()
    {
        return view(streamEncoder.close(buffer, 0));
    }

    /**
     * @param elementName {@code challenge} or {@code success}.
     * @param data        bytes to send base64-encoded, or null for none.
     */
    DirectBuffer saslData(final String elementName, final byte[] data)
    {
        final String body = data == null ? "" :
            java.util.Base64.getEncoder().encodeToString(data);
        final String text = "<" + elementName + " xmlns='" + SASL_NS + "'>" + body + "</" + elementName + ">";
        return view(buffer.putStringWithoutLengthUtf8(0, text));
    }

    DirectBuffer saslFailure(final String condition)
    {
        final String text = "<failure xmlns='" + SASL_NS + "'><" + condition + "/></failure>";
        return view(buffer.putStringWithoutLengthUtf8(0, text));
    }

    /**
     * Arbitrary XML the caller has built with {@link #encoder()}.
     */
    DirectBuffer encoded(final int length)
    {
        return view(length);
    }

    XmlEncoder encoder()
    {
        return xml.wrap(buffer, 0);
    }

    private DirectBuffer view(final int length)
    {
        view.wrap(buffer, 0, length);
        return view;
    }
}
