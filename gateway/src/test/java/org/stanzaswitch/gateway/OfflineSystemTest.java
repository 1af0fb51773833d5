package org.stanzaswitch.gateway;

import org.jivesoftware.smack.packet.Message;
import org.jivesoftware.smack.packet.MessageBuilder;
import org.jivesoftware.smack.packet.Presence;
import org.jivesoftware.smack.packet.Stanza;
import org.jivesoftware.smack.packet.StanzaError;
import org.jivesoftware.smack.tcp.XMPPTCPConnection;
import org.jivesoftware.smackx.chatstates.ChatState;
import org.jivesoftware.smackx.chatstates.packet.ChatStateExtension;
import org.jivesoftware.smackx.delay.packet.DelayInformation;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.jxmpp.jid.impl.JidCreate;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * XEP-0160 offline messages with XEP-0203 delay stamps, kept on the offline journal across restarts, and the
 * XEP-0198 acknowledgement that says they are durable.
 */
@Timeout(90)
class OfflineSystemTest
{
    private static Message chat(final XMPPTCPConnection from, final String to, final String body) throws Exception
    {
        return MessageBuilder.buildMessage().to(JidCreate.from(to)).ofType(Message.Type.chat).setBody(body).build();
    }

    /**
     * Log in without sending presence, listen, then send initial presence.
     */
    private static BlockingQueue<Message> comeOnline(final XMPPTCPConnection connection) throws Exception
    {
        final BlockingQueue<Message> received = new LinkedBlockingQueue<>();
        connection.addSyncStanzaListener(stanza -> received.add((Message)stanza), stanza -> stanza instanceof Message);
        connection.sendStanza(connection.getStanzaFactory().buildPresenceStanza().ofType(Presence.Type.available)
            .build());
        return received;
    }

    private static XMPPTCPConnection login(final TestServer server, final String user) throws Exception
    {
        return TestClients.connect(TestClients.startTls(server, user, user + "-secret").setSendPresence(false));
    }

    @Test
    @DisplayName("XEP-0160 §3, XEP-0203: messages to an offline user arrive in order on their next presence, stamped")
    void shouldDeliverOfflineMessagesInOrderWithDelay() throws Exception
    {
        try (TestServer server = TestServer.start().addUser("alice", "alice-secret").addUser("bob", "bob-secret"))
        {
            final Instant before = Instant.now().minusSeconds(1);
            final XMPPTCPConnection alice = login(server, "alice");
            for (int i = 0; i < 5; i++)
            {
                alice.sendStanza(chat(alice, "bob@localhost", "offline " + i));
            }
            alice.sendStanza(MessageBuilder.buildMessage().to(JidCreate.from("bob@localhost")).ofType(Message.Type.chat)
                .addExtension(new ChatStateExtension(ChatState.composing)).build());
            alice.sendStanza(MessageBuilder.buildMessage().to(JidCreate.from("bob@localhost"))
                .ofType(Message.Type.headline).setBody("news").build());
            alice.disconnect();

            final XMPPTCPConnection bob = login(server, "bob");
            final BlockingQueue<Message> received = comeOnline(bob);
            final List<String> bodies = new ArrayList<>();
            for (int i = 0; i < 5; i++)
            {
                final Message message = received.poll(10, TimeUnit.SECONDS);
                assertThat(message).isNotNull();
                bodies.add(message.getBody());
                final DelayInformation delay = DelayInformation.from(message);
                assertThat(delay).isNotNull();
                assertThat(delay.getFrom()).isEqualTo("localhost");
                assertThat(delay.getStamp().toInstant()).isBetween(before, Instant.now());
                assertThat(message.getFrom().toString()).startsWith("alice@localhost/");
            }
            assertThat(bodies).containsExactly("offline 0", "offline 1", "offline 2", "offline 3", "offline 4");
            // XEP-0160 §4: the lone chat state and the headline were not kept.
            assertThat(received.poll(500, TimeUnit.MILLISECONDS)).isNull();
            bob.disconnect();

            final XMPPTCPConnection again = login(server, "bob");
            final BlockingQueue<Message> second = comeOnline(again);
            assertThat(second.poll(500, TimeUnit.MILLISECONDS)).as("delivered messages are gone").isNull();
            again.disconnect();
        }
    }

    @Test
    @DisplayName("Invariant 5: offline messages are on the journal, so a restart keeps them")
    void shouldKeepOfflineMessagesAcrossRestart() throws Exception
    {
        final java.nio.file.Path dataDir = TestServer.newDataDir();
        try (TestServer server = TestServer.start(dataDir, false, context -> { })
            .addUser("alice", "alice-secret").addUser("carol", "carol-secret"))
        {
            final XMPPTCPConnection alice = login(server, "alice");
            alice.sendStanza(chat(alice, "carol@localhost", "before restart 1"));
            alice.sendStanza(chat(alice, "carol@localhost", "before restart 2"));
            // A round trip through the switch: both messages are handled, so on the journal.
            alice.sendIqRequestAndWaitForResponse(
                new org.jivesoftware.smackx.ping.packet.Ping(JidCreate.from("localhost")));
            alice.disconnect();
        }
        try (TestServer server = TestServer.start(dataDir, true, context -> { }))
        {
            final XMPPTCPConnection carol = login(server, "carol");
            final BlockingQueue<Message> received = comeOnline(carol);
            assertThat(received.poll(10, TimeUnit.SECONDS).getBody()).isEqualTo("before restart 1");
            assertThat(received.poll(10, TimeUnit.SECONDS).getBody()).isEqualTo("before restart 2");
            carol.disconnect();
        }
    }

    @Test
    @DisplayName("XEP-0160 §3: past the user's quota the sender gets service-unavailable")
    void shouldRefusePastQuota() throws Exception
    {
        try (TestServer server = TestServer.start(context -> context.offlineQuota(2))
            .addUser("alice", "alice-secret").addUser("dave", "dave-secret"))
        {
            final XMPPTCPConnection alice = login(server, "alice");
            final BlockingQueue<Stanza> errors = new LinkedBlockingQueue<>();
            alice.addSyncStanzaListener(errors::add, stanza -> stanza instanceof Message);
            alice.sendStanza(chat(alice, "dave@localhost", "one"));
            alice.sendStanza(chat(alice, "dave@localhost", "two"));
            final Message third = chat(alice, "dave@localhost", "three");
            alice.sendStanza(third);
            final Message error = (Message)errors.poll(10, TimeUnit.SECONDS);
            assertThat(error.getType()).isEqualTo(Message.Type.error);
            assertThat(error.getStanzaId()).isEqualTo(third.getStanzaId());
            assertThat(error.getError().getCondition()).isEqualTo(StanzaError.Condition.service_unavailable);
            alice.disconnect();
        }
    }

    @Test
    @DisplayName("XEP-0198 §4: <a h/> answers <r/> once the stanzas before it are handled, counting from <enable/>")
    void shouldAcknowledgeHandledStanzas() throws Exception
    {
        try (TestServer server = TestServer.start().addUser("alice", "alice-secret").addUser("erin", "erin-secret");
             RawClient client = RawClient.directTls(server))
        {
            assertThat(client.login("", "alice", "alice-secret")).startsWith("alice@localhost/");
            client.send("<message to='erin@localhost'><body>not counted</body></message>");
            client.send("<enable xmlns='urn:xmpp:sm:3'/>");
            assertThat(client.readUntil("<enabled", 5_000)).contains("<enabled xmlns='urn:xmpp:sm:3'/>");
            client.send("<message to='erin@localhost' id='m1'><body>one</body></message>" +
                "<message to='erin@localhost' id='m2'><body>two</body></message>" +
                "<iq type='get' id='p1'><ping xmlns='urn:xmpp:ping'/></iq><r xmlns='urn:xmpp:sm:3'/>");
            assertThat(client.readUntil("<a xmlns", 5_000)).contains("<a xmlns='urn:xmpp:sm:3' h='3'/>");
            client.send("<a xmlns='urn:xmpp:sm:3' h='x'/>");
            assertThat(client.readUntilClosed(5_000)).contains("undefined-condition");
        }
    }
}
