package org.stanzaswitch.switching;

import org.agrona.ExpandableArrayBuffer;
import org.stanzaswitch.codec.Bytes;
import org.stanzaswitch.codec.Jid;
import org.stanzaswitch.codec.XmlEncoder;

/**
 * XEP-0060 event notifications, as headline messages: an item published (§7.1.2.1, with its payload or, for a
 * notification-only node, without), an item retracted (§7.2.2.1), a node deleted (§8.4.2) or purged (§8.5.2).
 * Shared by PEP ({@link PepService}) and the service ({@link PubSubService}). Router thread only.
 */
final class PubSubEvents
{
    /** What happened to the node. */
    enum Kind
    {
        ITEM, RETRACT, DELETE, PURGE
    }

    static final String EVENT_NS = PepService.PUBSUB_NS + "#event";

    private static final byte[] MESSAGE = Bytes.ascii("message");
    private static final byte[] EVENT = Bytes.ascii("event");
    private static final byte[] ITEMS = Bytes.ascii("items");
    private static final byte[] RETRACT = Bytes.ascii("retract");
    private static final byte[] DELETE = Bytes.ascii("delete");
    private static final byte[] PURGE = Bytes.ascii("purge");
    private static final byte[] XMLNS = Bytes.ascii("xmlns");
    private static final byte[] NODE = Bytes.ascii("node");
    private static final byte[] ID = Bytes.ascii("id");
    private static final byte[] FROM = Bytes.ascii("from");
    private static final byte[] TO = Bytes.ascii("to");
    private static final byte[] TYPE = Bytes.ascii("type");
    private static final byte[] HEADLINE = Bytes.ascii("headline");

    private final String idPrefix;
    private final XmlEncoder xml = new XmlEncoder();
    private final ExpandableArrayBuffer out = new ExpandableArrayBuffer(4096);
    private long count;

    /**
     * @param idPrefix starts each message's id, which a counter completes.
     */
    PubSubEvents(final String idPrefix)
    {
        this.idPrefix = idPrefix;
    }

    /**
     * Write one notification at the start of {@link #buffer()}.
     *
     * @param item the item published or retracted; null for a deletion or a purge.
     * @return its length.
     */
    int write(final String from, final Jid to, final String node, final Kind kind, final NodeItems.Item item)
    {
        xml.wrap(out, 0).start(MESSAGE).attribute(FROM, from).attribute(TO, to.toString())
            .attribute(TYPE, HEADLINE).attribute(ID, idPrefix + ++count)
            .start(EVENT).attribute(XMLNS, EVENT_NS);
        switch (kind)
        {
            case DELETE -> xml.start(DELETE).attribute(NODE, node).end();
            case PURGE -> xml.start(PURGE).attribute(NODE, node).end();
            case RETRACT -> xml.start(ITEMS).attribute(NODE, node).start(RETRACT).attribute(ID, item.id()).end().end();
            case ITEM ->
            {
                xml.start(ITEMS).attribute(NODE, node);
                NodeItems.encode(xml, item);
                xml.end();
            }
            default -> throw new IllegalArgumentException(kind.name());
        }
        return xml.end().end().length();
    }

    ExpandableArrayBuffer buffer()
    {
        return out;
    }
}
