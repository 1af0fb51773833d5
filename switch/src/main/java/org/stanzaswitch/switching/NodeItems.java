package org.stanzaswitch.switching;

import org.agrona.DirectBuffer;
import org.stanzaswitch.codec.Bytes;
import org.stanzaswitch.codec.XmlEncoder;
import org.stanzaswitch.codec.XmlReader;

import java.util.ArrayList;
import java.util.Collections;
import java.util.Iterator;
import java.util.List;

/**
 * The items of one publish-subscribe node (XEP-0060), oldest first, within a count the node's configuration sets
 * and a byte limit of the server's; shared by PEP nodes ({@link PepNode}) and the service's ({@link PubSubNode}).
 * Router thread only.
 */
final class NodeItems implements Iterable<NodeItems.Item>
{
    /** One published item: its id and its payload, an element that declares its own namespace; null for none. */
    record Item(String id, byte[] payload)
    {
    }

    /** Most items a node keeps: what {@code pubsub#max_items} 'max' means (XEP-0060 §16.4.3). */
    static final int MAX_ITEMS = 256;
    /** Most bytes of payload a node keeps; older items go first, never the one just published. */
    static final int MAX_NODE_BYTES = 256 * 1024;

    private static final byte[] ITEM = Bytes.ascii("item");
    private static final byte[] ID = Bytes.ascii("id");

    private final List<Item> items = new ArrayList<>();

    /**
     * Add an item, replacing one with the same id (XEP-0060 §7.1.2), then drop the oldest beyond the limits.
     */
    void publish(final String id, final byte[] payload, final int maxItems)
    {
        retract(id);
        items.add(new Item(id, payload));
        trim(maxItems);
    }

    /**
     * @return true if an item with this id was there.
     */
    boolean retract(final String id)
    {
        return items.removeIf(item -> item.id.equals(id));
    }

    /**
     * Drop the oldest items beyond a count and beyond the byte limit, keeping the newest in any case.
     */
    void trim(final int maxItems)
    {
        int bytes = payloadBytes();
        while (items.size() > maxItems || items.size() > 1 && bytes > MAX_NODE_BYTES)
        {
            final byte[] payload = items.remove(0).payload;
            bytes -= payload == null ? 0 : payload.length;
        }
    }

    void clear()
    {
        items.clear();
    }

    int payloadBytes()
    {
        int bytes = 0;
        for (final Item item : items)
        {
            bytes += item.payload == null ? 0 : item.payload.length;
        }
        return bytes;
    }

    Item last()
    {
        return items.isEmpty() ? null : items.get(items.size() - 1);
    }

    int size()
    {
        return items.size();
    }

    Item get(final int index)
    {
        return items.get(index);
    }

    @Override
    public Iterator<Item> iterator()
    {
        return Collections.unmodifiableList(items).iterator();
    }

    /**
     * Write each item as {@code <item id=''>payload</item>}, oldest first.
     */
    void encode(final XmlEncoder xml)
    {
        encode(xml, 0, List.of());
    }

    /**
     * XEP-0060 §6.5: the items from {@code first} on, or of those only the ones named, oldest first.
     *
     * @param ids the ids asked for; empty for all.
     */
    void encode(final XmlEncoder xml, final int first, final List<String> ids)
    {
        for (int i = first; i < items.size(); i++)
        {
            final Item item = items.get(i);
            if (ids.isEmpty() || ids.contains(item.id))
            {
                encode(xml, item);
            }
        }
    }

    /**
     * Write {@code <item id=''>payload</item>}, or an empty item for one without a payload.
     */
    static void encode(final XmlEncoder xml, final Item item)
    {
        xml.start(ITEM).attribute(ID, item.id);
        if (item.payload != null)
        {
            xml.raw(item.payload);
        }
        xml.end();
    }

    /**
     * XEP-0060 §6.5.7: where a request's newest {@code max_items} start.
     *
     * @param maxItems the request's max_items, or null for all.
     * @return the index of the first item to send; -1 if max_items is not a number.
     */
    int firstOfNewest(final String maxItems)
    {
        if (maxItems == null)
        {
            return 0;
        }
        try
        {
            return Math.max(0, items.size() - Integer.parseInt(maxItems));
        }
        catch (final NumberFormatException ex)
        {
            return -1;
        }
    }

    /**
     * Read back one item {@link #encode} wrote, the reader on its start tag, and add it as the newest.
     *
     * @param stored the buffer the reader reads.
     */
    void decode(final XmlReader reader, final DirectBuffer stored)
    {
        final String id = reader.attributeValue("id");
        final int depth = reader.depth();
        byte[] payload = null;
        if (reader.next() == XmlReader.Event.START_ELEMENT && reader.depth() == depth + 1)
        {
            final int start = reader.elementOffset();
            reader.skipElement();
            payload = new byte[reader.position() - start];
            stored.getBytes(start, payload);
        }
        items.add(new Item(id, payload));
    }
}
