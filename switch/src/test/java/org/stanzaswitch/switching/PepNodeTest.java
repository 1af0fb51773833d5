package org.stanzaswitch.switching;

import org.agrona.ExpandableArrayBuffer;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.stanzaswitch.codec.XmlEncoder;
import org.stanzaswitch.codec.XmlReader;

import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A XEP-0163 node's items and configuration, and the XML it is kept as.
 */
class PepNodeTest
{
    @Test
    @DisplayName("XEP-0060 §7.1.2: an item with an id already there replaces it and becomes the newest")
    void shouldReplaceItemWithSameId()
    {
        final PepNode node = new PepNode();
        node.maxItems = 3;
        node.publish("a", payload("1"));
        node.publish("b", payload("2"));
        node.publish("a", payload("3"));
        assertThat(node.items).extracting(NodeItems.Item::id).containsExactly("b", "a");
        assertThat(new String(node.items.last().payload(), StandardCharsets.UTF_8)).contains(">3<");
    }

    @Test
    @DisplayName("XEP-0060 §16.4.3: pubsub#max_items keeps the newest items; a singleton node keeps one")
    void shouldKeepNewestItems()
    {
        final PepNode node = new PepNode();
        node.publish("a", payload("1"));
        node.publish("b", payload("2"));
        assertThat(node.items).extracting(NodeItems.Item::id).containsExactly("b");
        node.configure(fields(PepNode.MAX_ITEMS_FIELD, "max"));
        for (int i = 0; i < NodeItems.MAX_ITEMS + 5; i++)
        {
            node.publish("i" + i, payload(Integer.toString(i)));
        }
        assertThat(node.items).hasSize(NodeItems.MAX_ITEMS);
        assertThat(node.items.last().id()).isEqualTo("i" + (NodeItems.MAX_ITEMS + 4));
    }

    @Test
    @DisplayName("A node keeps at most MAX_NODE_BYTES of payload, dropping the oldest but never the newest")
    void shouldBoundBytes()
    {
        final PepNode node = new PepNode();
        node.configure(fields(PepNode.MAX_ITEMS_FIELD, "max"));
        final String big = "x".repeat(NodeItems.MAX_NODE_BYTES / 3);
        for (int i = 0; i < 5; i++)
        {
            node.publish("i" + i, payload(big));
        }
        assertThat(node.items).extracting(NodeItems.Item::id).containsExactly("i3", "i4");
        node.publish("huge", payload("y".repeat(NodeItems.MAX_NODE_BYTES + 1)));
        assertThat(node.items).extracting(NodeItems.Item::id).containsExactly("huge");
    }

    @Test
    @DisplayName("XEP-0060 §8.2.4: unknown fields and values are refused, the fixed behaviours accepted as true")
    void shouldConfigureOnlyWhatIsOffered()
    {
        final PepNode node = new PepNode();
        assertThat(node.configure(fields(PepNode.ACCESS_MODEL, "authorize"))).isEqualTo(PepNode.ACCESS_MODEL);
        assertThat(node.configure(fields(PepNode.MAX_ITEMS_FIELD, "0"))).isEqualTo(PepNode.MAX_ITEMS_FIELD);
        assertThat(node.configure(fields("pubsub#persist_items", "false"))).isEqualTo("pubsub#persist_items");
        assertThat(node.configure(fields("pubsub#title", "x"))).isEqualTo("pubsub#title");
        assertThat(node.configure(fields("pubsub#persist_items", "true"))).isNull();
        final PepNode open = new PepNode();
        assertThat(open.configure(fields(PepNode.ACCESS_MODEL, "open"))).isNull();
        assertThat(open.sameConfiguration(new PepNode())).isFalse();
        assertThat(open.copyConfiguration().sameConfiguration(open)).isTrue();
    }

    @Test
    @DisplayName("The stored XML gives back the configuration and the items, payload bytes unchanged")
    void shouldRoundTrip()
    {
        final PepNode node = new PepNode();
        node.configure(Map.of(PepNode.ACCESS_MODEL, List.of("roster"), PepNode.MAX_ITEMS_FIELD, List.of("5"),
            PepNode.SEND_LAST, List.of("never"), PepNode.ROSTER_GROUPS, List.of("Friends & <Family>", "Work")));
        node.publish("first & <one>", payload("caf\u00e9 &amp; <b xmlns='urn:b'/>"));
        node.publish("second", payload("2"));
        final ExpandableArrayBuffer out = new ExpandableArrayBuffer();
        final int length = node.encode(new XmlEncoder(), out);
        final byte[] stored = new byte[length];
        out.getBytes(0, stored);

        final PepNode read = PepNode.decode(new XmlReader(), stored);
        assertThat(read.sameConfiguration(node)).isTrue();
        assertThat(read.rosterGroups).containsExactly("Friends & <Family>", "Work");
        assertThat(read.items).extracting(NodeItems.Item::id).containsExactly("first & <one>", "second");
        assertThat(read.items.get(0).payload()).isEqualTo(node.items.get(0).payload());
    }

    private static Map<String, List<String>> fields(final String var, final String value)
    {
        final Map<String, List<String>> fields = new LinkedHashMap<>();
        fields.put(var, List.of(value));
        return fields;
    }

    private static byte[] payload(final String text)
    {
        return ("<p xmlns='urn:test'>" + text + "</p>").getBytes(StandardCharsets.UTF_8);
    }
}
