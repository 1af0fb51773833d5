package org.stanzaswitch.gateway;

import org.jivesoftware.smack.ConnectionConfiguration.SecurityMode;
import org.jivesoftware.smack.StanzaCollector;
import org.jivesoftware.smack.bosh.BOSHConfiguration;
import org.jivesoftware.smack.bosh.XMPPBOSHConnection;
import org.jivesoftware.smack.filter.StanzaTypeFilter;
import org.jivesoftware.smack.packet.Message;
import org.jivesoftware.smack.packet.MessageBuilder;
import org.jivesoftware.smack.tcp.XMPPTCPConnection;
import org.jivesoftware.smackx.ping.PingManager;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.jxmpp.jid.impl.JidCreate;
import org.w3c.dom.Element;
import org.xml.sax.InputSource;

import javax.xml.parsers.DocumentBuilderFactory;
import java.io.StringReader;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Base64;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * BOSH (XEP-0124, XEP-0206): Smack's XMPPBOSHConnection logs in and talks to a Smack client over TCP; the
 * binding's rules are checked request by request with the JDK's HTTP client over TLS.
 */
@Timeout(60)
class BoshSystemTest
{
    private static final String HTTPBIND = "http://jabber.org/protocol/httpbind";
    private static final String XBOSH = "urn:xmpp:xbosh";

    @Test
    @DisplayName("XEP-0206: Smack logs in over BOSH, and messages go both ways with a client over TCP")
    void shouldCarryASmackSession() throws Exception
    {
        // Plain HTTP, as behind a reverse proxy that does TLS: Smack's BOSH client cannot be given a trust store.
        try (TestServer server = TestServer.start(context -> context.webPort(0).webBehindProxy(true))
            .addUser("alice", "a").addUser("bob", "b"))
        {
            final XMPPBOSHConnection alice = new XMPPBOSHConnection(configuration(server));
            final XMPPTCPConnection bob = TestClients.login(server, "bob", "b");
            try
            {
                alice.connect().login();
                assertThat(alice.getUser().toString()).isEqualTo("alice@localhost/web");
                final StanzaCollector toAlice = alice.createStanzaCollector(StanzaTypeFilter.MESSAGE);
                final StanzaCollector toBob = bob.createStanzaCollector(StanzaTypeFilter.MESSAGE);

                bob.sendStanza(MessageBuilder.buildMessage().to(JidCreate.from("alice@localhost/web"))
                    .ofType(Message.Type.chat).setBody("over TCP").build());
                final Message atAlice = toAlice.nextResult(TimeUnit.SECONDS.toMillis(10));
                assertThat(atAlice).isNotNull();
                assertThat(atAlice.getBody()).isEqualTo("over TCP");

                alice.sendStanza(MessageBuilder.buildMessage().to(JidCreate.from("bob@localhost"))
                    .ofType(Message.Type.chat).setBody("over BOSH <&>").build());
                final Message atBob = toBob.nextResult(TimeUnit.SECONDS.toMillis(10));
                assertThat(atBob).isNotNull();
                assertThat(atBob.getBody()).isEqualTo("over BOSH <&>");
                assertThat(atBob.getFrom().toString()).isEqualTo("alice@localhost/web");

                // §13: the session terminated, a new one logs in. (Not on the same XMPPBOSHConnection: Smack 4.4 logs
                // in again inside jbosh's connection event, on the thread that would read the answer, and times out.)
                alice.disconnect();
                final XMPPBOSHConnection again = new XMPPBOSHConnection(configuration(server));
                again.connect().login();
                assertThat(again.isAuthenticated()).isTrue();
                again.disconnect();
            }
            finally
            {
                alice.disconnect();
                bob.disconnect();
            }
        }
    }

    @Test
    @DisplayName("XEP-0124 §7, §14: session creation with features, a held poll, a repeated rid, the window")
    void shouldFollowTheBindingRules() throws Exception
    {
        try (TestServer server = TestServer.start(context -> context.webPort(0)))
        {
            final Bosh bosh = new Bosh(server);
            // §7.2, XEP-0206 §3: the session's parameters, and the stream's features in the same answer.
            final Element created = bosh.post("<body rid='1000' to='localhost' wait='1' hold='1' ver='1.6' " +
                "xml:lang='en' xmpp:version='1.0' xmlns='" + HTTPBIND + "' xmlns:xmpp='" + XBOSH + "'/>");
            final String sid = created.getAttribute("sid");
            assertThat(sid).hasSizeGreaterThanOrEqualTo(22);
            assertThat(created.getAttribute("wait")).isEqualTo("1");
            assertThat(created.getAttribute("hold")).isEqualTo("1");
            assertThat(created.getAttribute("requests")).isEqualTo("2");
            assertThat(created.getAttributeNS(XBOSH, "restartlogic")).isEqualTo("true");
            assertThat(created.getAttribute("from")).isEqualTo("localhost");
            assertThat(created.getElementsByTagNameNS("urn:ietf:params:xml:ns:xmpp-sasl", "mechanisms").getLength())
                .isOne();
            // XEP-0206 §3: TLS is the HTTP connection's; no STARTTLS inside.
            assertThat(created.getElementsByTagNameNS("urn:ietf:params:xml:ns:xmpp-tls", "starttls").getLength())
                .isZero();

            // §8: an empty poll is held for 'wait' seconds, then answered empty.
            final long start = System.nanoTime();
            final String polled = bosh.postRaw("<body rid='1001' sid='" + sid + "' xmlns='" + HTTPBIND + "'/>");
            assertThat(System.nanoTime() - start).isGreaterThan(TimeUnit.MILLISECONDS.toNanos(800));
            assertThat(parse(polled).hasChildNodes()).isFalse();
            // §14.3: the same rid again gets the same answer.
            assertThat(bosh.postRaw("<body rid='1001' sid='" + sid + "' xmlns='" + HTTPBIND + "'/>"))
                .isEqualTo(polled);
            // §14.2: a rid beyond the window ends the session.
            assertThat(bosh.post("<body rid='1009' sid='" + sid + "' xmlns='" + HTTPBIND + "'/>")
                .getAttribute("condition")).isEqualTo("item-not-found");
            assertThat(bosh.post("<body rid='1002' sid='" + sid + "' xmlns='" + HTTPBIND + "'/>")
                .getAttribute("condition")).isEqualTo("item-not-found");
        }
    }

    @Test
    @DisplayName("XEP-0124 §13, §19: termination; an unknown session, a foreign domain, a broken body")
    void shouldTerminateAndRefuse() throws Exception
    {
        try (TestServer server = TestServer.start(context -> context.webPort(0)))
        {
            final Bosh bosh = new Bosh(server);
            final String sid = bosh.create(10);
            final Element terminated = bosh.post("<body rid='11' sid='" + sid + "' type='terminate' xmlns='" +
                HTTPBIND + "'><presence type='unavailable' xmlns='jabber:client'/></body>");
            assertThat(terminated.getAttribute("type")).isEqualTo("terminate");
            assertThat(bosh.post("<body rid='12' sid='" + sid + "' xmlns='" + HTTPBIND + "'/>")
                .getAttribute("condition")).isEqualTo("item-not-found");

            assertThat(bosh.post("<body rid='1' sid='no-such-session' xmlns='" + HTTPBIND + "'/>")
                .getAttribute("condition")).isEqualTo("item-not-found");
            assertThat(bosh.post("<body rid='1' to='elsewhere.example' wait='5' hold='1' xmlns='" + HTTPBIND +
                "'/>").getAttribute("condition")).isEqualTo("host-unknown");
            assertThat(bosh.status("<body rid='1' to='localhost' xmlns='" + HTTPBIND + "'>")).isEqualTo(400);
            assertThat(bosh.status("<html/>")).isEqualTo(400);

            // A browser's CORS preflight.
            final HttpResponse<Void> preflight = bosh.http.send(HttpRequest.newBuilder(bosh.endpoint)
                .method("OPTIONS", HttpRequest.BodyPublishers.noBody()).build(),
                HttpResponse.BodyHandlers.discarding());
            assertThat(preflight.headers().firstValue("access-control-allow-methods")).contains("POST, OPTIONS");
        }
    }

    private static BOSHConfiguration configuration(final TestServer server) throws Exception
    {
        return BOSHConfiguration.builder().setXmppDomain("localhost").setHost("localhost")
            .setPort(server.server().webPort()).setFile("/http-bind")
            .setSecurityMode(SecurityMode.disabled).setUsernameAndPassword("alice", "a").setResource("web").build();
    }

    @Test
    @DisplayName("ARCHITECTURE invariant 6 over BOSH: a session that stops asking for what waits for it is cut off")
    void shouldCutOffASessionThatDoesNotPoll() throws Exception
    {
        try (TestServer server = TestServer.start(context -> context.webPort(0).maxOutboundBytes(64 * 1024))
            .addUser("alice", "a").addUser("bob", "b"))
        {
            final Bosh bosh = new Bosh(server);
            final String sid = bosh.create(1);
            final String credentials =
                Base64.getEncoder().encodeToString("\0alice\0a".getBytes(StandardCharsets.UTF_8));
            assertThat(bosh.postRaw("<body rid='2' sid='" + sid + "' xmlns='" + HTTPBIND + "'><auth xmlns='" +
                "urn:ietf:params:xml:ns:xmpp-sasl' mechanism='PLAIN'>" + credentials + "</auth></body>"))
                .contains("<success");
            assertThat(bosh.postRaw("<body rid='3' sid='" + sid + "' to='localhost' xmpp:restart='true' xmlns='" +
                HTTPBIND + "' xmlns:xmpp='" + XBOSH + "'/>")).contains("urn:ietf:params:xml:ns:xmpp-bind");
            assertThat(bosh.postRaw("<body rid='4' sid='" + sid + "' xmlns='" + HTTPBIND + "'><iq xmlns='" +
                "jabber:client' type='set' id='b'><bind xmlns='urn:ietf:params:xml:ns:xmpp-bind'><resource>web" +
                "</resource></bind></iq></body>")).contains("alice@localhost/web");

            // Alice asks for nothing more while Bob sends her 100 KiB.
            final XMPPTCPConnection bob = TestClients.login(server, "bob", "b");
            try
            {
                for (int i = 0; i < 100; i++)
                {
                    bob.sendStanza(MessageBuilder.buildMessage().to(JidCreate.from("alice@localhost/web"))
                        .ofType(Message.Type.chat).setBody("x".repeat(1024)).build());
                }
                // Answered after the router has handled everything Bob sent before it.
                assertThat(PingManager.getInstanceFor(bob).pingMyServer()).isTrue();
            }
            finally
            {
                bob.disconnect();
            }
            final Element cut = bosh.post("<body rid='5' sid='" + sid + "' xmlns='" + HTTPBIND + "'/>");
            assertThat(cut.getAttribute("type")).isEqualTo("terminate");
            assertThat(cut.getAttribute("condition")).isEqualTo("policy-violation");
        }
    }

    /** The JDK's HTTP client, posting bodies to the server's BOSH endpoint over TLS. */
    private static final class Bosh
    {
        final HttpClient http;
        final URI endpoint;

        Bosh(final TestServer server) throws Exception
        {
            http = HttpClient.newBuilder().sslContext(TestClients.sslContext(server))
                .version(HttpClient.Version.HTTP_1_1).build();
            endpoint = URI.create("https://localhost:" + server.server().webPort() + "/http-bind");
        }

        /**
         * @return the id of a new session whose creation request had this rid.
         */
        String create(final long rid) throws Exception
        {
            return post("<body rid='" + rid + "' to='localhost' wait='5' hold='1' xmpp:version='1.0' xmlns='" +
                HTTPBIND + "' xmlns:xmpp='" + XBOSH + "'/>").getAttribute("sid");
        }

        Element post(final String body) throws Exception
        {
            return parse(postRaw(body));
        }

        String postRaw(final String body) throws Exception
        {
            final HttpResponse<String> response = send(body);
            assertThat(response.statusCode()).isEqualTo(200);
            assertThat(response.headers().firstValue("content-type")).contains("text/xml; charset=utf-8");
            return response.body();
        }

        int status(final String body) throws Exception
        {
            return send(body).statusCode();
        }

        private HttpResponse<String> send(final String body) throws Exception
        {
            return http.send(HttpRequest.newBuilder(endpoint).header("Content-Type", "text/xml; charset=utf-8")
                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
        }
    }

    private static Element parse(final String xml) throws Exception
    {
        final DocumentBuilderFactory factory = DocumentBuilderFactory.newInstance();
        factory.setNamespaceAware(true);
        final Element body = factory.newDocumentBuilder().parse(new InputSource(new StringReader(xml)))
            .getDocumentElement();
        assertThat(body.getNamespaceURI()).isEqualTo(HTTPBIND);
        assertThat(body.getLocalName()).isEqualTo("body");
        return body;
    }
}
