package org.stanzaswitch.gateway;

import org.agrona.DirectBuffer;
import org.stanzaswitch.codec.Bytes;
import org.stanzaswitch.codec.ElementFlyweight;
import org.stanzaswitch.codec.Jid;
import org.stanzaswitch.codec.JidParser;
import org.stanzaswitch.codec.StanzaErrorCondition;
import org.stanzaswitch.codec.XmlEncoder;
import org.stanzaswitch.codec.XmlReader;

import java.util.Base64;

/**
 * Resource binding (RFC 6120 §7): the client asks for a resource or lets the server pick one; the result is
 * the full JID the session is bound to. A resource already in use is taken over by the new session (§7.7.2.2,
 * the router closes the old one with a conflict stream error).
 */
final class ResourceBinding
{
    private static final String BIND_NS = "urn:ietf:params:xml:ns:xmpp-bind";
    private static final byte[] SET = Bytes.ascii("set");
    private static final byte[] TYPE = Bytes.ascii("type");
    private static final byte[] RESULT = Bytes.ascii("result");
    private static final byte[] BIND = Bytes.ascii("bind");
    private static final byte[] JID = Bytes.ascii("jid");
    private static final byte[] XMLNS = Bytes.ascii("xmlns");

    /** The reply to send and, if binding succeeded, the bound address. */
    record Result(DirectBuffer reply, Jid jid)
    {
    }

    private ResourceBinding()
    {
    }

    static Result bind(final ElementFlyweight iq, final String username, final C2sContext context)
    {
        final XmlReader reader = context.reader().wrap(iq);
        reader.next();
        final boolean isSet = iq.attributeValueEquals(iq.typeIndex(), SET);
        if (!isSet || reader.next() != XmlReader.Event.START_ELEMENT || !BIND_NS.equals(reader.namespace()))
        {
            // RFC 6120 §7.1: nothing but binding is served before it.
            return error(iq, context, StanzaErrorCondition.NOT_ALLOWED);
        }
        String resource = null;
        XmlReader.Event event;
        while ((event = reader.next()) != XmlReader.Event.END_DOCUMENT)
        {
            if (event == XmlReader.Event.START_ELEMENT && "resource".equals(reader.localName()))
            {
                resource = reader.elementText().trim();
            }
        }
        if (resource == null || resource.isEmpty())
        {
            final byte[] random = new byte[9];
            context.random().nextBytes(random);
            resource = "ss-" + Base64.getUrlEncoder().withoutPadding().encodeToString(random);
        }
        final Jid jid = new JidParser().parse(username + "@" + context.server().domain() + "/" + resource);
        if (jid == null)
        {
            // RFC 6120 §7.7.2.1: a resource that is not a valid resourcepart.
            return error(iq, context, StanzaErrorCondition.BAD_REQUEST);
        }
        final StreamWriter writer = context.writer();
        final XmlEncoder xml = writer.encoder().startIqReply(iq);
        final int length = xml.attribute(TYPE, RESULT)
            .start(BIND).attribute(XMLNS, BIND_NS).start(JID).text(jid.toString()).end().end()
            .end().length();
        return new Result(writer.encoded(length), jid);
    }

    private static Result error(final ElementFlyweight iq, final C2sContext context,
        final StanzaErrorCondition condition)
    {
        return new Result(context.stanzaError(iq, condition), null);
    }
}
