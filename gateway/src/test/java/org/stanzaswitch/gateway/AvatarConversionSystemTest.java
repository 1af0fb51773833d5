package org.stanzaswitch.gateway;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.IOException;
import java.security.MessageDigest;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Random;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * XEP-0398 user avatar compatibility over real streams: an avatar published with XEP-0084 shows as the XEP-0153
 * hash in available presence (directed, and room joins) and as the vCard's photo for whoever may read it.
 */
@Timeout(60)
class AvatarConversionSystemTest
{
    private static final String SERVICE = "conference.localhost";
    private static final byte[] IMAGE = image();
    private static final String BASE64 = Base64.getEncoder().encodeToString(IMAGE);
    private static final AtomicInteger SYNCS = new AtomicInteger();

    @Test
    @DisplayName("XEP-0398 §2, §3.1, §4: the PEP avatar's hash in presence, its image as the vCard photo")
    void shouldShowThePepAvatarToVCardClients() throws Exception
    {
        final String hash = sha1(IMAGE);
        try (TestServer server = TestServer.start(); User alice = user(server, "alice"); User bob = user(server, "bob");
             User carol = user(server, "carol"))
        {
            final String bobJid = bob.jid();

            assertThat(exchange(alice, "<iq type='get' id='d1' to='alice@localhost'>" +
                "<query xmlns='http://jabber.org/protocol/disco#info'/></iq>")).as("§2")
                .contains("<feature var='urn:xmpp:pep-vcard-conversion:0'/>");

            exchange(alice, "<presence to='" + bobJid + "'/>");
            assertThat(exchange(bob, "")).as("no avatar yet, nothing added").contains("<presence")
                .doesNotContain("vcard-temp:x:update");

            assertThat(exchange(alice, publish("p1", "urn:xmpp:avatar:data", hash,
                "<data xmlns='urn:xmpp:avatar:data'>" + BASE64 + "</data>", "open"))).contains("type='result'");
            assertThat(exchange(alice, publish("p2", "urn:xmpp:avatar:metadata", hash,
                "<metadata xmlns='urn:xmpp:avatar:metadata'><info url='https://example.org/a.png' id='x' " +
                "bytes='1' type='image/png'/><info id='" + hash + "' bytes='" + IMAGE.length +
                "' type='image/webp' width='8' height='8'/></metadata>", "open"))).contains("type='result'");

            exchange(alice, "<presence to='" + bobJid + "'><status>here</status></presence>");
            assertThat(exchange(bob, "")).as("§5: the hash of the info without a URL")
                .contains("<x xmlns='vcard-temp:x:update'><photo>" + hash + "</photo></x>").contains("here");
            exchange(alice, "<presence to='" + bobJid + "'><x xmlns='vcard-temp:x:update'><photo/></x></presence>");
            assertThat(exchange(bob, "")).as("§5: an empty photo says 'no avatar here' and is left alone")
                .contains("<photo/>").doesNotContain(hash);
            exchange(alice, "<presence to='" + bobJid + "'><x xmlns='vcard-temp:x:update'/></presence>");
            assertThat(exchange(bob, "")).as("§5: an x without a photo is overwritten")
                .contains("<photo>" + hash + "</photo>").doesNotContain("<x xmlns='vcard-temp:x:update'/>");

            assertThat(exchange(bob, "<iq type='get' id='v1' to='alice@localhost'><vCard xmlns='vcard-temp'/></iq>"))
                .as("§4.1, an open avatar").contains("<PHOTO><TYPE>image/webp</TYPE><BINVAL>" + BASE64 +
                    "</BINVAL></PHOTO>");
            exchange(alice, "<iq type='set' id='v2'><vCard xmlns='vcard-temp'><FN>Alice</FN><PHOTO><TYPE>" +
                "image/gif</TYPE><BINVAL>R0lG</BINVAL></PHOTO><NICKNAME>al</NICKNAME></vCard></iq>");
            assertThat(exchange(bob, "<iq type='get' id='v3' to='alice@localhost'><vCard xmlns='vcard-temp'/></iq>"))
                .as("the stored vCard, its photo the avatar").contains("<FN>Alice</FN>")
                .contains("<NICKNAME>al</NICKNAME>").contains("<BINVAL>" + BASE64 + "</BINVAL>")
                .doesNotContain("R0lG");

            exchange(bob, "<presence to='hall@" + SERVICE + "/Bob'><x xmlns='http://jabber.org/protocol/muc'/>" +
                "</presence><iq type='set' id='m1' to='hall@" + SERVICE + "'>" +
                "<query xmlns='http://jabber.org/protocol/muc#owner'><x xmlns='jabber:x:data' type='submit'/></query>" +
                "</iq>");
            exchange(alice, "<presence to='hall@" + SERVICE + "/Alice'><x xmlns='http://jabber.org/protocol/muc'/>" +
                "</presence>");
            final String join = exchange(bob, "");
            assertThat(join.substring(join.indexOf("from='hall@" + SERVICE + "/Alice'"))).as("§5: room joins too")
                .contains("<photo>" + hash + "</photo>");

            exchange(alice, publish("p3", "urn:xmpp:avatar:metadata", "none",
                "<metadata xmlns='urn:xmpp:avatar:metadata'/>", "open"));
            assertThat(exchange(carol, "<iq type='get' id='v4' to='alice@localhost'><vCard xmlns='vcard-temp'/>" +
                "</iq>")).as("avatar switched off (XEP-0084 §4.5): the stored vCard as it is").contains("R0lG")
                .doesNotContain(BASE64);
        }
    }

    @Test
    @DisplayName("XEP-0398 §4.1, §6.2: the photo only for whoever may read the avatar, and only if it hashes right")
    void shouldGuardThePhoto() throws Exception
    {
        final String hash = sha1(IMAGE);
        try (TestServer server = TestServer.start(); User dave = user(server, "dave"); User erin = user(server, "erin");
             User mallory = user(server, "mallory"))
        {
            final String erinJid = erin.jid();
            exchange(dave, publish("p1", "urn:xmpp:avatar:data", hash,
                "<data xmlns='urn:xmpp:avatar:data'>" + BASE64 + "</data>", "presence"));
            assertThat(exchange(dave, publish("p2", "urn:xmpp:avatar:metadata", hash,
                "<metadata xmlns='urn:xmpp:avatar:metadata'><info id='" + hash + "' bytes='600' type='image/png'/>" +
                "</metadata>", "presence"))).contains("type='result'");
            assertThat(exchange(erin, "<iq type='get' id='v1' to='dave@localhost'><vCard xmlns='vcard-temp'/></iq>"))
                .as("not a presence subscriber: no photo").contains("id='v1'").doesNotContain("PHOTO");
            assertThat(exchange(dave, "<iq type='get' id='v2' to='dave@localhost'><vCard xmlns='vcard-temp'/></iq>"))
                .as("the owner").contains("<BINVAL>" + BASE64 + "</BINVAL>");

            final String wrong = sha1(new byte[]{1, 2, 3});
            exchange(mallory, publish("p1", "urn:xmpp:avatar:data", wrong,
                "<data xmlns='urn:xmpp:avatar:data'>" + BASE64 + "</data>", "open"));
            assertThat(exchange(mallory, publish("p2", "urn:xmpp:avatar:metadata", wrong,
                "<metadata xmlns='urn:xmpp:avatar:metadata'><info id='" + wrong + "' bytes='600' type='image/png'/>" +
                "</metadata>", "open"))).contains("type='result'");
            exchange(mallory, "<presence to='" + erinJid + "'/>");
            assertThat(exchange(erin, "")).as("§4.1: an image that does not hash to its id is no avatar")
                .contains("from='mallory@localhost").doesNotContain("vcard-temp:x:update");
        }
    }

    /** A user's raw client, logged in, and the full JID it was bound to. */
    private record User(RawClient client, String jid) implements AutoCloseable
    {
        @Override
        public void close() throws IOException
        {
            client.close();
        }
    }

    private static User user(final TestServer server, final String name) throws Exception
    {
        server.addUser(name, name + "-secret");
        final RawClient client = RawClient.directTls(server);
        return new User(client, client.login("", name, name + "-secret"));
    }

    private static String publish(final String id, final String node, final String itemId, final String payload,
        final String accessModel)
    {
        return "<iq type='set' id='" + id + "'><pubsub xmlns='http://jabber.org/protocol/pubsub'><publish node='" +
            node + "'><item id='" + itemId + "'>" + payload + "</item></publish><publish-options>" +
            "<x xmlns='jabber:x:data' type='submit'><field var='FORM_TYPE' type='hidden'>" +
            "<value>http://jabber.org/protocol/pubsub#publish-options</value></field>" +
            "<field var='pubsub#access_model'><value>" + accessModel + "</value></field></x></publish-options>" +
            "</pubsub></iq>";
    }

    /**
     * Send, then a ping, and return what came back before the ping's answer: the server answers one connection's
     * stanzas in order, so a request's answer, and what others sent before it, are all there.
     */
    private static String exchange(final User user, final String xml) throws Exception
    {
        final RawClient client = user.client();
        final String id = "sync-" + SYNCS.incrementAndGet();
        client.send(xml + "<iq type='get' id='" + id + "'><ping xmlns='urn:xmpp:ping'/></iq>");
        final String marker = "id='" + id + "'";
        final String received = client.readUntil(marker, 5_000);
        assertThat(received).contains(marker);
        client.readPast(marker, 1_000);
        return received;
    }

    private static byte[] image()
    {
        final byte[] image = new byte[600];
        new Random(398).nextBytes(image);
        return image;
    }

    private static String sha1(final byte[] bytes) throws Exception
    {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-1").digest(bytes));
    }
}
