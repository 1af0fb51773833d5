package org.stanzaswitch.switching;

import org.agrona.ExpandableArrayBuffer;
import org.agrona.concurrent.UnsafeBuffer;
import org.stanzaswitch.codec.Bytes;
import org.stanzaswitch.codec.XmlEncoder;
import org.stanzaswitch.codec.XmlReader;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * One XEP-0163 node of an account: its configuration and its items, oldest first. Kept in {@link UserData} as
 * the XML {@link #encode} writes, so a journal reader sees what an account publishes:
 * <pre>
 *   &lt;node xmlns='urn:stanzaswitch:pep:0' access='presence' max='1' last='true'&gt;
 *     &lt;group&gt;Friends&lt;/group&gt; &lt;item id='current'&gt;payload&lt;/item&gt; ...
 * </pre>
 * Read and written on the router thread only; a publish decodes the node, changes it and stores it whole.
 */
final class PepNode
{
    /** XEP-0060 §4.5 access models; XEP-0163 §6 asks for presence (the default), open, roster and whitelist. */
    enum Access
    {
        PRESENCE, OPEN, ROSTER, WHITELIST;

        String value()
        {
            return name().toLowerCase(java.util.Locale.ROOT);
        }

        static Access of(final String value)
        {
            for (final Access access : values())
            {
                if (access.value().equals(value))
                {
                    return access;
                }
            }
            return null;
        }
    }

    static final String FORM_TYPE = "FORM_TYPE";
    static final String ACCESS_MODEL = "pubsub#access_model";
    static final String MAX_ITEMS_FIELD = "pubsub#max_items";
    static final String SEND_LAST = "pubsub#send_last_published_item";
    static final String ROSTER_GROUPS = "pubsub#roster_groups_allowed";
    /** Behaviour that is fixed here: persistent items, notifications with payloads, retractions notified. */
    private static final List<String> ALWAYS_TRUE = List.of(
        "pubsub#persist_items", "pubsub#deliver_notifications", "pubsub#deliver_payloads", "pubsub#notify_retract");

    private static final String NS = "urn:stanzaswitch:pep:0";
    private static final byte[] NODE = Bytes.ascii("node");
    private static final byte[] GROUP = Bytes.ascii("group");
    private static final byte[] XMLNS = Bytes.ascii("xmlns");
    private static final byte[] ACCESS = Bytes.ascii("access");
    private static final byte[] MAX = Bytes.ascii("max");
    private static final byte[] LAST = Bytes.ascii("last");

    Access access = Access.PRESENCE;
    int maxItems = 1;
    /** {@code send_last_published_item} other than 'never': the last item goes to newly available resources. */
    boolean sendLastOnPresence = true;
    List<String> rosterGroups = List.of();
    final NodeItems items = new NodeItems();

    /**
     * Add an item, replacing one with the same id (XEP-0060 §7.1.2), then drop the oldest beyond the limits.
     */
    void publish(final String id, final byte[] payload)
    {
        items.publish(id, payload, maxItems);
    }

    /**
     * Apply a configuration form's fields (XEP-0060 §8.2.4, and §7.1.5 for publish options).
     *
     * @param fields values by field name.
     * @return null if every field was understood and its value allowed, else the field that was not.
     */
    String configure(final Map<String, List<String>> fields)
    {
        for (final Map.Entry<String, List<String>> field : fields.entrySet())
        {
            final String value = field.getValue().isEmpty() ? "" : field.getValue().get(0);
            switch (field.getKey())
            {
                case FORM_TYPE:
                    break;
                case ACCESS_MODEL:
                    access = Access.of(value);
                    if (access == null)
                    {
                        return field.getKey();
                    }
                    break;
                case MAX_ITEMS_FIELD:
                    maxItems = parseMaxItems(value);
                    if (maxItems < 1)
                    {
                        return field.getKey();
                    }
                    break;
                case SEND_LAST:
                    if (!value.equals("never") && !value.equals("on_sub") && !value.equals("on_sub_and_presence"))
                    {
                        return field.getKey();
                    }
                    sendLastOnPresence = value.equals("on_sub_and_presence");
                    break;
                case ROSTER_GROUPS:
                    rosterGroups = List.copyOf(field.getValue());
                    break;
                default:
                    if (!ALWAYS_TRUE.contains(field.getKey()) || !(value.equals("1") || value.equals("true")))
                    {
                        return field.getKey();
                    }
            }
        }
        items.trim(maxItems);
        return null;
    }

    private static int parseMaxItems(final String value)
    {
        if (value.equals("max"))
        {
            return NodeItems.MAX_ITEMS;
        }
        try
        {
            final int parsed = Integer.parseInt(value);
            return parsed > NodeItems.MAX_ITEMS ? 0 : parsed;
        }
        catch (final NumberFormatException ex)
        {
            return 0;
        }
    }

    /**
     * @return true if the other node is configured alike, so a publish with these options may go ahead
     * (XEP-0060 §7.1.5).
     */
    boolean sameConfiguration(final PepNode other)
    {
        return access == other.access && maxItems == other.maxItems &&
            sendLastOnPresence == other.sendLastOnPresence && Objects.equals(rosterGroups, other.rosterGroups);
    }

    PepNode copyConfiguration()
    {
        final PepNode copy = new PepNode();
        copy.access = access;
        copy.maxItems = maxItems;
        copy.sendLastOnPresence = sendLastOnPresence;
        copy.rosterGroups = rosterGroups;
        return copy;
    }

    /**
     * @return bytes written at the start of the buffer.
     */
    int encode(final XmlEncoder xml, final ExpandableArrayBuffer out)
    {
        xml.wrap(out, 0).start(NODE).attribute(XMLNS, NS).attribute(ACCESS, access.value())
            .attribute(MAX, Integer.toString(maxItems)).attribute(LAST, Boolean.toString(sendLastOnPresence));
        for (final String group : rosterGroups)
        {
            xml.start(GROUP).text(group).end();
        }
        items.encode(xml);
        return xml.end().length();
    }

    static PepNode decode(final XmlReader reader, final byte[] stored)
    {
        final PepNode node = new PepNode();
        final UnsafeBuffer buffer = new UnsafeBuffer(stored);
        reader.wrap(buffer, 0, stored.length, "", "");
        reader.next();
        node.access = Access.of(reader.attributeValue("access"));
        node.maxItems = Integer.parseInt(reader.attributeValue("max"));
        node.sendLastOnPresence = Boolean.parseBoolean(reader.attributeValue("last"));
        final List<String> groups = new ArrayList<>();
        XmlReader.Event event;
        while ((event = reader.next()) != XmlReader.Event.END_DOCUMENT)
        {
            if (event != XmlReader.Event.START_ELEMENT || reader.depth() != 2)
            {
                continue;
            }
            if ("group".equals(reader.localName()))
            {
                groups.add(reader.elementText());
                continue;
            }
            node.items.decode(reader, buffer);
        }
        node.rosterGroups = List.copyOf(groups);
        return node;
    }
}
