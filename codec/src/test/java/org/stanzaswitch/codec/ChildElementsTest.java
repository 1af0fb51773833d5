package org.stanzaswitch.codec;

import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BiFunction;

import static org.assertj.core.api.Assertions.assertThat;

class ChildElementsTest
{
    private static final byte[] BODY = Bytes.ascii("body");
    private static final byte[] CLIENT = Bytes.ascii(XmppNamespaces.CLIENT);
    private static final byte[] HINTS = Bytes.ascii("urn:xmpp:hints");
    private static final byte[] NO_STORE = Bytes.ascii("no-store");

    /**
     * @return for each direct child of the stanza: its exact bytes, and whether it is a jabber:client body or
     * a no-store hint.
     */
    private static List<String> children(final String stanza)
    {
        return describeChildren(stanza, (element, children) -> element.buffer().getStringWithoutLengthUtf8(
            children.childOffset(), children.childLength()) + (children.is(BODY, CLIENT) ? " body" : "") +
            (children.is(NO_STORE, HINTS) ? " no-store" : ""));
    }

    /**
     * @return one line per direct child of the stanza, as the describer writes it while positioned on that child.
     */
    private static List<String> describeChildren(
        final String stanza, final BiFunction<ElementFlyweight, ChildElements, String> describer)
    {
        final List<String> found = new ArrayList<>();
        final ChildElements children = new ChildElements();
        final StreamListener listener = new RecordingListener()
        {
            @Override
            public boolean onElement(final ElementFlyweight element)
            {
                children.wrap(element);
                while (children.next())
                {
                    found.add(describer.apply(element, children));
                }
                return true;
            }
        };
        final byte[] bytes = (StreamFramerTest.HEADER + stanza).getBytes(StandardCharsets.UTF_8);
        new StreamFramer(new DecoderLimits().conclude(), listener).decode(new UnsafeBuffer(bytes), 0, bytes.length);
        return found;
    }

    @Test
    @DisplayName("direct children come out whole, nested ones inside them, quoted '>' and CDATA skipped")
    void shouldWalkDirectChildren()
    {
        assertThat(children("<message to='a@b' x='1>2'><body>hi <![CDATA[</body>]]> there</body>" +
            "<x xmlns='jabber:x:oob'><url>u</url><y/></x><no-store xmlns='urn:xmpp:hints'/></message>"))
            .containsExactly(
                "<body>hi <![CDATA[</body>]]> there</body> body",
                "<x xmlns='jabber:x:oob'><url>u</url><y/></x>",
                "<no-store xmlns='urn:xmpp:hints'/> no-store");
    }

    @Test
    @DisplayName("XML Namespaces §6: a child's namespace is its own declaration, else the stanza's")
    void shouldTellNamespaces()
    {
        assertThat(children("<message><body xmlns='urn:other'>x</body><h:no-store xmlns:h='urn:xmpp:hints'/>" +
            "<body>y</body></message>"))
            .containsExactly("<body xmlns='urn:other'>x</body>", "<h:no-store xmlns:h='urn:xmpp:hints'/> no-store",
                "<body>y</body> body");
    }

    @Test
    @DisplayName("a child's content is what lies between its tags, as written; in the parent's namespace or not")
    void shouldGiveContentAndParentNamespace()
    {
        final byte[] priority = Bytes.ascii("priority");
        final List<String> found = describeChildren("<presence><priority> 5 </priority><priority/>" +
            "<priority xmlns='jabber:client'>&#53;</priority><priority xmlns='urn:other'>6</priority>" +
            "<p:priority xmlns:p='jabber:client'>7</p:priority><show>a<![CDATA[<b>]]></show ></presence>",
            (element, children) -> "[" + element.buffer().getStringWithoutLengthUtf8(children.contentOffset(),
                children.contentLength()) + "]" + (children.isInParentNamespace(priority) ? " priority" : ""));

        assertThat(found).containsExactly("[ 5 ] priority", "[] priority", "[&#53;] priority", "[6]", "[7] priority",
            "[a<![CDATA[<b>]]>]");
    }

    @Test
    @DisplayName("an empty stanza and one with only text have no children")
    void shouldFindNoChildren()
    {
        assertThat(children("<message/>")).isEmpty();
        assertThat(children("<message>text &amp; more</message>")).isEmpty();
    }
}
