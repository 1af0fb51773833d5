package org.stanzaswitch.gateway;

import org.jivesoftware.smack.packet.Message;
import org.jivesoftware.smack.packet.MessageBuilder;
import org.jivesoftware.smack.tcp.XMPPTCPConnection;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.jxmpp.jid.impl.JidCreate;
import org.stanzaswitch.gateway.tls.TlsProvider;
import org.stanzaswitch.switching.RouterWaitStrategy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Issue 7: the tuning profiles' switch settings. Every router wait strategy routes stanzas and still runs the
 * router's idle housekeeping (here: applying an account another writer put on the state journal, which
 * {@link TestServer#addUser} waits for), and the settings are read from the configuration file.
 */
@Timeout(60)
class TuningSystemTest
{
    @ParameterizedTest(name = "wait strategy {0}")
    @ValueSource(strings = {"blocking", "backoff", "busy-spin"})
    @DisplayName("Each router wait strategy routes messages and applies journal commands while idle")
    void shouldRouteWithEveryWaitStrategy(final String strategy) throws Exception
    {
        try (TestServer server = TestServer.start(context -> context.waitStrategy(RouterWaitStrategy.of(strategy)))
            .addUser("alice", "alice-secret").addUser("bob", "bob-secret"))
        {
            final XMPPTCPConnection alice = TestClients.connect(TestClients.startTls(server, "alice", "alice-secret"));
            final XMPPTCPConnection bob = TestClients.connect(TestClients.startTls(server, "bob", "bob-secret"));
            try
            {
                final BlockingQueue<Message> received = new LinkedBlockingQueue<>();
                bob.addSyncStanzaListener(stanza -> received.add((Message)stanza),
                    stanza -> stanza instanceof Message && ((Message)stanza).getBody() != null);
                for (int i = 0; i < 20; i++)
                {
                    alice.sendStanza(MessageBuilder.buildMessage().to(JidCreate.from("bob@localhost"))
                        .ofType(Message.Type.chat).setBody("m" + i).build());
                }
                for (int i = 0; i < 20; i++)
                {
                    final Message message = received.poll(10, TimeUnit.SECONDS);
                    assertThat(message).as("message %d under %s", i, strategy).isNotNull();
                    assertThat(message.getBody()).isEqualTo("m" + i);
                }
            }
            finally
            {
                alice.disconnect();
                bob.disconnect();
            }
        }
    }

    @Test
    @DisplayName("tuning.* and tls.provider are read from the configuration file; a bad one names key and value")
    void shouldReadTuningSettings(@TempDir final Path directory) throws Exception
    {
        final Path good = directory.resolve("good.yaml");
        Files.writeString(good, "tuning:\n  wait_strategy: busy-spin\n  router_cpu: 1\n  io_threads: 3\n" +
            "  transport: nio\ntls:\n  provider: jdk\n");
        final ServerContext context = ConfigLoader.load(good, new ServerContext());
        assertThat(context.ioThreads()).isEqualTo(3);
        assertThat(context.transport()).isEqualTo(Transport.NIO);
        assertThat(context.tlsProvider()).isEqualTo(TlsProvider.JDK);

        assertRefused(directory, "tuning:\n  wait_strategy: sleepy\n", "tuning.wait_strategy: sleepy",
            "blocking, backoff or busy-spin");
        assertRefused(directory, "tls:\n  provider: gnutls\n", "tls.provider: gnutls", "auto, openssl or jdk");
    }

    private static void assertRefused(
        final Path directory, final String yaml, final String named, final String choices) throws Exception
    {
        final Path bad = directory.resolve("bad.yaml");
        Files.writeString(bad, yaml);
        assertThatThrownBy(() -> ConfigLoader.load(bad, new ServerContext()))
            .isInstanceOf(IllegalArgumentException.class)
            .hasMessageContaining(named)
            .hasMessageContaining(choices);
    }
}
