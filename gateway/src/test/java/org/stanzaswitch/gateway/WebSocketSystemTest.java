package org.stanzaswitch.gateway;

import org.jivesoftware.smack.StanzaCollector;
import org.jivesoftware.smack.filter.StanzaTypeFilter;
import org.jivesoftware.smack.packet.Message;
import org.jivesoftware.smack.packet.MessageBuilder;
import org.jivesoftware.smack.tcp.XMPPTCPConnection;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.jxmpp.jid.impl.JidCreate;
import org.w3c.dom.Element;
import org.xml.sax.InputSource;

import javax.xml.parsers.DocumentBuilderFactory;
import java.io.StringReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * XMPP over WebSocket (RFC 7395) with the JDK's WebSocket client: every message the server sends is parsed alone,
 * as §3.3.3 asks of it; a WebSocket client and a Smack client over TCP talk to each other; stream errors and bad
 * input end the stream as they should; XEP-0156 host-meta names the endpoints.
 */
@Timeout(60)
class WebSocketSystemTest
{
    private static final String CLIENT_NS = "jabber:client";
    private static final String STREAMS_NS = "http://etherx.jabber.org/streams";

    @Test
    @DisplayName("RFC 7395 §3.1-§3.7: handshake, open, SASL, restart, bind, messages both ways, close")
    void shouldCarryASessionOverWebSocket() throws Exception
    {
        try (TestServer server = TestServer.start(context -> context.webPort(0))
            .addUser("alice", "a").addUser("bob", "b");
            WebSocketClient alice = WebSocketClient.connect(server))
        {
            // §3.1: the subprotocol is xmpp.
            assertThat(alice.subprotocol()).isEqualTo("xmpp");
            openStream(alice);
            final Element features = parse(alice.next());
            // §3.9: TLS is the WebSocket's, so STARTTLS is not offered; SASL is.
            assertThat(features.getElementsByTagNameNS("urn:ietf:params:xml:ns:xmpp-tls", "starttls").getLength())
                .isZero();
            assertThat(features.getElementsByTagNameNS("urn:ietf:params:xml:ns:xmpp-sasl", "mechanism").getLength())
                .isPositive();
            final String credentials =
                Base64.getEncoder().encodeToString("\0alice\0a".getBytes(StandardCharsets.UTF_8));
            alice.send("<auth xmlns='urn:ietf:params:xml:ns:xmpp-sasl' mechanism='PLAIN'>" + credentials + "</auth>");
            assertThat(parse(alice.next()).getLocalName()).isEqualTo("success");
            // §3.7: the stream restarts with a new <open/>.
            openStream(alice);
            assertThat(parse(alice.next()).getElementsByTagNameNS("urn:ietf:params:xml:ns:xmpp-bind", "bind")
                .getLength()).isOne();
            alice.send("<iq xmlns='jabber:client' type='set' id='b1'><bind xmlns='urn:ietf:params:xml:ns:xmpp-bind'>" +
                "<resource>web</resource></bind></iq>");
            final Element bound = parse(alice.next());
            assertThat(bound.getNamespaceURI()).isEqualTo(CLIENT_NS);
            assertThat(bound.getTextContent()).isEqualTo("alice@localhost/web");
            alice.send("<presence xmlns='jabber:client'/>");

            final XMPPTCPConnection bob = TestClients.login(server, "bob", "b");
            try
            {
                final StanzaCollector toBob = bob.createStanzaCollector(StanzaTypeFilter.MESSAGE);
                bob.sendStanza(MessageBuilder.buildMessage().to(JidCreate.from("alice@localhost/web"))
                    .ofType(Message.Type.chat).setBody("over TCP <&> back").build());
                // §3.3.3: a stanza arrives as a message of its own, declaring the content namespace.
                final Element got = parse(alice.nextContaining("over TCP"));
                assertThat(got.getNamespaceURI()).isEqualTo(CLIENT_NS);
                assertThat(got.getLocalName()).isEqualTo("message");
                assertThat(got.getAttribute("from")).startsWith("bob@localhost/");
                assertThat(got.getTextContent()).isEqualTo("over TCP <&> back");

                alice.send("<message xmlns='jabber:client' to='bob@localhost' type='chat'>" +
                    "<body>over WebSocket</body></message>");
                final Message received = toBob.nextResult(TimeUnit.SECONDS.toMillis(10));
                assertThat(received).isNotNull();
                assertThat(received.getBody()).isEqualTo("over WebSocket");
                assertThat(received.getFrom().toString()).isEqualTo("alice@localhost/web");
                toBob.cancel();
            }
            finally
            {
                bob.disconnect();
            }
            // §3.6: the client closes, the server answers with <close/> and closes the WebSocket.
            alice.send(WebSocketClient.CLOSE);
            final Element close = parse(alice.nextContaining("close"));
            assertThat(close.getNamespaceURI()).isEqualTo(WebSocketClient.FRAMING_NS);
            assertThat(alice.closed.get(10, TimeUnit.SECONDS)).isEqualTo(1000);
        }
    }

    @Test
    @DisplayName("RFC 7395 §3.5: a stream error is a message of its own, then <close/>, then the WebSocket closes")
    void shouldEndAStreamWithAnErrorAndClose() throws Exception
    {
        try (TestServer server = TestServer.start(context -> context.webPort(0));
            WebSocketClient client = WebSocketClient.connect(server))
        {
            client.send("<open xmlns='" + WebSocketClient.FRAMING_NS + "' to='elsewhere.example' version='1.0'/>");
            assertThat(parse(client.next()).getLocalName()).isEqualTo("open");
            final Element error = parse(client.next());
            assertThat(error.getNamespaceURI()).isEqualTo(STREAMS_NS);
            assertThat(error.getLocalName()).isEqualTo("error");
            assertThat(error.getElementsByTagNameNS("urn:ietf:params:xml:ns:xmpp-streams", "host-unknown")
                .getLength()).isOne();
            assertThat(parse(client.next()).getLocalName()).isEqualTo("close");
            assertThat(client.closed.get(10, TimeUnit.SECONDS)).isEqualTo(1000);
        }
        try (TestServer server = TestServer.start(context -> context.webPort(0));
            WebSocketClient client = WebSocketClient.connect(server))
        {
            // An <open/> in another namespace: RFC 6120 §4.9.3.10 invalid-namespace.
            client.send("<open xmlns='jabber:client' to='localhost' version='1.0'/>");
            assertThat(parse(client.next()).getLocalName()).isEqualTo("open");
            assertThat(parse(client.next()).getElementsByTagNameNS("urn:ietf:params:xml:ns:xmpp-streams",
                "invalid-namespace").getLength()).isOne();
        }
    }

    @Test
    @DisplayName("RFC 6120 §11, §13.12 over RFC 7395: malformed XML, a message too large; binary closes with 1003")
    void shouldRefuseBadInput() throws Exception
    {
        try (TestServer server = TestServer.start(context -> context.webPort(0));
            WebSocketClient client = WebSocketClient.connect(server))
        {
            openStream(client);
            parse(client.next());
            client.send("<message xmlns='jabber:client'><body>unclosed</message>");
            assertThat(parse(client.nextContaining("stream:error")).getElementsByTagNameNS(
                "urn:ietf:params:xml:ns:xmpp-streams", "not-well-formed").getLength()).isOne();
            assertThat(client.closed.get(10, TimeUnit.SECONDS)).isEqualTo(1000);
        }
        try (TestServer server = TestServer.start(context -> context.webPort(0));
            WebSocketClient client = WebSocketClient.connect(server))
        {
            openStream(client);
            client.sendBinary(WebSocketClient.OPEN.getBytes(StandardCharsets.UTF_8));
            // §3.2: text messages only.
            assertThat(client.closed.get(10, TimeUnit.SECONDS)).isEqualTo(1003);
        }
        try (TestServer server = TestServer.start(context -> context.webPort(0)
            .decoderLimits().maxStanzaSize(16 * 1024));
            WebSocketClient client = WebSocketClient.connect(server))
        {
            openStream(client);
            parse(client.next());
            // RFC 6120 §13.12: over the stanza size limit, whether it comes in one frame or (as this client sends
            // it) in several, which the framer reads as one stream.
            client.send("<message xmlns='jabber:client'><body>" + "x".repeat(64 * 1024) + "</body></message>");
            assertThat(parse(client.next()).getElementsByTagNameNS("urn:ietf:params:xml:ns:xmpp-streams",
                "policy-violation").getLength()).isOne();
            assertThat(client.closed.get(10, TimeUnit.SECONDS)).isEqualTo(1000);
        }
    }

    @Test
    @DisplayName("web.behind_proxy: plain WebSocket from the proxy, counted as encrypted: SASL PLAIN offered")
    void shouldServePlainWebSocketBehindAProxy() throws Exception
    {
        try (TestServer server = TestServer.start(context -> context.webPort(0).webBehindProxy(true))
            .addUser("alice", "a");
            WebSocketClient alice = WebSocketClient.connectPlain(server))
        {
            openStream(alice);
            final Element features = parse(alice.next());
            assertThat(features.getTextContent()).contains("PLAIN");
            final String credentials =
                Base64.getEncoder().encodeToString("\0alice\0a".getBytes(StandardCharsets.UTF_8));
            alice.send("<auth xmlns='urn:ietf:params:xml:ns:xmpp-sasl' mechanism='PLAIN'>" + credentials + "</auth>");
            assertThat(parse(alice.next()).getLocalName()).isEqualTo("success");
        }
    }

    @Test
    @DisplayName("web.behind_proxy: the authentication throttle counts clients by the proxy's X-Forwarded-For")
    void shouldThrottleClientsBehindAProxyApart() throws Exception
    {
        try (TestServer server = TestServer.start(context -> context.webPort(0).webBehindProxy(true))
            .addUser("alice", "a"))
        {
            // The last entry is the proxy's; what comes before it is the client's word.
            final String guesser = "198.51.100.1, 203.0.113.7";
            try (WebSocketClient client = WebSocketClient.connectPlain(server, guesser))
            {
                openStream(client);
                parse(client.next());
                for (int i = 0; i < 5; i++)
                {
                    assertThat(auth(client, "wrong")).isEqualTo("not-authorized");
                }
            }
            try (WebSocketClient client = WebSocketClient.connectPlain(server, "203.0.113.7"))
            {
                openStream(client);
                parse(client.next());
                assertThat(auth(client, "a")).isEqualTo("temporary-auth-failure");
            }
            try (WebSocketClient client = WebSocketClient.connectPlain(server, "198.51.100.1, 203.0.113.8"))
            {
                openStream(client);
                parse(client.next());
                assertThat(auth(client, "a")).isEqualTo("success");
            }
        }
    }

    /**
     * @return {@code success}, or the condition of the SASL failure.
     */
    private static String auth(final WebSocketClient client, final String password) throws Exception
    {
        final String credentials =
            Base64.getEncoder().encodeToString(("\0alice\0" + password).getBytes(StandardCharsets.UTF_8));
        client.send("<auth xmlns='urn:ietf:params:xml:ns:xmpp-sasl' mechanism='PLAIN'>" + credentials + "</auth>");
        final Element answer = parse(client.next());
        return answer.getLocalName().equals("success") ? "success" :
            ((Element)answer.getElementsByTagName("*").item(0)).getLocalName();
    }

    @Test
    @DisplayName("RFC 7395 §3.8: WebSocket pings keep a quiet client connected past timeouts.idle; silence does not")
    void shouldKeepAClientThatPings() throws Exception
    {
        try (TestServer server = TestServer.start(context -> context.webPort(0)
            .idleTimeoutNs(TimeUnit.SECONDS.toNanos(1)));
            WebSocketClient pinging = WebSocketClient.connect(server);
            WebSocketClient silent = WebSocketClient.connect(server))
        {
            openStream(pinging);
            parse(pinging.next());
            openStream(silent);
            parse(silent.next());
            for (int i = 0; i < 6; i++)
            {
                Thread.sleep(400);
                pinging.ping();
            }
            assertThat(pinging.closed).isNotDone();
            // The silent one had its stream closed for idleness (RFC 6120 §4.9.3.4 connection-timeout).
            assertThat(parse(silent.nextContaining("connection-timeout")).getLocalName()).isEqualTo("error");
            pinging.send(WebSocketClient.CLOSE);
            assertThat(parse(pinging.next()).getLocalName()).isEqualTo("close");
        }
    }

    @Test
    @DisplayName("RFC 6120 §13.12 on the web port: no whole request within timeouts.header, and the connection closes")
    void shouldCloseAConnectionWithoutARequest() throws Exception
    {
        try (TestServer server = TestServer.start(context -> context.webPort(0).webBehindProxy(true)
            .headerTimeoutNs(TimeUnit.SECONDS.toNanos(1)));
            java.net.Socket socket = new java.net.Socket("127.0.0.1", server.server().webPort()))
        {
            socket.setSoTimeout(10_000);
            socket.getOutputStream().write("GET /.well-known/host-meta HTTP/1.1\r\nHost: localhost\r\n"
                .getBytes(StandardCharsets.US_ASCII));
            final long start = System.nanoTime();
            assertThat(socket.getInputStream().read()).isEqualTo(-1);
            assertThat(System.nanoTime() - start).isGreaterThan(TimeUnit.MILLISECONDS.toNanos(500));
        }
    }

    @Test
    @DisplayName("XEP-0156 §3: host-meta and host-meta.json name the WebSocket and BOSH endpoints, with CORS (§4)")
    void shouldServeHostMeta() throws Exception
    {
        try (TestServer server = TestServer.start(context -> context.webPort(0)))
        {
            final int port = server.server().webPort();
            final HttpClient http = HttpClient.newBuilder().sslContext(TestClients.sslContext(server))
                .version(HttpClient.Version.HTTP_1_1).build();
            final String base = "https://localhost:" + port;
            final HttpResponse<String> xrd = http.send(HttpRequest.newBuilder(URI.create(base +
                "/.well-known/host-meta")).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(xrd.statusCode()).isEqualTo(200);
            assertThat(xrd.headers().firstValue("access-control-allow-origin")).contains("*");
            final org.w3c.dom.NodeList links = parse(xrd.body()).getElementsByTagNameNS(
                "http://docs.oasis-open.org/ns/xri/xrd-1.0", "Link");
            assertThat(links.getLength()).isEqualTo(2);
            final Element webSocket = (Element)links.item(0);
            assertThat(webSocket.getAttribute("rel")).isEqualTo("urn:xmpp:alt-connections:websocket");
            assertThat(webSocket.getAttribute("href")).isEqualTo("wss://localhost:" + port + "/xmpp-websocket");
            final Element bosh = (Element)links.item(1);
            assertThat(bosh.getAttribute("rel")).isEqualTo("urn:xmpp:alt-connections:xbosh");
            assertThat(bosh.getAttribute("href")).isEqualTo("https://localhost:" + port + "/http-bind");

            final HttpResponse<String> jrd = http.send(HttpRequest.newBuilder(URI.create(base +
                "/.well-known/host-meta.json")).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(jrd.body()).contains("\"href\":\"wss://localhost:" + port + "/xmpp-websocket\"")
                .contains("\"href\":\"https://localhost:" + port + "/http-bind\"");

            assertThat(http.send(HttpRequest.newBuilder(URI.create(base + "/elsewhere")).build(),
                HttpResponse.BodyHandlers.discarding()).statusCode()).isEqualTo(404);
        }
    }

    private static void openStream(final WebSocketClient client) throws Exception
    {
        client.send(WebSocketClient.OPEN);
        final Element open = parse(client.next());
        assertThat(open.getNamespaceURI()).isEqualTo(WebSocketClient.FRAMING_NS);
        assertThat(open.getLocalName()).isEqualTo("open");
        assertThat(open.getAttribute("from")).isEqualTo("localhost");
        assertThat(open.getAttribute("version")).isEqualTo("1.0");
        assertThat(open.getAttribute("id")).isNotEmpty();
    }

    /**
     * §3.3.3: each message is a document of its own, namespaces declared in it.
     */
    private static Element parse(final String message) throws Exception
    {
        assertThat(message).as("a message from the server").isNotNull();
        final DocumentBuilderFactory factory = DocumentBuilderFactory.newInstance();
        factory.setNamespaceAware(true);
        return factory.newDocumentBuilder().parse(new InputSource(new StringReader(message))).getDocumentElement();
    }
}
