package org.stanzaswitch.gateway;

import io.netty.handler.ssl.SslProvider;
import org.jivesoftware.smack.packet.Message;
import org.jivesoftware.smack.packet.MessageBuilder;
import org.jivesoftware.smack.tcp.XMPPTCPConnection;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.jxmpp.jid.impl.JidCreate;
import org.stanzaswitch.gateway.tls.TlsProvider;

import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Issue 7: the native fast paths (BoringSSL through netty-tcnative, Netty's epoll sockets) are what the server
 * runs by default here, and every combination with the JDK fallbacks carries STARTTLS (RFC 6120 §5) and direct
 * TLS (XEP-0368) with SCRAM logins and routed messages. TuningSystemTest reads the two settings from a file.
 */
@Timeout(60)
class TransportSystemTest
{
    @Test
    @DisplayName("by default this Linux x86-64 machine gets BoringSSL and epoll, not the fallbacks")
    void shouldPickTheNativePathsByDefault()
    {
        assertThat(TlsProvider.AUTO.resolve()).isEqualTo(SslProvider.OPENSSL_REFCNT);
        assertThat(Transport.AUTO.resolve()).isEqualTo(Transport.EPOLL);
    }

    @ParameterizedTest(name = "TLS by {0}, sockets by {1}")
    @CsvSource({"openssl, epoll", "openssl, nio", "jdk, epoll", "jdk, nio"})
    @DisplayName("every TLS provider and transport carries STARTTLS and direct TLS logins and messages")
    void shouldCarryBothTlsKindsOnEveryCombination(final String provider, final String transport) throws Exception
    {
        try (TestServer server = TestServer.start(context ->
            context.tlsProvider(TlsProvider.of(provider)).transport(Transport.of(transport)))
            .addUser("alice", "alice-secret").addUser("bob", "bob-secret"))
        {
            final XMPPTCPConnection alice = TestClients.connect(TestClients.startTls(server, "alice", "alice-secret"));
            final XMPPTCPConnection bob = TestClients.connect(TestClients.directTls(server, "bob", "bob-secret"));
            try
            {
                assertThat(alice.isSecureConnection()).isTrue();
                final BlockingQueue<Message> received = new LinkedBlockingQueue<>();
                bob.addSyncStanzaListener(stanza -> received.add((Message)stanza),
                    stanza -> stanza instanceof Message && ((Message)stanza).getBody() != null);
                // Larger than one TLS record, so records are split and joined on both sides.
                final String body = "x".repeat(40_000);
                alice.sendStanza(MessageBuilder.buildMessage().to(JidCreate.from("bob@localhost"))
                    .ofType(Message.Type.chat).setBody(body).build());
                final Message message = received.poll(10, TimeUnit.SECONDS);
                assertThat(message).as("TLS by %s, sockets by %s", provider, transport).isNotNull();
                assertThat(message.getBody()).isEqualTo(body);
            }
            finally
            {
                alice.disconnect();
                bob.disconnect();
            }
        }
    }
}
