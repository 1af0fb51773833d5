package org.stanzaswitch.switching;

import org.agrona.ExpandableArrayBuffer;
import org.agrona.concurrent.UnsafeBuffer;
import org.stanzaswitch.codec.Bytes;
import org.stanzaswitch.codec.XmlEncoder;
import org.stanzaswitch.codec.XmlReader;

import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * One node of the XEP-0060 service: its configuration (§16.4.3's fields that this service offers), its
 * affiliations by bare JID, its subscribers, and its items. Kept in {@link UserData} as the XML {@link #encode}
 * writes:
 * <pre>
 *   &lt;node xmlns='urn:stanzaswitch:pubsub:0' flags='pdrxs' max='10' access='open' publish='publishers'
 *         creator='..'&gt;
 *     &lt;title/&gt; &lt;affiliation jid='..' value='owner'/&gt; &lt;subscriber jid='..'/&gt; &lt;item id='..'&gt;..
 * </pre>
 * Read and written on the router thread only.
 */
final class PubSubNode
{
    static final String OWNER = "owner";
    static final String PUBLISHER = "publisher";
    static final String MEMBER = "member";

    static final String TITLE = "pubsub#title";
    static final String ACCESS_MODEL = "pubsub#access_model";
    static final String PUBLISH_MODEL = "pubsub#publish_model";
    static final String MAX_ITEMS = "pubsub#max_items";
    static final String PERSIST_ITEMS = "pubsub#persist_items";
    static final String DELIVER_PAYLOADS = "pubsub#deliver_payloads";
    static final String DELIVER_NOTIFICATIONS = "pubsub#deliver_notifications";
    static final String NOTIFY_RETRACT = "pubsub#notify_retract";
    static final String NOTIFY_DELETE = "pubsub#notify_delete";
    static final String SEND_LAST = "pubsub#send_last_published_item";
    static final List<String> ACCESS_MODELS = List.of("open", "whitelist");
    static final List<String> PUBLISH_MODELS = List.of("publishers", "open");
    static final List<String> SEND_LAST_VALUES = List.of("never", "on_sub");

    private static final int DEFAULT_MAX_ITEMS = 10;
    private static final String NS = "urn:stanzaswitch:pubsub:0";
    private static final byte[] NODE = Bytes.ascii("node");
    private static final byte[] XMLNS = Bytes.ascii("xmlns");
    private static final byte[] FLAGS = Bytes.ascii("flags");
    private static final byte[] MAX = Bytes.ascii("max");
    private static final byte[] ACCESS = Bytes.ascii("access");
    private static final byte[] PUBLISH = Bytes.ascii("publish");
    private static final byte[] CREATOR = Bytes.ascii("creator");
    private static final byte[] TITLE_ELEMENT = Bytes.ascii("title");
    private static final byte[] AFFILIATION = Bytes.ascii("affiliation");
    private static final byte[] SUBSCRIBER = Bytes.ascii("subscriber");
    private static final byte[] JID = Bytes.ascii("jid");
    private static final byte[] VALUE = Bytes.ascii("value");

    /** The bare JID of the account that created the node, whose quota of nodes it counts against. */
    String creator = "";
    String title = "";
    /** open, or whitelist: only those with an affiliation subscribe and read (§4.5). */
    String accessModel = "open";
    /** publishers (owners and publishers), or open: anyone on the server (§16.4.3). */
    String publishModel = "publishers";
    int maxItems = DEFAULT_MAX_ITEMS;
    boolean persistItems = true;
    boolean deliverPayloads = true;
    boolean notifyRetract = true;
    boolean notifyDelete = true;
    boolean sendLastOnSubscribe;
    final Map<String, String> affiliations = new LinkedHashMap<>();
    final Set<String> subscribers = new LinkedHashSet<>();
    final NodeItems items = new NodeItems();

    String affiliation(final String bareJid)
    {
        return affiliations.getOrDefault(bareJid, "none");
    }

    boolean isOwner(final String bareJid)
    {
        return OWNER.equals(affiliations.get(bareJid));
    }

    boolean mayPublish(final String bareJid)
    {
        return publishModel.equals("open") || isOwner(bareJid) || PUBLISHER.equals(affiliations.get(bareJid));
    }

    /**
     * §4.5: an open node is read and subscribed to by anyone; a whitelist node by those with an affiliation.
     */
    boolean mayAccess(final String bareJid)
    {
        return accessModel.equals("open") || affiliations.containsKey(bareJid);
    }

    /**
     * Apply a configuration form's fields (§8.2.4, §8.1.3).
     *
     * @return null if every field was understood and its value allowed, else the field that was not.
     */
    String configure(final Map<String, List<String>> fields)
    {
        for (final Map.Entry<String, List<String>> field : fields.entrySet())
        {
            if (!configure(field.getKey(), field.getValue().isEmpty() ? "" : field.getValue().get(0)))
            {
                return field.getKey();
            }
        }
        if (!persistItems)
        {
            items.clear();
        }
        items.trim(maxItems);
        return null;
    }

    private boolean configure(final String field, final String value)
    {
        switch (field)
        {
            case PepNode.FORM_TYPE:
                return true;
            case TITLE:
                title = value;
                return true;
            case ACCESS_MODEL:
                accessModel = value;
                return ACCESS_MODELS.contains(value);
            case PUBLISH_MODEL:
                publishModel = value;
                return PUBLISH_MODELS.contains(value);
            case SEND_LAST:
                sendLastOnSubscribe = value.equals("on_sub");
                return SEND_LAST_VALUES.contains(value);
            case MAX_ITEMS:
                maxItems = maxItems(value);
                return maxItems > 0;
            default:
                final Boolean flag = DataForm.bool(value);
                return flag != null && configureFlag(field, flag);
        }
    }

    private boolean configureFlag(final String field, final boolean flag)
    {
        switch (field)
        {
            case PERSIST_ITEMS -> persistItems = flag;
            case DELIVER_PAYLOADS -> deliverPayloads = flag;
            case NOTIFY_RETRACT -> notifyRetract = flag;
            case NOTIFY_DELETE -> notifyDelete = flag;
            // Notifications are what the service is for: they cannot be turned off here.
            case DELIVER_NOTIFICATIONS ->
            {
                return flag;
            }
            default ->
            {
                return false;
            }
        }
        return true;
    }

    /**
     * @return the count, or 0 if the value is not one from 1 to {@link NodeItems#MAX_ITEMS} or 'max'.
     */
    private static int maxItems(final String value)
    {
        try
        {
            final int parsed = value.equals("max") ? NodeItems.MAX_ITEMS : Integer.parseInt(value);
            return parsed < 1 || parsed > NodeItems.MAX_ITEMS ? 0 : parsed;
        }
        catch (final NumberFormatException ex)
        {
            return 0;
        }
    }

    /**
     * @return bytes written at the start of the buffer.
     */
    int encode(final XmlEncoder xml, final ExpandableArrayBuffer out)
    {
        xml.wrap(out, 0).start(NODE).attribute(XMLNS, NS).attribute(FLAGS, flags())
            .attribute(MAX, Integer.toString(maxItems)).attribute(ACCESS, accessModel)
            .attribute(PUBLISH, publishModel).attribute(CREATOR, creator).start(TITLE_ELEMENT).text(title).end();
        for (final Map.Entry<String, String> affiliation : affiliations.entrySet())
        {
            xml.start(AFFILIATION).attribute(JID, affiliation.getKey()).attribute(VALUE, affiliation.getValue()).end();
        }
        for (final String subscriber : subscribers)
        {
            xml.start(SUBSCRIBER).attribute(JID, subscriber).end();
        }
        items.encode(xml);
        return xml.end().length();
    }

    /** The boolean settings as letters, one per setting that is on. */
    private String flags()
    {
        return (persistItems ? "p" : "") + (deliverPayloads ? "d" : "") + (notifyRetract ? "r" : "") +
            (notifyDelete ? "x" : "") + (sendLastOnSubscribe ? "s" : "");
    }

    static PubSubNode decode(final XmlReader reader, final byte[] stored)
    {
        final PubSubNode node = new PubSubNode();
        final UnsafeBuffer buffer = new UnsafeBuffer(stored);
        reader.wrap(buffer, 0, stored.length, "", "");
        reader.next();
        final String flags = reader.attributeValue("flags");
        node.persistItems = flags.contains("p");
        node.deliverPayloads = flags.contains("d");
        node.notifyRetract = flags.contains("r");
        node.notifyDelete = flags.contains("x");
        node.sendLastOnSubscribe = flags.contains("s");
        node.maxItems = Integer.parseInt(reader.attributeValue("max"));
        node.accessModel = reader.attributeValue("access");
        node.publishModel = reader.attributeValue("publish");
        node.creator = reader.attributeValue("creator");
        XmlReader.Event event;
        while ((event = reader.next()) != XmlReader.Event.END_DOCUMENT)
        {
            if (event != XmlReader.Event.START_ELEMENT || reader.depth() != 2)
            {
                continue;
            }
            switch (reader.localName())
            {
                case "title" -> node.title = reader.elementText();
                case "affiliation" ->
                    node.affiliations.put(reader.attributeValue("jid"), reader.attributeValue("value"));
                case "subscriber" -> node.subscribers.add(reader.attributeValue("jid"));
                default -> node.items.decode(reader, buffer);
            }
        }
        return node;
    }
}
