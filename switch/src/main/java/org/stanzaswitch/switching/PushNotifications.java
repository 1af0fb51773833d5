package org.stanzaswitch.switching;

import org.agrona.ExpandableArrayBuffer;
import org.agrona.concurrent.UnsafeBuffer;
import org.stanzaswitch.codec.Bytes;
import org.stanzaswitch.codec.ElementFlyweight;
import org.stanzaswitch.codec.Jid;
import org.stanzaswitch.codec.JidParser;
import org.stanzaswitch.codec.StanzaErrorCondition;
import org.stanzaswitch.codec.XmlEncoder;
import org.stanzaswitch.codec.XmlReader;

import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.logging.Logger;

/**
 * XEP-0357 Push Notifications, the user's server's part: clients enable and disable push to an app server's node
 * (§5, §6; kept on the state journal), and when a message with a body arrives for a user who cannot get it now
 * (offline, so it is stored, or with only streams that wait to be resumed, including messages a connection
 * took and never acknowledged before it dropped) each registration gets a pubsub
 * publish of the summary form (§7): the count of messages since the user was last connected and the last
 * sender, never the body. App servers are reached as external components (XEP-0114); one that is not connected
 * misses the notification, which is logged; one that answers a publish with an error has that registration
 * disabled. Owned by the router thread.
 */
final class PushNotifications
{
    static final String NS = "urn:xmpp:push:0";

    private static final Logger LOG = Logger.getLogger(PushNotifications.class.getName());
    private static final String PUBSUB_NS = "http://jabber.org/protocol/pubsub";
    private static final int MAX_IN_FLIGHT = 4096;
    private static final String DATA_NS = "jabber:x:data";
    private static final byte[] IQ = Bytes.ascii("iq");
    private static final byte[] PUBSUB = Bytes.ascii("pubsub");
    private static final byte[] PUBLISH = Bytes.ascii("publish");
    private static final byte[] PUBLISH_OPTIONS = Bytes.ascii("publish-options");
    private static final byte[] ITEM = Bytes.ascii("item");
    private static final byte[] NOTIFICATION = Bytes.ascii("notification");
    private static final byte[] X = Bytes.ascii("x");
    private static final byte[] FIELD = Bytes.ascii("field");
    private static final byte[] VALUE = Bytes.ascii("value");
    private static final byte[] VAR = Bytes.ascii("var");
    private static final byte[] NODE = Bytes.ascii("node");
    private static final byte[] XMLNS = Bytes.ascii("xmlns");
    private static final byte[] FROM = Bytes.ascii("from");
    private static final byte[] TO = Bytes.ascii("to");
    private static final byte[] ID = Bytes.ascii("id");
    private static final byte[] TYPE = Bytes.ascii("type");

    private final StateWriter writer;
    private final PushRegistrations registrations;
    private final Function<String, Session> components;
    private final XmlReader reader = new XmlReader();
    private final JidParser jids = new JidParser();
    private final XmlEncoder xml = new XmlEncoder();
    private final ExpandableArrayBuffer command = new ExpandableArrayBuffer(512);
    private final ExpandableArrayBuffer publish = new ExpandableArrayBuffer(1024);
    private final UnsafeBuffer options = new UnsafeBuffer(0, 0);
    private final Map<String, Integer> waiting = new HashMap<>();
    /** The registration each publish in flight went to, by IQ id; bounded, answers are not awaited. */
    private final Map<String, PushRegistrations.Registration> inFlight = new LinkedHashMap<>(16, 0.75f, false)
    {
        @Override
        protected boolean removeEldestEntry(final Map.Entry<String, PushRegistrations.Registration> eldest)
        {
            return size() > MAX_IN_FLIGHT;
        }
    };
    private long published;

    /**
     * @param writer        to journal registrations.
     * @param registrations the registrations the state machine keeps.
     * @param components    the connected component serving a domain, or null.
     */
    PushNotifications(
        final StateWriter writer, final PushRegistrations registrations, final Function<String, Session> components)
    {
        this.writer = writer;
        this.registrations = registrations;
        this.components = components;
    }

    /**
     * §5 enable and §6 disable, set by the user for the user.
     *
     * @return the error to answer with, or null if answered.
     */
    StanzaErrorCondition onIq(final Session sender, final ElementFlyweight iq, final boolean set)
    {
        if (!set)
        {
            return StanzaErrorCondition.BAD_REQUEST;
        }
        reader.wrap(iq);
        reader.next();
        reader.next();
        final boolean enable = "enable".equals(reader.localName());
        final String jid = reader.attributeValue("jid");
        final String node = reader.attributeValue("node");
        if (!enable && !"disable".equals(reader.localName()) || jid == null || jids.parse(jid) == null ||
            enable && (node == null || node.isEmpty()))
        {
            return StanzaErrorCondition.BAD_REQUEST;
        }
        int optionsOffset = 0;
        int optionsLength = 0;
        XmlReader.Event event;
        while (enable && (event = reader.next()) != XmlReader.Event.END_DOCUMENT)
        {
            if (event == XmlReader.Event.START_ELEMENT && reader.depth() == 3 && "x".equals(reader.localName()) &&
                DATA_NS.equals(reader.namespace()))
            {
                // §5: the publish options go to the app server as the client wrote them.
                optionsOffset = reader.elementOffset();
                reader.skipElement();
                optionsLength = reader.position() - optionsOffset;
                break;
            }
        }
        options.wrap(iq.buffer(), optionsOffset, optionsLength);
        writer.write(command, PushRegistrations.encode(command, sender.jid().local(), enable, jid,
            node == null ? "" : node, options, 0, optionsLength));
        final int length = xml.wrap(publish, 0).startIqReply(iq).attribute(TYPE, "result")
            .attribute(FROM, sender.jid().bare().toString()).attribute(TO, sender.jid().toString()).end().length();
        sender.deliver(publish, 0, length);
        return null;
    }

    /**
     * A message with a body is waiting for the user: stored offline, or queued for streams waiting to be resumed.
     *
     * @param user   the recipient's bare JID.
     * @param sender who sent the message.
     */
    void messageWaiting(final Jid user, final Jid sender)
    {
        messagesWaiting(user, sender, 1);
    }

    /**
     * Messages with a body are waiting for the user, all at once: one notification for them.
     *
     * @param sender who sent the last of them, or null if unknown.
     */
    void messagesWaiting(final Jid user, final Jid sender, final int messages)
    {
        final List<PushRegistrations.Registration> list = registrations.of(user.local());
        if (list.isEmpty())
        {
            return;
        }
        final int count = waiting.merge(user.local(), messages, Integer::sum);
        for (int i = 0; i < list.size(); i++)
        {
            final PushRegistrations.Registration registration = list.get(i);
            final Jid appServer = jids.parse(registration.jid());
            final Session component = appServer == null ? null : components.apply(appServer.domain());
            if (component == null)
            {
                LOG.fine(() -> "push for " + user + " not sent: app server " + registration.jid() + " not connected");
                continue;
            }
            final String id = "push-" + ++published;
            inFlight.put(id, registration);
            component.deliver(publish, 0, encodePublish(user, sender, count, registration, id));
        }
    }

    /**
     * The user is connected again: the count of waiting messages starts over.
     */
    void userConnected(final Jid user)
    {
        if (!waiting.isEmpty())
        {
            waiting.remove(user.local());
        }
    }

    /**
     * An app server answered a publish with an error: the registration is dead (the device unregistered, the
     * token expired), so it is disabled, as XEP-0357 §7 asks of the user's server, instead of being retried with
     * every message.
     *
     * @param appServer the component that answered.
     * @param user      the bare JID the publish was sent from.
     * @param error     the IQ of type error.
     */
    void onPublishError(final Session appServer, final Jid user, final ElementFlyweight error)
    {
        final int idIndex = error.idIndex();
        if (idIndex < 0)
        {
            return;
        }
        final String id = error.buffer().getStringWithoutLengthUtf8(
            error.attributeValueOffset(idIndex), error.attributeValueLength(idIndex));
        final PushRegistrations.Registration registration = inFlight.remove(id);
        final Jid registered = registration == null ? null : jids.parse(registration.jid());
        if (registered == null || !registered.domain().equals(appServer.jid().domain()) ||
            !registrations.of(user.local()).contains(registration))
        {
            return;
        }
        LOG.info(() -> "push to " + registration.jid() + " node " + registration.node() + " for " + user +
            " refused by the app server; registration disabled");
        options.wrap(registration.publishOptions());
        writer.write(command, PushRegistrations.encode(command, user.local(), false, registration.jid(),
            registration.node(), options, 0, 0));
    }

    private int encodePublish(
        final Jid user, final Jid sender, final int count, final PushRegistrations.Registration registration,
        final String id)
    {
        xml.wrap(publish, 0).start(IQ).attribute(TYPE, "set").attribute(FROM, user.toString())
            .attribute(TO, registration.jid()).attribute(ID, id)
            .start(PUBSUB).attribute(XMLNS, PUBSUB_NS)
            .start(PUBLISH).attribute(NODE, registration.node()).start(ITEM)
            .start(NOTIFICATION).attribute(XMLNS, NS)
            .start(X).attribute(XMLNS, DATA_NS).attribute(TYPE, "submit");
        field("FORM_TYPE", "urn:xmpp:push:summary");
        field("message-count", Integer.toString(count));
        if (sender != null)
        {
            field("last-message-sender", sender.toString());
        }
        xml.end().end().end().end();
        if (registration.publishOptions().length > 0)
        {
            options.wrap(registration.publishOptions());
            xml.start(PUBLISH_OPTIONS).raw(options, 0, registration.publishOptions().length).end();
        }
        return xml.end().end().length();
    }

    private void field(final String var, final String value)
    {
        xml.start(FIELD).attribute(VAR, var).start(VALUE).text(value).end().end();
    }
}
