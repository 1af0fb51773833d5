package org.stanzaswitch.gateway;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Reading a BOSH request's wrapper (XEP-0124 §4): the attributes acted on, the payload's place, and what is refused.
 */
class BoshBodyTest
{
    private static final String NS = "xmlns='http://jabber.org/protocol/httpbind'";

    @Test
    @DisplayName("XEP-0124 §7.1, XEP-0206 §2: creation attributes, with to and xml:lang kept for the stream header")
    void shouldReadACreationRequest()
    {
        final BoshBody body = read("<?xml version='1.0'?>\n<body rid='9007199254740991' to='localhost' wait='60' " +
            "hold='1' xml:lang='en' xmpp:version='1.0' " + NS + " xmlns:xmpp='urn:xmpp:xbosh'/>");
        assertThat(body.rid).isEqualTo(9_007_199_254_740_991L);
        assertThat(body.sid).isNull();
        assertThat(body.to).isEqualTo("localhost");
        assertThat(body.wait).isEqualTo(60);
        assertThat(body.hold).isEqualTo(1);
        assertThat(body.headerAttributes.toString()).isEqualTo(" to='localhost' xml:lang='en'");
        assertThat(body.payloadEnd).isEqualTo(body.payloadStart);
        // §7.2: the lower of the client's version and ours.
        assertThat(body.version).isEqualTo("1.11");
        assertThat(read("<body rid='1' ver='1.6' " + NS + "/>").version).isEqualTo("1.6");
        assertThat(read("<body rid='1' ver='1.12' " + NS + "/>").version).isEqualTo("1.11");
        assertThat(read("<body rid='1' ver='2.0' " + NS + "/>").version).isEqualTo("1.11");
    }

    @Test
    @DisplayName("XEP-0124 §8, §13, XEP-0206 §5: the payload's place, terminate and restart")
    void shouldFindThePayload()
    {
        final String payload = "<message xmlns='jabber:client'><body>a</body></message>";
        final ByteBuf content = bytes("<body rid='2' sid='s' type='terminate' " + NS + ">" + payload + "</body>\n");
        final BoshBody body = BoshBody.read(content);
        assertThat(body.sid).isEqualTo("s");
        assertThat(body.terminate).isTrue();
        assertThat(content.toString(body.payloadStart, body.payloadEnd - body.payloadStart, StandardCharsets.UTF_8))
            .isEqualTo(payload);
        assertThat(read("<body rid='3' sid='s' xmpp:restart='true' " + NS + "/>").restart).isTrue();
    }

    @Test
    @DisplayName("XEP-0124 §19.1: no rid, a rid past 2^53-1, another namespace, no end tag: not a body")
    void shouldRefuseWhatIsNotABody()
    {
        assertThat(read("<body sid='s' " + NS + "/>")).isNull();
        assertThat(read("<body rid='9007199254740992' " + NS + "/>")).isNull();
        assertThat(read("<body rid='1x' " + NS + "/>")).isNull();
        assertThat(read("<body rid='1' xmlns='jabber:client'/>")).isNull();
        assertThat(read("<body rid='1' " + NS + "><presence/>")).isNull();
        assertThat(read("<body rid='1' " + NS + "/><presence/>")).isNull();
        assertThat(read("<html/>")).isNull();
    }

    private static BoshBody read(final String xml)
    {
        return BoshBody.read(bytes(xml));
    }

    private static ByteBuf bytes(final String xml)
    {
        return Unpooled.copiedBuffer(xml, StandardCharsets.UTF_8);
    }
}
