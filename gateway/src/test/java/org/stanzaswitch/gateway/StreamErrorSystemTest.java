package org.stanzaswitch.gateway;

import org.jivesoftware.smack.tcp.XMPPTCPConnection;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Hostile and broken input over real sockets: each case gets the RFC 6120 stream error and a closed stream,
 * and the server goes on serving others. TLS is optional on this server, so the raw bytes are readable.
 */
@Timeout(60)
class StreamErrorSystemTest
{
    private static final long WAIT_MILLIS = 5_000;
    private static TestServer server;

    @BeforeAll
    static void startServer() throws Exception
    {
        server = TestServer.start(context -> context
            .tlsRequired(false)
            .headerTimeoutNs(1_000_000_000L)
            .maxOutboundBytes(64 * 1024)
            // Messages to the client cut off for not reading are kept offline, not bounced to the sender, whose
            // own 64 KiB bound they would otherwise overrun.
            .offlineQuota(10_000)
            // The flood that fills a non-reader's bound is sent at full speed, not at the default client rate.
            .c2sRate(0)
            .decoderLimits(new org.stanzaswitch.codec.DecoderLimits().maxStanzaSize(16 * 1024)))
            .addUser("carol", "carol-secret")
            .addUser("dave", "dave-secret");
    }

    @AfterAll
    static void stopServer()
    {
        server.close();
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
        "not-well-formed|<message><body>unclosed</bodyx></message>",
        "restricted-xml|<message><!-- comment --></message>",
        "restricted-xml|<message>&xxe;</message>",
        "not-well-formed|<x:message/>",
        "bad-format|text between stanzas",
    })
    @DisplayName("RFC 6120 §4.9.3, §11: malformed or restricted XML closes the stream with its condition")
    void shouldCloseStreamWithCondition(final String condition, final String xml) throws Exception
    {
        try (RawClient client = new RawClient(server.c2sPort()))
        {
            final String answer = client.send(RawClient.HEADER).send(xml).readUntilClosed(WAIT_MILLIS);
            assertThat(answer).contains("<" + condition + " xmlns='urn:ietf:params:xml:ns:xmpp-streams'/>")
                .endsWith("</stream:stream>");
        }
    }

    @Test
    @DisplayName("RFC 6120 §4.9.3.2: a prefix the sender's header declared, used inside a stanza, is " +
        "bad-namespace-prefix, and the stanza, unreadable in the recipient's stream, reaches no one")
    void shouldRefuseHeaderPrefixInsideStanza() throws Exception
    {
        try (RawClient carol = RawClient.directTls(server); RawClient dave = RawClient.directTls(server))
        {
            carol.withHeader(RawClient.HEADER.replace(" version='1.0'>", " xmlns:h='urn:h' version='1.0'>"));
            assertThat(carol.login("", "carol", "carol-secret")).isNotNull();
            final String daveJid = dave.login("", "dave", "dave-secret");
            carol.send("<message to='" + daveJid + "' id='m1'><body>hi</body><h:x/></message>");
            assertThat(carol.readUntilClosed(WAIT_MILLIS))
                .contains("<bad-namespace-prefix").endsWith("</stream:stream>");
            try (RawClient again = RawClient.directTls(server))
            {
                again.login("", "carol", "carol-secret");
                again.send("<message to='" + daveJid + "' id='m2'><body>after</body></message>");
                assertThat(dave.readUntil("id='m2'", WAIT_MILLIS)).contains("id='m2'").doesNotContain("id='m1'");
            }
        }
    }

    @Test
    @DisplayName("RFC 6120 §4.9.3.14: a stanza over the size limit is a policy violation")
    void shouldRefuseOversizedStanza() throws Exception
    {
        try (RawClient client = new RawClient(server.c2sPort()))
        {
            client.send(RawClient.HEADER).send("<message><body>" + "x".repeat(20_000) + "</body></message>");
            assertThat(client.readUntilClosed(WAIT_MILLIS)).contains("<policy-violation");
        }
    }

    @Test
    @DisplayName("RFC 6120 §4.9.3.10: a stream in another content namespace is invalid-namespace")
    void shouldRefuseWrongContentNamespace() throws Exception
    {
        try (RawClient client = new RawClient(server.c2sPort()))
        {
            client.send(RawClient.HEADER.replace("jabber:client", "jabber:server"));
            assertThat(client.readUntilClosed(WAIT_MILLIS)).contains("<invalid-namespace");
        }
    }

    @Test
    @DisplayName("RFC 6120 §4.9.3.6: a stream to a domain not served is host-unknown, after a header of ours")
    void shouldRefuseUnknownHost() throws Exception
    {
        try (RawClient client = new RawClient(server.c2sPort()))
        {
            client.send(RawClient.HEADER.replace("to='localhost'", "to='example.org'"));
            assertThat(client.readUntilClosed(WAIT_MILLIS)).startsWith("<?xml").contains("<host-unknown");
        }
    }

    @Test
    @DisplayName("RFC 6120 §4.9.3.12: a stanza before authentication is not-authorized")
    void shouldRefuseStanzaBeforeAuthentication() throws Exception
    {
        try (RawClient client = new RawClient(server.c2sPort()))
        {
            client.send(RawClient.HEADER).send("<message to='dave@localhost'><body>spam</body></message>");
            assertThat(client.readUntilClosed(WAIT_MILLIS)).contains("<not-authorized");
        }
    }

    @Test
    @DisplayName("RFC 6120 §4.9.3.4: a client that sends no stream header is timed out")
    void shouldTimeOutSilentConnection() throws Exception
    {
        try (RawClient client = new RawClient(server.c2sPort()))
        {
            assertThat(client.send("<?xml version='1.0'?><stream:str").readUntilClosed(WAIT_MILLIS))
                .contains("<connection-timeout");
        }
    }

    @Test
    @DisplayName("RFC 6120 §4.6.1, §4.9.3.4: white space keeps a quiet client past timeouts.idle; silence does not")
    void shouldTimeOutOnlyTheSilentConnection() throws Exception
    {
        try (TestServer quick = TestServer.start(context -> context.idleTimeoutNs(TimeUnit.SECONDS.toNanos(1)));
            RawClient pinging = new RawClient(quick.c2sPort());
            RawClient silent = new RawClient(quick.c2sPort()))
        {
            pinging.send(RawClient.HEADER).readUntil("</stream:features>", WAIT_MILLIS);
            silent.send(RawClient.HEADER).readUntil("</stream:features>", WAIT_MILLIS);
            for (int i = 0; i < 8; i++)
            {
                Thread.sleep(300);
                pinging.send(" ");
            }
            assertThat(silent.readUntilClosed(WAIT_MILLIS)).contains("<connection-timeout");
            pinging.send("</stream:stream>");
            assertThat(pinging.readUntilClosed(WAIT_MILLIS)).contains("</stream:stream>")
                .doesNotContain("connection-timeout");
        }
    }

    @Test
    @DisplayName("RFC 6120 §6.3.8: an authzid naming another account is invalid-authzid, one's own is fine")
    void shouldRefuseAuthzidOfAnotherAccount() throws Exception
    {
        try (RawClient client = RawClient.directTls(server))
        {
            assertThat(client.login("dave@localhost", "carol", "carol-secret")).isNull();
            assertThat(client.readUntil("</failure>", WAIT_MILLIS)).contains("<invalid-authzid/>");
        }
        try (RawClient client = RawClient.directTls(server))
        {
            assertThat(client.login("carol@localhost", "carol", "carol-secret")).startsWith("carol@localhost/");
        }
    }

    @Test
    @DisplayName("RFC 6120 §6.4.5: PLAIN is not offered without TLS, and using it anyway fails")
    void shouldNotOfferPlainWithoutTls() throws Exception
    {
        try (RawClient client = new RawClient(server.c2sPort()))
        {
            final String plain = Base64.getEncoder()
                .encodeToString("\0carol\0carol-secret".getBytes(StandardCharsets.UTF_8));
            final String answer = client.send(RawClient.HEADER)
                .send("<auth xmlns='urn:ietf:params:xml:ns:xmpp-sasl' mechanism='PLAIN'>" + plain + "</auth>")
                .readUntil("</failure>", WAIT_MILLIS);
            assertThat(answer).contains("<mechanism>SCRAM-SHA-1</mechanism>")
                .doesNotContain("<mechanism>PLAIN</mechanism>").contains("<invalid-mechanism/>");
        }
    }

    @Test
    @DisplayName("ARCHITECTURE invariant 6: a client that stops reading is cut off, and the sender is still served")
    void shouldDisconnectClientThatDoesNotRead() throws Exception
    {
        // Dave's stream management is off: the errors bounced back to him by the thousand are not under test.
        final XMPPTCPConnection dave = new XMPPTCPConnection(TestClients.directTls(server, "dave",
            "dave-secret").build());
        dave.setUseStreamManagement(false);
        dave.connect().login();
        try (RawClient carol = RawClient.directTls(server))
        {
            final String carolJid = carol.login("", "carol", "carol-secret");
            assertThat(carolJid).startsWith("carol@localhost/");
            final String body = "y".repeat(8 * 1024);
            for (int i = 0; i < 4_000; i++)
            {
                dave.sendStanza(dave.getStanzaFactory().buildMessageStanza()
                    .to(org.jxmpp.jid.impl.JidCreate.from(carolJid)).setBody(body).build());
            }
            dave.createStanzaCollectorAndSend(new org.jivesoftware.smackx.ping.packet.Ping(
                org.jxmpp.jid.impl.JidCreate.from(TestServer.DOMAIN))).nextResultOrThrow();
            assertThat(carol.readUntilClosed(30_000)).endsWith(
                "<policy-violation xmlns='urn:ietf:params:xml:ns:xmpp-streams'/></stream:error></stream:stream>");
        }
        finally
        {
            dave.disconnect();
        }
    }
}
