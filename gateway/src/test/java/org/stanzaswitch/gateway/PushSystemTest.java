package org.stanzaswitch.gateway;

import org.jivesoftware.smack.packet.Message;
import org.jivesoftware.smack.packet.MessageBuilder;
import org.jivesoftware.smack.tcp.XMPPTCPConnection;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.jxmpp.jid.impl.JidCreate;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * XEP-0357 Push Notifications against a small app server: an external component (XEP-0114) on the component
 * port that authenticates with its secret and receives the pubsub publishes of the summary form.
 */
@Timeout(90)
class PushSystemTest
{
    private static final String SECRET = "component-secret";
    private static final Pattern STREAM_ID = Pattern.compile("<stream:stream [^>]*id='([^']+)'");
    private static final String ENABLE = "<iq type='set' id='push-on'><enable xmlns='urn:xmpp:push:0' " +
        "jid='push.localhost' node='bob-phone'><x xmlns='jabber:x:data' type='submit'><field var='FORM_TYPE'>" +
        "<value>http://jabber.org/protocol/pubsub#publish-options</value></field><field var='secret'>" +
        "<value>device-token</value></field></x></enable></iq>";

    /**
     * XEP-0114 §2: open the component stream and prove the secret.
     *
     * @return what the server sent up to its {@code <handshake/>} or its stream error.
     */
    private static String handshake(final RawClient component, final String secret) throws Exception
    {
        component.send("<stream:stream xmlns='jabber:component:accept' " +
            "xmlns:stream='http://etherx.jabber.org/streams' to='push.localhost'>");
        final Matcher id = STREAM_ID.matcher(component.readUntil("id='", 5_000) + component.readUntil(">", 1_000));
        assertThat(id.find()).isTrue();
        component.send("<handshake>" + ComponentConnection.hexSha1(id.group(1) + secret) + "</handshake>");
        return component.readUntil(secret.equals(SECRET) ? "<handshake/>" : "</stream:stream>", 5_000);
    }

    private static void chat(final XMPPTCPConnection from, final String body) throws Exception
    {
        from.sendStanza(MessageBuilder.buildMessage().to(JidCreate.from("bob@localhost")).ofType(Message.Type.chat)
            .setBody(body).build());
    }

    private static int count(final String text, final String part)
    {
        int found = 0;
        for (int at = text.indexOf(part); at >= 0; at = text.indexOf(part, at + 1))
        {
            found++;
        }
        return found;
    }

    @Test
    @DisplayName("XEP-0357 §5-§7: enable, a publish per waiting message (offline, or only a dropped resumable " +
        "stream), disable")
    void shouldPublishToTheAppServer() throws Exception
    {
        try (TestServer server = TestServer.start(context -> context.componentPort(0)
                .componentSecret("push.localhost", SECRET)).addUser("alice", "alice-secret").addUser("bob",
                    "bob-secret");
            RawClient appServer = new RawClient(server.server().componentPort()))
        {
            try (RawClient impostor = new RawClient(server.server().componentPort()))
            {
                assertThat(handshake(impostor, "wrong-secret")).as("XEP-0114: a wrong secret")
                    .contains("<not-authorized");
            }
            assertThat(handshake(appServer, SECRET)).contains("<handshake/>");
            appServer.send("<iq type='get' from='push.localhost' to='localhost' id='c-ping'><ping " +
                "xmlns='urn:xmpp:ping'/></iq>");
            assertThat(appServer.readUntil("id='c-ping'", 5_000)).as("the server answers the component")
                .contains("to='push.localhost' type='result'");
            final XMPPTCPConnection alice = TestClients.connect(TestClients.startTls(server, "alice", "alice-secret"));
            try
            {
                try (RawClient bob = RawClient.directTls(server))
                {
                    bob.login("", "bob", "bob-secret");
                    bob.send("<iq type='get' id='disco' to='bob@localhost'>" +
                        "<query xmlns='http://jabber.org/protocol/disco#info'/></iq>");
                    assertThat(bob.readUntil("</query>", 5_000)).as("§4: advertised on the account")
                        .contains("<feature var='urn:xmpp:push:0'/>");
                    bob.send(ENABLE);
                    assertThat(bob.readUntil("id='push-on'", 5_000)).contains("type='result'");
                    bob.send("</stream:stream>").readUntilClosed(2_000);
                }
                // §7: bob is offline, so the message is stored and his device is told.
                chat(alice, "are you there?");
                final String first = appServer.readUntil("</iq>", 5_000);
                assertThat(first).contains("from='bob@localhost' to='push.localhost'",
                    "<publish node='bob-phone'><item><notification xmlns='urn:xmpp:push:0'>",
                    "<field var='FORM_TYPE'><value>urn:xmpp:push:summary</value></field>",
                    "<field var='message-count'><value>1</value></field>",
                    "<field var='last-message-sender'><value>" + alice.getUser() + "</value></field>",
                    "<publish-options><x xmlns='jabber:x:data' type='submit'>", "<value>device-token</value>")
                    .doesNotContain("are you there?");
                appServer.send("<iq type='result' from='push.localhost' to='bob@localhost' id='push-1'/>");
                chat(alice, "hello?");
                assertThat(appServer.readUntil("<value>2</value>", 5_000)).as("counted since bob was last connected")
                    .contains("<field var='message-count'><value>2</value></field>");

                try (RawClient bob = RawClient.directTls(server))
                {
                    bob.login("", "bob", "bob-secret");
                    bob.send("<enable xmlns='urn:xmpp:sm:3' resume='true'/><presence/>");
                    assertThat(bob.readUntil(">hello?<", 5_000)).contains(">are you there?<");
                    // The connection drops without a close and without acknowledging: the stream waits to be
                    // resumed, and the two messages it took and never acknowledged are pushed at once.
                }
                final String dropped = appServer.readUntil("push-3", 5_000);
                assertThat(dropped.substring(dropped.indexOf("push-3"))).as("unacknowledged when the stream dropped")
                    .contains("<field var='message-count'><value>2</value></field>",
                        "<field var='last-message-sender'><value>" + alice.getUser() + "</value></field>");
                // A message routed before the server has seen the drop goes into that stream's queue, not to push;
                // so send until one is routed after it.
                String fourth = "";
                for (int attempt = 0; attempt < 10 && !fourth.contains("push-4"); attempt++)
                {
                    chat(alice, "still there?");
                    fourth = appServer.readUntil("push-4", 1_000);
                }
                assertThat(fourth.substring(fourth.indexOf("push-4"))).as("counted since bob was last connected")
                    .contains("<field var='message-count'><value>3</value></field>");

                // §7: an error from the app server disables that JID and node.
                appServer.send("<iq type='error' from='push.localhost' to='bob@localhost' id='push-4'>" +
                    "<error type='cancel'><item-not-found xmlns='urn:ietf:params:xml:ns:xmpp-stanzas'/></error></iq>" +
                    "<iq type='get' from='push.localhost' to='localhost' id='after-error'><ping " +
                        "xmlns='urn:xmpp:ping'/></iq>");
                // The ping's answer comes after the router took the error: they share the component's stream.
                appServer.readUntil("id='after-error'", 5_000);
                chat(alice, "anyone?");
                assertThat(count(appServer.readUntil("push-5", 1_000), "<publish ")).as("disabled by the error")
                    .isEqualTo(4);

                try (RawClient bob = RawClient.directTls(server))
                {
                    bob.login("", "bob", "bob-secret");
                    bob.send("<iq type='set' id='push-off'><disable xmlns='urn:xmpp:push:0' " +
                        "jid='push.localhost'/></iq>");
                    assertThat(bob.readUntil("id='push-off'", 5_000)).contains("type='result'");
                    bob.send("</stream:stream>").readUntilClosed(2_000);
                }
                chat(alice, "one more");
                alice.sendIqRequestAndWaitForResponse(new org.jivesoftware.smackx.ping.packet.Ping(
                    JidCreate.from("localhost")));
                assertThat(count(appServer.readUntil("push-5", 1_000), "<publish ")).as("§6: disabled").isEqualTo(4);
            }
            finally
            {
                alice.disconnect();
            }
        }
    }
}
