package org.stanzaswitch.switching;

import org.stanzaswitch.codec.Bytes;
import org.stanzaswitch.codec.ElementFlyweight;
import org.stanzaswitch.codec.Jid;
import org.stanzaswitch.codec.JidParser;
import org.stanzaswitch.codec.StanzaErrorCondition;
import org.stanzaswitch.codec.XmlReader;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * XEP-0065 §6 at {@code proxy.<domain>}: the proxy's identity, its network address, and activation. The bytes
 * themselves never come near the router: the transport relays them ({@link BytestreamProxy}). Owned by the router
 * thread.
 */
final class ProxyService extends SubdomainService
{
    static final String NS = "http://jabber.org/protocol/bytestreams";
    private static final String PREFIX = "proxy.";

    private static final byte[] QUERY = Bytes.ascii("query");
    private static final byte[] IDENTITY = Bytes.ascii("identity");
    private static final byte[] FEATURE = Bytes.ascii("feature");
    private static final byte[] STREAMHOST = Bytes.ascii("streamhost");
    private static final byte[] XMLNS = Bytes.ascii("xmlns");
    private static final byte[] CATEGORY = Bytes.ascii("category");
    private static final byte[] TYPE = Bytes.ascii("type");
    private static final byte[] NAME = Bytes.ascii("name");
    private static final byte[] VAR = Bytes.ascii("var");
    private static final byte[] JID = Bytes.ascii("jid");
    private static final byte[] HOST = Bytes.ascii("host");
    private static final byte[] PORT = Bytes.ascii("port");

    private final BytestreamProxy proxy;
    private final JidParser parser = new JidParser();

    ProxyService(final Jid domain, final BytestreamProxy proxy)
    {
        super(domain, PREFIX, "SOCKS5 Bytestreams", 512);
        this.proxy = proxy;
    }

    @Override
    StanzaErrorCondition onRequest(final Session sender, final ElementFlyweight iq, final boolean get,
        final String namespace)
    {
        if (get && ServerServices.DISCO_INFO.equals(namespace))
        {
            // §5.2: a proxy is found by its identity.
            result(sender, iq).start(QUERY).attribute(XMLNS, ServerServices.DISCO_INFO).start(IDENTITY)
                .attribute(CATEGORY, "proxy").attribute(TYPE, "bytestreams").attribute(NAME, "SOCKS5 Bytestreams")
                .end().start(FEATURE).attribute(VAR, NS).end();
            sender.deliver(out, 0, xml.end().end().length());
            return null;
        }
        if (!NS.equals(namespace))
        {
            return StanzaErrorCondition.FEATURE_NOT_IMPLEMENTED;
        }
        if (get)
        {
            // §5.3.1: where to connect.
            result(sender, iq).start(QUERY).attribute(XMLNS, NS).start(STREAMHOST).attribute(JID, service.toString())
                .attribute(HOST, proxy.host()).attribute(PORT, Integer.toString(proxy.port())).end();
            sender.deliver(out, 0, xml.end().end().length());
            return null;
        }
        return activate(sender, iq, reader.attributeValue("sid"));
    }

    /**
     * §6.3.4: the initiator asks the proxy to join its connection with the target's.
     */
    private StanzaErrorCondition activate(final Session sender, final ElementFlyweight iq, final String sid)
    {
        Jid target = null;
        XmlReader.Event event;
        while ((event = reader.next()) != XmlReader.Event.END_DOCUMENT)
        {
            if (event == XmlReader.Event.START_ELEMENT && "activate".equals(reader.localName()))
            {
                target = parser.parse(reader.elementText().trim());
            }
        }
        if (sid == null || target == null || target.isBare())
        {
            return StanzaErrorCondition.BAD_REQUEST;
        }
        if (!proxy.activate(destination(sid, sender.jid(), target)))
        {
            return StanzaErrorCondition.ITEM_NOT_FOUND;
        }
        sender.deliver(out, 0, result(sender, iq).end().length());
        return null;
    }

    /**
     * @return §5.3.2's DST.ADDR: SHA-1 of session id, initiator and target, in lower-case hex.
     */
    static String destination(final String sid, final Jid initiator, final Jid target)
    {
        try
        {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-1")
                .digest((sid + initiator + target).getBytes(StandardCharsets.UTF_8)));
        }
        catch (final NoSuchAlgorithmException ex)
        {
            throw new IllegalStateException("every JDK has SHA-1", ex);
        }
    }
}
