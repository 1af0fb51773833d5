package org.stanzaswitch.switching;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * XEP-0115 as the PEP service reads it: a presence's {@code <c/>}, and the verification string of a disco#info
 * answer, computed by §5.1 and checked against the examples of §5.2 and §5.3.
 */
class EntityCapsTest
{
    private final EntityCaps caps = new EntityCaps(2);

    @Test
    @DisplayName("XEP-0115 §5.2: the simple example hashes to QgayPKawpkPSDYmwT/WM94uAlu0=")
    void shouldHashSimpleExample()
    {
        final EntityCaps.Answer answer = FramedStanza.read("<iq type='result' id='d1'>" +
            "<query xmlns='http://jabber.org/protocol/disco#info' node='http://code.google.com/p/exodus#x'>" +
            "<identity category='client' name='Exodus 0.9.1' type='pc'/>" +
            "<feature var='http://jabber.org/protocol/disco#items'/>" +
            "<feature var='http://jabber.org/protocol/caps'/>" +
            "<feature var='http://jabber.org/protocol/muc'/>" +
            "<feature var='http://jabber.org/protocol/disco#info'/>" +
            "</query></iq>", caps::answer);
        assertThat(answer.sha1()).isEqualTo("QgayPKawpkPSDYmwT/WM94uAlu0=");
        assertThat(answer.features()).hasSize(4);
    }

    @Test
    @DisplayName("XEP-0115 §5.3: identities in two languages and a XEP-0128 form hash to q07IKJEyjvHSyhy//CH0CxmKi8w=")
    void shouldHashComplexExample()
    {
        final EntityCaps.Answer answer = FramedStanza.read("<iq type='result' id='d1'>" +
            "<query xmlns='http://jabber.org/protocol/disco#info' " +
            "node='http://psi-im.org#q07IKJEyjvHSyhy//CH0CxmKi8w='>" +
            "<identity xml:lang='en' category='client' name='Psi 0.11' type='pc'/>" +
            "<identity xml:lang='el' category='client' name='&#936; 0.11' type='pc'/>" +
            "<feature var='http://jabber.org/protocol/caps'/>" +
            "<feature var='http://jabber.org/protocol/disco#info'/>" +
            "<feature var='http://jabber.org/protocol/disco#items'/>" +
            "<feature var='http://jabber.org/protocol/muc'/>" +
            "<x xmlns='jabber:x:data' type='result'>" +
            "<field var='FORM_TYPE' type='hidden'><value>urn:xmpp:dataforms:softwareinfo</value></field>" +
            "<field var='ip_version' type='text-multi'><value>ipv6</value><value>ipv4</value></field>" +
            "<field var='os_version'><value>10.5.1</value></field>" +
            "<field var='os'><value>Mac</value></field>" +
            "<field var='software'><value>Psi</value></field>" +
            "<field var='software_version'><value>0.11</value></field>" +
            "</x></query></iq>", caps::answer);
        assertThat(answer.sha1()).isEqualTo("q07IKJEyjvHSyhy//CH0CxmKi8w=");
    }

    @Test
    @DisplayName("XEP-0163 §4.2: the +notify features name the nodes a resource wants notifications for")
    void shouldTakeInterestsFromNotifyFeatures()
    {
        assertThat(EntityCaps.interestsOf(List.of("http://jabber.org/protocol/mood+notify",
            "http://jabber.org/protocol/mood", "+notify", "urn:xmpp:avatar:metadata+notify",
            "http://jabber.org/protocol/mood+notify")))
            .containsExactly("http://jabber.org/protocol/mood", "urn:xmpp:avatar:metadata");
    }

    @Test
    @DisplayName("XEP-0115 §4: the <c/> of a presence, none for a presence without one")
    void shouldReadAdvertisedCapabilities()
    {
        assertThat(FramedStanza.read(
            "<presence><show>away</show><c xmlns='http://jabber.org/protocol/caps' hash='sha-1' " +
            "node='https://example.org/client' ver='QgayPKawpkPSDYmwT/WM94uAlu0='/></presence>", caps::advertised))
            .isEqualTo(new EntityCaps.Advertised(
                "https://example.org/client", "QgayPKawpkPSDYmwT/WM94uAlu0=", "sha-1"));
        assertThat(FramedStanza.read("<presence><c xmlns='urn:other' ver='x'/></presence>", caps::advertised))
            .isNull();
        assertThat(FramedStanza.read("<presence/>", caps::advertised)).isNull();
    }

    @Test
    @DisplayName("Only so many verification strings are remembered, the least recently used forgotten first")
    void shouldForgetLeastRecentlyUsed()
    {
        caps.remember("a", new String[]{"n1"});
        caps.remember("b", new String[]{"n2"});
        assertThat(caps.interests("a")).containsExactly("n1");
        caps.remember("c", new String[]{"n3"});
        assertThat(caps.interests("b")).isNull();
        assertThat(caps.interests("a")).containsExactly("n1");
    }
}
