package org.stanzaswitch.switching;

import org.agrona.DirectBuffer;
import org.agrona.ExpandableArrayBuffer;
import org.agrona.concurrent.UnsafeBuffer;
import org.stanzaswitch.codec.Bytes;
import org.stanzaswitch.codec.ChildElements;
import org.stanzaswitch.codec.ElementFlyweight;
import org.stanzaswitch.codec.Jid;
import org.stanzaswitch.codec.XmlEncoder;
import org.stanzaswitch.codec.XmlChars;
import org.stanzaswitch.codec.XmlReader;

import java.nio.charset.StandardCharsets;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.List;

/**
 * The IQs the server answers itself (RFC 6120 §8.2.3), each by the namespace of the request's child:
 * XEP-0199 ping, XEP-0030 service discovery, XEP-0092 software version, XEP-0202 entity time, XEP-0012 uptime,
 * the vCard-temp (XEP-0054, empty) and the RFC 3921 session
 * establishment that old clients still send. Parses the payload with {@link XmlReader}: off the routing path,
 * since IQs to the server are rare next to messages. Owned by the router thread.
 */
final class ServerServices
{
    static final String PING = "urn:xmpp:ping";
    static final String DISCO_INFO = "http://jabber.org/protocol/disco#info";
    static final String DISCO_ITEMS = "http://jabber.org/protocol/disco#items";
    static final String VERSION = "jabber:iq:version";
    static final String TIME = "urn:xmpp:time";
    static final String ROSTER = "jabber:iq:roster";
    static final String VCARD = "vcard-temp";
    static final String SESSION = "urn:ietf:params:xml:ns:xmpp-session";
    static final String LAST = "jabber:iq:last";
    static final byte[] LAST_BYTES = Bytes.ascii(LAST);

    // The accounts' PEP features are announced on the domain too, where ejabberd announces them and clients such as
    // Smack's OpenPGP and OMEMO managers look, the bare pubsub namespace with them; a client looking for a pubsub
    // service goes by the identity, pubsub/service, which only pubsub.<domain> has.
    private static final String[] FEATURES = concat(new String[]{DISCO_INFO, DISCO_ITEMS, PING, VERSION, TIME, LAST,
        ROSTER, VCARD, "jabber:iq:private", "urn:xmpp:blocking", "msgoffline", "urn:xmpp:carbons:2", Amp.NS,
        PepService.PUBSUB_NS}, PepService.FEATURES);
    /** XEP-0079 §2.2: what the AMP node lists, one feature per supported action and condition. */
    private static final String[] AMP_FEATURES = ampFeatures();
    /** XEP-0313 §6, XEP-0357 §4: the archive and push are the account's, so their features are on its bare JID. */
    private static final String[] ACCOUNT_FEATURES = concat(new String[]{DISCO_INFO, DISCO_ITEMS,
        PushNotifications.NS, "urn:xmpp:mam:2", "urn:xmpp:mam:2#extended", "urn:xmpp:sid:0", "urn:xmpp:archive:auto",
        "urn:xmpp:archive:manage", AvatarConversion.FEATURE, PepService.PUBSUB_NS}, PepService.FEATURES);
    private static final byte[] IQ = Bytes.ascii("iq");
    private static final byte[] PRESENCE = Bytes.ascii("presence");
    private static final byte[] QUERY = Bytes.ascii("query");
    private static final byte[] XMLNS = Bytes.ascii("xmlns");
    private static final byte[] TO = Bytes.ascii("to");
    private static final byte[] FROM = Bytes.ascii("from");
    private static final byte[] TYPE = Bytes.ascii("type");
    private static final byte[] RESULT = Bytes.ascii("result");
    private static final byte[] UNAVAILABLE = Bytes.ascii("unavailable");
    private static final byte[] IDENTITY = Bytes.ascii("identity");
    private static final byte[] ITEM = Bytes.ascii("item");
    private static final byte[] JID = Bytes.ascii("jid");
    private static final byte[] FEATURE = Bytes.ascii("feature");
    private static final byte[] VAR = Bytes.ascii("var");
    private static final byte[] CATEGORY = Bytes.ascii("category");
    private static final byte[] NAME = Bytes.ascii("name");
    private static final byte[] TIME_ELEMENT = Bytes.ascii("time");
    private static final byte[] TZO = Bytes.ascii("tzo");
    private static final byte[] UTC = Bytes.ascii("utc");
    private static final byte[] VERSION_ELEMENT = Bytes.ascii("version");
    private static final byte[] OS = Bytes.ascii("os");
    private static final byte[] GET = Bytes.ascii("get");
    private static final byte[] SECONDS = Bytes.ascii("seconds");
    private static final byte[] NODE = Bytes.ascii("node");
    private static final byte[] PRIORITY = Bytes.ascii("priority");
    private static final byte[] AMPERSAND = Bytes.ascii("&");
    private static final byte[] LESS_THAN = Bytes.ascii("<");
    private static final String STATUS = "status";
    private static final int MAX_STATUS_CHARS = 1024;

    private final Jid domain;
    private final Jid mucService;
    private final String[] features;
    private final List<SubdomainService> subdomainServices;
    private final XmlReader reader = new XmlReader();
    private final ChildElements children = new ChildElements();
    private final XmlEncoder encoder = new XmlEncoder();

    private final long startedMillis = System.currentTimeMillis();

    ServerServices(final Jid domain)
    {
        this(domain, List.of(), false);
    }

    /**
     * @param subdomainServices        listed among the server's items, after the chat rooms.
     * @param externalServiceDiscovery whether the server tells of external services (XEP-0215 §5).
     */
    ServerServices(
        final Jid domain, final List<SubdomainService> subdomainServices, final boolean externalServiceDiscovery)
    {
        this.domain = domain;
        this.mucService = MucService.serviceOf(domain);
        this.subdomainServices = subdomainServices;
        this.features = externalServiceDiscovery ? concat(FEATURES, new String[]{ExternalServices.NS}) : FEATURES;
    }

    /**
     * @param from    the requester.
     * @param to      the addressee: the domain, the requester's bare JID or null.
     * @param request an IQ get or set.
     * @param reply   where to write the answer.
     * @return bytes written, or 0 if no service here handles the request (service-unavailable, §8.4).
     */
    int handle(final Jid from, final Jid to, final ElementFlyweight request, final ExpandableArrayBuffer reply)
    {
        reader.wrap(request);
        reader.next();
        if (reader.next() != XmlReader.Event.START_ELEMENT)
        {
            return 0;
        }
        final String namespace = reader.namespace();
        final boolean get = request.attributeValueEquals(request.typeIndex(), GET);
        final boolean toServer = to == null || to.equals(domain);
        switch (namespace)
        {
            case PING:
            case SESSION:
                return result(from, to, request, reply).end().length();
            case DISCO_INFO:
                if (!get)
                {
                    return 0;
                }
                final String node = reader.attributeValue("node");
                if (node == null)
                {
                    return discoInfo(from, to, request, reply, toServer);
                }
                return toServer && Amp.NS.equals(node) ? ampNode(from, to, request, reply) : 0;
            case DISCO_ITEMS:
                return get && toServer ? serverItems(from, to, request, reply) : 0;
            case VERSION:
                return get && toServer ? version(from, to, request, reply) : 0;
            case TIME:
                return get && toServer ? time(from, to, request, reply) : 0;
            case LAST:
                // XEP-0012 §5: to the server, last activity is its uptime.
                return get && toServer ?
                    lastActivity(from, to, request, reply, (System.currentTimeMillis() - startedMillis) / 1000, "") : 0;
            default:
                return 0;
        }
    }

    /**
     * @return the namespace of the request's payload element, "" if it has none.
     */
    String payloadNamespace(final ElementFlyweight request)
    {
        reader.wrap(request);
        reader.next();
        return reader.next() == XmlReader.Event.START_ELEMENT ? reader.namespace() : "";
    }

    /**
     * @return the local name of the request's payload, or "" if it has none.
     */
    String payloadName(final ElementFlyweight request)
    {
        reader.wrap(request);
        reader.next();
        return reader.next() == XmlReader.Event.START_ELEMENT ? reader.localName() : "";
    }

    private XmlEncoder result(final Jid from, final Jid to, final ElementFlyweight request,
        final ExpandableArrayBuffer reply)
    {
        encoder.wrap(reply, 0).startIqReply(request);
        return encoder.attribute(FROM, (to == null ? from.bare() : to).toString())
            .attribute(TO, from.toString())
            .attribute(TYPE, RESULT);
    }

    /**
     * XEP-0030 §4, XEP-0045 §6.1, XEP-0060 §5.2, XEP-0065 §5.1, XEP-0363 §3: the server's items are its services.
     */
    private int serverItems(final Jid from, final Jid to, final ElementFlyweight request,
        final ExpandableArrayBuffer reply)
    {
        final XmlEncoder xml = result(from, to, request, reply).start(QUERY).attribute(XMLNS, DISCO_ITEMS)
            .start(ITEM).attribute(JID, mucService.toString()).attribute(NAME, "Chatrooms").end();
        for (final SubdomainService service : subdomainServices)
        {
            xml.start(ITEM).attribute(JID, service.address().toString()).attribute(NAME, service.name()).end();
        }
        return xml.end().end().length();
    }

    private int discoInfo(
        final Jid from, final Jid to, final ElementFlyweight request, final ExpandableArrayBuffer reply,
        final boolean toServer)
    {
        final XmlEncoder xml =
            result(from, to, request, reply).start(QUERY).attribute(XMLNS, DISCO_INFO).start(IDENTITY);
        if (toServer)
        {
            xml.attribute(CATEGORY, "server").attribute(TYPE, "im").attribute(NAME, "Stanza Switch").end()
                .start(IDENTITY).attribute(CATEGORY, "pubsub").attribute(TYPE, "pep").end();
        }
        else
        {
            // XEP-0163 §5.1: every account is also its own PEP service.
            xml.attribute(CATEGORY, "account").attribute(TYPE, "registered").end()
                .start(IDENTITY).attribute(CATEGORY, "pubsub").attribute(TYPE, "pep").end();
        }
        for (final String feature : toServer ? features : ACCOUNT_FEATURES)
        {
            xml.start(FEATURE).attribute(VAR, feature).end();
        }
        return xml.end().end().length();
    }

    private static String[] concat(final String[] first, final String[] second)
    {
        final String[] all = java.util.Arrays.copyOf(first, first.length + second.length);
        System.arraycopy(second, 0, all, first.length, second.length);
        return all;
    }

    private static String[] ampFeatures()
    {
        final String[] features = new String[Amp.ACTIONS.length + Amp.CONDITIONS.length + 1];
        int at = 0;
        features[at++] = Amp.NS;
        for (final String action : Amp.ACTIONS)
        {
            features[at++] = Amp.NS + "?action=" + action;
        }
        for (final String condition : Amp.CONDITIONS)
        {
            features[at++] = Amp.NS + "?condition=" + condition;
        }
        return features;
    }

    private int ampNode(final Jid from, final Jid to, final ElementFlyweight request, final ExpandableArrayBuffer reply)
    {
        final XmlEncoder xml = result(from, to, request, reply).start(QUERY).attribute(XMLNS, DISCO_INFO)
            .attribute(NODE, Amp.NS);
        for (final String feature : AMP_FEATURES)
        {
            xml.start(FEATURE).attribute(VAR, feature).end();
        }
        return xml.end().end().length();
    }

    private int version(final Jid from, final Jid to, final ElementFlyweight request, final ExpandableArrayBuffer reply)
    {
        return result(from, to, request, reply).start(QUERY).attribute(XMLNS, VERSION)
            .start(NAME).text("Stanza Switch").end()
            .start(VERSION_ELEMENT).text(versionText()).end()
            .start(OS).text(System.getProperty("os.name")).end()
            .end().end().length();
    }

    /**
     * XEP-0012: a last activity result, seconds ago and the status text (empty for none).
     */
    int lastActivity(
        final Jid from, final Jid to, final ElementFlyweight request, final ExpandableArrayBuffer reply,
        final long seconds, final String status)
    {
        final XmlEncoder xml = result(from, to, request, reply).start(QUERY).attribute(XMLNS, LAST)
            .attribute(SECONDS, Long.toString(Math.max(0, seconds)));
        if (!status.isEmpty())
        {
            xml.text(status);
        }
        return xml.end().end().length();
    }

    private static String versionText()
    {
        final String version = ServerServices.class.getPackage().getImplementationVersion();
        return version == null ? "development" : version;
    }

    private int time(final Jid from, final Jid to, final ElementFlyweight request, final ExpandableArrayBuffer reply)
    {
        final OffsetDateTime now = OffsetDateTime.now(ZoneOffset.UTC).truncatedTo(ChronoUnit.MILLIS);
        return result(from, to, request, reply).start(TIME_ELEMENT).attribute(XMLNS, TIME)
            .start(TZO).text("+00:00").end()
            .start(UTC).text(DateTimeFormatter.ISO_INSTANT.format(now)).end()
            .end().end().length();
    }

    /**
     * @return a presence of type unavailable from the given session, for its user's other resources.
     */
    int unavailablePresence(final Jid from, final ExpandableArrayBuffer buffer)
    {
        return encoder.wrap(buffer, 0).start(PRESENCE).attribute(FROM, from.toString()).attribute(TYPE, UNAVAILABLE)
            .end().length();
    }

    /**
     * @return the status text a presence carries (RFC 6121 §4.7.2.2), at most 1,024 characters; "" if none.
     */
    String statusOf(final ElementFlyweight presence)
    {
        if (presence.isEmptyElement())
        {
            return "";
        }
        reader.wrap(presence);
        reader.next();
        XmlReader.Event event;
        while ((event = reader.next()) != XmlReader.Event.END_DOCUMENT)
        {
            if (event == XmlReader.Event.START_ELEMENT && reader.depth() == 2 && STATUS.equals(reader.localName()))
            {
                final String status = reader.elementText().trim();
                return status.length() > MAX_STATUS_CHARS ? status.substring(0, MAX_STATUS_CHARS) : status;
            }
        }
        return "";
    }

    /**
     * @return the priority a presence states (RFC 6121 §4.7.2.3), 0 if none or malformed, clamped to a byte.
     * Read in place on every presence broadcast; only a priority written with a reference or CDATA is decoded,
     * by {@link XmlReader}.
     */
    int priorityOf(final ElementFlyweight presence)
    {
        if (presence.isEmptyElement())
        {
            return 0;
        }
        children.wrap(presence);
        while (children.next())
        {
            if (children.isInParentNamespace(PRIORITY))
            {
                final int offset = children.contentOffset();
                final int length = children.contentLength();
                final DirectBuffer buffer = presence.buffer();
                return Bytes.contains(buffer, offset, length, AMPERSAND) ||
                    Bytes.contains(buffer, offset, length, LESS_THAN) ?
                    priority(decodedText(buffer, children.childOffset(), children.childLength())) :
                    priority(buffer, offset, length);
            }
        }
        return 0;
    }

    /**
     * @return the integer an xs:byte's text states, between optional whitespace, clamped to -128..127; 0 if it
     * is not an integer, or too large for an int.
     */
    static int priority(final DirectBuffer buffer, final int offset, final int length)
    {
        int i = offset;
        int end = offset + length;
        while (i < end && XmlChars.isWhitespace(buffer.getByte(i)))
        {
            i++;
        }
        while (end > i && XmlChars.isWhitespace(buffer.getByte(end - 1)))
        {
            end--;
        }
        final boolean negative = i < end && buffer.getByte(i) == '-';
        if (i < end && (negative || buffer.getByte(i) == '+'))
        {
            i++;
        }
        if (i == end)
        {
            return 0;
        }
        long value = 0;
        for (; i < end; i++)
        {
            final int digit = buffer.getByte(i) - '0';
            if (digit < 0 || digit > 9)
            {
                return 0;
            }
            value = value * 10 + digit;
            if (value > Integer.MAX_VALUE + 1L)
            {
                return 0;
            }
        }
        final long signed = negative ? -value : value;
        return signed > Integer.MAX_VALUE ? 0 : (int)Math.max(-128, Math.min(127, signed));
    }

    private static int priority(final String text)
    {
        final byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        return priority(new UnsafeBuffer(bytes), 0, bytes.length);
    }

    /**
     * @return the text directly inside the element at that range, references replaced and CDATA unwrapped.
     */
    private String decodedText(final DirectBuffer buffer, final int offset, final int length)
    {
        reader.wrap(buffer, offset, length, "", "");
        reader.next();
        return reader.elementText();
    }
}
