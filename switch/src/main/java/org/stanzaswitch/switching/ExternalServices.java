package org.stanzaswitch.switching;

import org.agrona.ExpandableArrayBuffer;
import org.agrona.concurrent.UnsafeBuffer;
import org.stanzaswitch.codec.Bytes;
import org.stanzaswitch.codec.ElementFlyweight;
import org.stanzaswitch.codec.Jid;
import org.stanzaswitch.codec.StanzaErrorCondition;
import org.stanzaswitch.codec.XmlEncoder;
import org.stanzaswitch.codec.XmlReader;
import org.stanzaswitch.codec.XmppTime;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.Base64;
import java.util.List;
import java.util.function.LongSupplier;

/**
 * XEP-0215 external service discovery: the services the operator configured, all (§3.1) or of one type (§3.2),
 * and credentials for one (§3.3). Credentials made from a shared secret follow the TURN REST API that coturn
 * reads with {@code use-auth-secret}: the username is the expiry in Unix seconds and the user's local part, the
 * password the base64 HMAC-SHA1 of the username under the secret; each answer carries them with their expiry,
 * so a client need not ask again. Owned by the router thread.
 */
final class ExternalServices
{
    static final String NS = "urn:xmpp:extdisco:2";

    private static final byte[] SERVICES = Bytes.ascii("services");
    private static final byte[] CREDENTIALS = Bytes.ascii("credentials");
    private static final byte[] SERVICE = Bytes.ascii("service");
    private static final byte[] XMLNS = Bytes.ascii("xmlns");
    private static final byte[] TYPE = Bytes.ascii("type");
    private static final byte[] HOST = Bytes.ascii("host");
    private static final byte[] PORT = Bytes.ascii("port");
    private static final byte[] TRANSPORT = Bytes.ascii("transport");
    private static final byte[] NAME = Bytes.ascii("name");
    private static final byte[] USERNAME = Bytes.ascii("username");
    private static final byte[] PASSWORD = Bytes.ascii("password");
    private static final byte[] EXPIRES = Bytes.ascii("expires");
    private static final byte[] RESTRICTED = Bytes.ascii("restricted");

    private static final byte[] FROM = Bytes.ascii("from");
    private static final byte[] TO = Bytes.ascii("to");
    private static final byte[] RESULT = Bytes.ascii("result");
    private static final byte[] GET = Bytes.ascii("get");

    private final Jid domain;
    private final List<ExternalService> services;
    private final LongSupplier clock;
    private final XmlReader reader = new XmlReader();
    private final XmlEncoder xml = new XmlEncoder();
    private final ExpandableArrayBuffer out = new ExpandableArrayBuffer(1024);
    private final UnsafeBuffer stamp = new UnsafeBuffer(new byte[XmppTime.LENGTH]);

    /**
     * @param domain   the server's domain, which answers.
     * @param services the configured services, in the order they are listed.
     * @param clock    the time in ms since the epoch, which made credentials expire from.
     */
    ExternalServices(final Jid domain, final List<ExternalService> services, final LongSupplier clock)
    {
        this.domain = domain;
        this.services = List.copyOf(services);
        this.clock = clock;
    }

    boolean isEmpty()
    {
        return services.isEmpty();
    }

    /**
     * Answer a request in this protocol's namespace sent to the server.
     *
     * @return null if answered, else the error to return.
     */
    StanzaErrorCondition onIq(final Session requester, final ElementFlyweight iq)
    {
        if (!iq.attributeValueEquals(iq.typeIndex(), GET))
        {
            return StanzaErrorCondition.BAD_REQUEST;
        }
        reader.wrap(iq);
        reader.next();
        reader.next();
        final Jid user = requester.jid();
        xml.wrap(out, 0).startIqReply(iq).attribute(FROM, domain.toString()).attribute(TO, user.toString())
            .attribute(TYPE, RESULT);
        final String payload = reader.localName();
        if ("services".equals(payload))
        {
            final String type = reader.attributeValue("type");
            xml.start(SERVICES).attribute(XMLNS, NS);
            if (type != null)
            {
                xml.attribute(TYPE, type);
            }
            for (final ExternalService service : services)
            {
                if (type == null || type.equals(service.type()))
                {
                    service(service, user);
                }
            }
        }
        else if ("credentials".equals(payload))
        {
            final StanzaErrorCondition refused = credentials(user);
            if (refused != null)
            {
                return refused;
            }
        }
        else
        {
            return StanzaErrorCondition.BAD_REQUEST;
        }
        requester.deliver(out, 0, xml.end().end().length());
        return null;
    }

    /**
     * §3.3: credentials for the service the request names by host and type, and port if several match.
     */
    private StanzaErrorCondition credentials(final Jid user)
    {
        String host = null;
        String type = null;
        String port = null;
        XmlReader.Event event;
        while ((event = reader.next()) != XmlReader.Event.END_DOCUMENT)
        {
            if (event == XmlReader.Event.START_ELEMENT && "service".equals(reader.localName()))
            {
                host = reader.attributeValue("host");
                type = reader.attributeValue("type");
                port = reader.attributeValue("port");
                break;
            }
        }
        if (host == null || type == null)
        {
            return StanzaErrorCondition.BAD_REQUEST;
        }
        xml.start(CREDENTIALS).attribute(XMLNS, NS);
        boolean found = false;
        for (final ExternalService service : services)
        {
            if (service.restricted() && service.host().equals(host) && service.type().equals(type) &&
                (port == null || port.equals(Integer.toString(service.port()))))
            {
                service(service, user);
                found = true;
            }
        }
        return found ? null : StanzaErrorCondition.ITEM_NOT_FOUND;
    }

    private void service(final ExternalService service, final Jid requester)
    {
        xml.start(SERVICE).attribute(TYPE, service.type()).attribute(HOST, service.host());
        if (service.port() != 0)
        {
            xml.attribute(PORT, Integer.toString(service.port()));
        }
        if (service.transport() != null)
        {
            xml.attribute(TRANSPORT, service.transport());
        }
        if (service.name() != null)
        {
            xml.attribute(NAME, service.name());
        }
        if (service.secret() != null)
        {
            final long expires = clock.getAsLong() / 1000 + service.ttlSeconds();
            final String username = expires + ":" + (requester.local() == null ? "" : requester.local());
            XmppTime.write(expires * 1000, stamp, 0);
            xml.attribute(USERNAME, username).attribute(PASSWORD, password(service.secret(), username))
                .attribute(EXPIRES, stamp.getStringWithoutLengthAscii(0, XmppTime.LENGTH))
                .attribute(RESTRICTED, "1");
        }
        else if (service.restricted())
        {
            if (service.username() != null)
            {
                xml.attribute(USERNAME, service.username());
            }
            if (service.password() != null)
            {
                xml.attribute(PASSWORD, service.password());
            }
            xml.attribute(RESTRICTED, "1");
        }
        xml.end();
    }

    /**
     * @return the TURN REST API password: base64 of HMAC-SHA1(secret, username).
     */
    static String password(final String secret, final String username)
    {
        try
        {
            final Mac mac = Mac.getInstance("HmacSHA1");
            mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA1"));
            return Base64.getEncoder().encodeToString(mac.doFinal(username.getBytes(StandardCharsets.UTF_8)));
        }
        catch (final GeneralSecurityException ex)
        {
            throw new IllegalStateException("HmacSHA1 is part of every JDK", ex);
        }
    }
}
