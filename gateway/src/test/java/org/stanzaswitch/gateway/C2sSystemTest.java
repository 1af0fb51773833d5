package org.stanzaswitch.gateway;

import org.jivesoftware.smack.XMPPException;
import org.jivesoftware.smack.packet.Message;
import org.jivesoftware.smack.packet.MessageBuilder;
import org.jivesoftware.smack.packet.Stanza;
import org.jivesoftware.smack.packet.StanzaError;
import org.jivesoftware.smack.sasl.SASLErrorException;
import org.jivesoftware.smack.tcp.XMPPTCPConnection;
import org.jivesoftware.smackx.ping.packet.Ping;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.jxmpp.jid.impl.JidCreate;

import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The client-to-server core over real sockets and real TLS, driven by Smack.
 */
@Timeout(60)
class C2sSystemTest
{
    private static TestServer server;

    @BeforeAll
    static void startServer() throws Exception
    {
        server = TestServer.start().addUser("alice", "alice-secret").addUser("bob", "bob-secret");
    }

    @AfterAll
    static void stopServer()
    {
        server.close();
    }

    @Test
    @DisplayName("RFC 6120 §5, §6.3.8: STARTTLS, then SCRAM-SHA-1, then bind")
    void shouldLogInWithScramSha1OverStartTls() throws Exception
    {
        final XMPPTCPConnection connection = TestClients.connect(
            TestClients.startTls(server, "alice", "alice-secret").addEnabledSaslMechanism("SCRAM-SHA-1"));
        try
        {
            assertThat(connection.isSecureConnection()).isTrue();
            assertThat(connection.getUsedSaslMechansism()).isEqualTo("SCRAM-SHA-1");
            assertThat(connection.getUser().asBareJid().toString()).isEqualTo("alice@localhost");
        }
        finally
        {
            connection.disconnect();
        }
    }

    @Test
    @DisplayName("XEP-0368, RFC 4616: direct TLS, then PLAIN")
    void shouldLogInWithPlainOverDirectTls() throws Exception
    {
        final XMPPTCPConnection connection = TestClients.connect(
            TestClients.directTls(server, "bob", "bob-secret").addEnabledSaslMechanism("PLAIN"));
        try
        {
            assertThat(connection.getUsedSaslMechansism()).isEqualTo("PLAIN");
            assertThat(connection.getUser().asBareJid().toString()).isEqualTo("bob@localhost");
        }
        finally
        {
            connection.disconnect();
        }
    }

    @Test
    @DisplayName("RFC 6120 §4.3.2: the stream header and the features after it leave in one TLS record, not two")
    void shouldSendTheHeaderWithTheFeatures() throws Exception
    {
        try (RawClient client = RawClient.directTls(server))
        {
            // JSSE hands out one record per read, so a header flushed on its own would come back alone.
            final String firstRecord = client.send(RawClient.HEADER).readOnceAfter(300);
            assertThat(firstRecord).startsWith("<?xml").contains("<stream:stream").endsWith("</stream:features>");
        }
    }

    @Test
    @DisplayName("RFC 6120 §6.5.10: a wrong password is not-authorized")
    void shouldRefuseWrongPassword()
    {
        assertThatThrownBy(() -> TestClients.connect(
            TestClients.startTls(server, "alice", "wrong").addEnabledSaslMechanism("SCRAM-SHA-1")))
            .isInstanceOf(SASLErrorException.class)
            .hasMessageContaining("not-authorized");
    }

    @Test
    @DisplayName("RFC 6120 §6.5.10: an unknown user fails exactly like a wrong password")
    void shouldRefuseUnknownUserLikeWrongPassword()
    {
        assertThatThrownBy(() -> TestClients.connect(
            TestClients.startTls(server, "mallory", "x").addEnabledSaslMechanism("SCRAM-SHA-1")))
            .isInstanceOf(SASLErrorException.class)
            .hasMessageContaining("not-authorized");
    }

    @Test
    @DisplayName("RFC 6121 §8.5.3.1, §8.5.2.1.1: chat to a full JID and to a bare JID is delivered with from stamped")
    void shouldRouteChatBetweenUsers() throws Exception
    {
        final XMPPTCPConnection alice = TestClients.connect(TestClients.startTls(server, "alice", "alice-secret"));
        final XMPPTCPConnection bob = TestClients.connect(TestClients.startTls(server, "bob", "bob-secret"));
        try
        {
            final BlockingQueue<Stanza> received = new ArrayBlockingQueue<>(10);
            bob.addSyncStanzaListener(received::add, stanza -> stanza instanceof Message);
            bob.sendStanza(bob.getStanzaFactory().buildPresenceStanza().build());
            // Stanzas of one connection are routed in order, so once this answer is back Bob is available.
            bob.createStanzaCollectorAndSend(new Ping(JidCreate.from(TestServer.DOMAIN))).nextResultOrThrow();

            alice.sendStanza(chat(alice, bob.getUser().toString(), "to full"));
            alice.sendStanza(chat(alice, "bob@localhost", "to bare"));

            final Message first = (Message)received.poll(10, TimeUnit.SECONDS);
            final Message second = (Message)received.poll(10, TimeUnit.SECONDS);
            assertThat(first.getBody()).isEqualTo("to full");
            assertThat(second.getBody()).isEqualTo("to bare");
            assertThat(first.getFrom().toString()).isEqualTo(alice.getUser().toString());
        }
        finally
        {
            alice.disconnect();
            bob.disconnect();
        }
    }

    @Test
    @DisplayName("RFC 6121 §8.5.2.1.1: a chat message to an account that does not exist bounces")
    void shouldBounceMessageToUnknownUser() throws Exception
    {
        final XMPPTCPConnection alice = TestClients.connect(TestClients.startTls(server, "alice", "alice-secret"));
        try
        {
            final BlockingQueue<Stanza> received = new ArrayBlockingQueue<>(10);
            alice.addSyncStanzaListener(received::add, stanza -> stanza instanceof Message);
            final Message message = chat(alice, "nobody@localhost", "anyone?");
            alice.sendStanza(message);
            final Message error = (Message)received.poll(10, TimeUnit.SECONDS);
            assertThat(error.getType()).isEqualTo(Message.Type.error);
            assertThat(error.getError().getCondition()).isEqualTo(StanzaError.Condition.service_unavailable);
            assertThat(error.getStanzaId()).isEqualTo(message.getStanzaId());
        }
        finally
        {
            alice.disconnect();
        }
    }

    @Test
    @DisplayName("RFC 6120 §7.7.2.2: binding a resource in use replaces the old session")
    void shouldReplaceSessionOnResourceConflict() throws Exception
    {
        final XMPPTCPConnection first = TestClients.connect(
            TestClients.startTls(server, "alice", "alice-secret").setResource("phone"));
        final XMPPTCPConnection second = TestClients.connect(
            TestClients.startTls(server, "alice", "alice-secret").setResource("phone"));
        try
        {
            final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (first.isConnected() && System.nanoTime() < deadline)
            {
                java.util.concurrent.locks.LockSupport.parkNanos(10_000_000);
            }
            assertThat(first.isConnected()).isFalse();
            assertThat(second.isAuthenticated()).isTrue();
        }
        finally
        {
            second.disconnect();
        }
    }

    @Test
    @DisplayName("RFC 6120 §7.7.2.2, resources.conflict: refuse: a resource in use gets conflict and stays with its " +
        "session")
    void shouldRefuseResourceInUseWhenConfigured() throws Exception
    {
        try (TestServer refusing = TestServer.start(context -> context.resourceConflict("refuse"))
            .addUser("alice", "alice-secret"))
        {
            final XMPPTCPConnection first = TestClients.connect(
                TestClients.startTls(refusing, "alice", "alice-secret").setResource("phone"));
            try
            {
                final XMPPTCPConnection second = new XMPPTCPConnection(
                    TestClients.startTls(refusing, "alice", "alice-secret").setResource("phone").build());
                second.connect();
                assertThatThrownBy(second::login).isInstanceOf(XMPPException.XMPPErrorException.class)
                    .satisfies(ex -> assertThat(((XMPPException.XMPPErrorException)ex).getStanzaError().getCondition())
                        .isEqualTo(StanzaError.Condition.conflict));
                second.disconnect();
                assertThat(first.isConnected()).isTrue();
                first.sendIqRequestAndWaitForResponse(new Ping(JidCreate.from("localhost")));
            }
            finally
            {
                first.disconnect();
            }
            // Once the holder has gone, the resource is free again.
            TestClients.connect(TestClients.startTls(refusing, "alice", "alice-secret").setResource("phone"))
                .disconnect();
        }
    }

    @Test
    @DisplayName("PLAIN's key derivation runs off the I/O thread: a slow login does not stall other connections on it")
    void shouldKeepServingWhilePlainDerivesKeys() throws Exception
    {
        // One I/O thread and 3,000,000 PBKDF2 rounds: each PLAIN login costs the server about a second.
        try (TestServer slow = TestServer.start(context -> context.ioThreads(1).scramIterations(3_000_000)
            .saslMechanisms(List.of("PLAIN"))).addUser("alice", "alice-secret").addUser("bob", "bob-secret"))
        {
            final XMPPTCPConnection bob = TestClients.connect(TestClients.startTls(slow, "bob", "bob-secret"));
            final XMPPTCPConnection alice = new XMPPTCPConnection(
                TestClients.startTls(slow, "alice", "alice-secret").build());
            try
            {
                alice.connect();
                bob.sendIqRequestAndWaitForResponse(new Ping(JidCreate.from("localhost")));
                final long started = System.nanoTime();
                final CompletableFuture<Long> login = CompletableFuture.supplyAsync(() ->
                {
                    try
                    {
                        alice.login();
                        return System.nanoTime() - started;
                    }
                    catch (final Exception ex)
                    {
                        throw new IllegalStateException(ex);
                    }
                });
                long worstPingNs = 0;
                int pings = 0;
                while (!login.isDone())
                {
                    final long sent = System.nanoTime();
                    bob.sendIqRequestAndWaitForResponse(new Ping(JidCreate.from("localhost")));
                    worstPingNs = Math.max(worstPingNs, System.nanoTime() - sent);
                    pings++;
                }
                final long loginNs = login.get(30, TimeUnit.SECONDS);
                assertThat(alice.isAuthenticated()).isTrue();
                assertThat(pings).as("pings answered during a login of %d ms", loginNs / 1_000_000).isGreaterThan(3);
                assertThat(worstPingNs).as("worst ping during the login").isLessThan(loginNs / 3);
            }
            finally
            {
                alice.disconnect();
                bob.disconnect();
            }
        }
    }

    @Test
    @DisplayName("RFC 6121 §4.2.2, §4.4.2: available presence goes to all the user's resources, the sender's included")
    void shouldEchoPresenceToTheSendingResource() throws Exception
    {
        try (RawClient phone = RawClient.directTls(server); RawClient desk = RawClient.directTls(server))
        {
            final String phoneJid = phone.login("", "bob", "bob-secret");
            desk.login("", "bob", "bob-secret");
            desk.send("<presence/>");
            phone.send("<presence id='initial'/>");
            assertThat(phone.readUntil("id='initial'", 5_000)).as("initial presence, §4.2.2")
                .contains("<presence from='" + phoneJid + "' id='initial'");
            phone.send("<presence id='update'><status>away for lunch</status></presence>");
            assertThat(phone.readUntil("id='update'", 5_000)).as("subsequent presence, §4.4.2")
                .contains("<presence from='" + phoneJid + "' id='update'>");
            assertThat(desk.readUntil("away for lunch", 5_000)).as("and the other resource").contains("id='update'");
        }
    }

    @Test
    @DisplayName("RFC 6121 §8.5.2.1.1, §4.7.2.3: a chat to a bare JID goes to the available resource of highest " +
        "priority; negative priorities get none")
    void shouldRouteBareChatByPriority() throws Exception
    {
        try (RawClient phone = RawClient.directTls(server); RawClient desk = RawClient.directTls(server);
            RawClient sender = RawClient.directTls(server))
        {
            final String phoneJid = phone.login("", "bob", "bob-secret");
            final String deskJid = desk.login("", "bob", "bob-secret");
            sender.login("", "alice", "alice-secret");
            phone.send("<presence id='p1'><priority>5</priority></presence>");
            desk.send("<presence id='d1'><priority> 1 </priority></presence>");
            phone.readUntil("id='d1'", 5_000);
            desk.readUntil("id='p1'", 5_000);

            sender.send(bareChat("one") + directChat(deskJid, "mark-one"));
            assertThat(phone.readUntil("<body>one</body>", 5_000)).as("priority 5 beats 1").isNotEmpty();
            assertThat(desk.readUntil("mark-one", 5_000)).doesNotContain("<body>one</body>");

            desk.send("<presence id='d2'><priority>&#x39;</priority></presence>");
            phone.readUntil("id='d2'", 5_000);
            sender.send(bareChat("two") + directChat(phoneJid, "mark-two"));
            assertThat(desk.readUntil("<body>two</body>", 5_000)).as("9, written as a reference").isNotEmpty();
            assertThat(phone.readUntil("mark-two", 5_000)).doesNotContain("<body>two</body>");

            phone.send("<presence id='p3'><priority>-1</priority></presence>");
            desk.send("<presence id='d3'><priority>-128</priority></presence>");
            phone.readUntil("id='d3'", 5_000);
            desk.readUntil("id='p3'", 5_000);
            sender.send(bareChat("three") + directChat(phoneJid, "mark-three") + directChat(deskJid, "mark-three"));
            assertThat(phone.readUntil("mark-three", 5_000)).doesNotContain("<body>three</body>");
            assertThat(desk.readUntil("mark-three", 5_000)).doesNotContain("<body>three</body>");
        }
    }

    @Test
    @DisplayName("RFC 6120 §4.7.4: stanzas without xml:lang are delivered with their sender's stream language; " +
        "one with its own keeps it; a stream that declared none adds nothing")
    void shouldStampSenderStreamLanguage() throws Exception
    {
        try (RawClient bob = RawClient.directTls(server);
            RawClient alice = RawClient.directTls(server).withHeader(headerInLanguage("de-AT")))
        {
            final String bobJid = bob.login("", "bob", "bob-secret");
            final String aliceJid = alice.login("", "alice", "alice-secret");
            assertThat(alice.readUntil("</jid>", 0)).as("the server's stream answers in the client's language")
                .contains("xml:lang='de-AT'");
            alice.send(directChat(bobJid, "servus"));
            assertThat(bob.readUntil("servus", 5_000)).contains("<message from='" + aliceJid + "' xml:lang='de-AT' ");

            alice.send("<message to='" + bobJid + "' xml:lang='fr' type='chat'><body>salut</body></message>");
            final String received = bob.readUntil("salut", 5_000);
            assertThat(received.substring(received.lastIndexOf("<message", received.indexOf("salut"))))
                .startsWith("<message from='" + aliceJid + "' to='" + bobJid + "' xml:lang='fr' type='chat'>");

            alice.send("<iq to='" + bobJid + "' type='get' id='v1'><query xmlns='jabber:iq:version'/></iq>");
            assertThat(bob.readUntil("id='v1'", 5_000)).as("an IQ routed to a full JID")
                .contains("<iq from='" + aliceJid + "' xml:lang='de-AT' ");
            bob.send("<iq to='" + aliceJid + "' type='result' id='v1'/>");
            assertThat(alice.readUntil("id='v1'", 5_000)).as("bob's stream declared no language")
                .contains("<iq from='" + bobJid + "' to='" + aliceJid + "' type='result' id='v1'/>");
        }
    }

    @Test
    @DisplayName("RFC 6120 §4.7.4: a stream language that is not a language tag is answered with the server's " +
        "default and not spread to the stanzas")
    void shouldAnswerMalformedStreamLanguageWithDefault() throws Exception
    {
        try (RawClient bob = RawClient.directTls(server);
            RawClient alice = RawClient.directTls(server).withHeader(headerInLanguage("a&amp;b c")))
        {
            final String bobJid = bob.login("", "bob", "bob-secret");
            final String aliceJid = alice.login("", "alice", "alice-secret");
            assertThat(alice.readUntil("</jid>", 0)).contains("xml:lang='en'").doesNotContain("a&amp;");
            alice.send(directChat(bobJid, "plain"));
            assertThat(bob.readUntil("plain", 5_000)).contains("<message from='" + aliceJid + "' to='" + bobJid + "'");
        }
    }

    private static String headerInLanguage(final String xmlLang)
    {
        return RawClient.HEADER.replace("version='1.0'>", "version='1.0' xml:lang='" + xmlLang + "'>");
    }

    private static String bareChat(final String body)
    {
        return "<message to='bob@localhost' type='chat'><body>" + body + "</body></message>";
    }

    private static String directChat(final String to, final String body)
    {
        return "<message to='" + to + "' type='chat'><body>" + body + "</body></message>";
    }

    @Test
    @DisplayName("RFC 6120 §8.4: an IQ to another user's bare JID on their behalf is service-unavailable")
    void shouldAnswerUnhandledIqWithServiceUnavailable() throws Exception
    {
        final XMPPTCPConnection alice = TestClients.connect(TestClients.startTls(server, "alice", "alice-secret"));
        try
        {
            final Ping ping = new Ping(JidCreate.from("nobody@localhost/x"));
            assertThatThrownBy(() -> alice.createStanzaCollectorAndSend(ping).nextResultOrThrow())
                .isInstanceOf(XMPPException.XMPPErrorException.class)
                .hasMessageContaining("service-unavailable");
        }
        finally
        {
            alice.disconnect();
        }
    }

    private static Message chat(final XMPPTCPConnection from, final String to, final String body) throws Exception
    {
        final MessageBuilder builder = from.getStanzaFactory().buildMessageStanza()
            .to(JidCreate.from(to)).ofType(Message.Type.chat).setBody(body);
        return builder.build();
    }
}
