package org.stanzaswitch.gateway;

import org.jivesoftware.smack.sasl.SASLErrorException;
import org.jivesoftware.smack.tcp.XMPPTCPConnection;
import org.jivesoftware.smackx.ping.PingManager;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.stanzaswitch.gateway.cli.StanzaSwitchMain;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * ARCHITECTURE invariant 4: accounts are commands on the state journal, so they outlive the process, and
 * the CLI's changes reach a server whether it runs or not.
 */
@Timeout(60)
class AccountDurabilitySystemTest
{
    @Test
    @DisplayName("accounts added while stopped, added while running, changed and deleted survive restarts, by " +
        "snapshot or by journal")
    void shouldKeepAccountsAcrossRestarts() throws Exception
    {
        final Path data = TestServer.newDataDir();
        try
        {
            final ServerContext offline = new ServerContext().domain(TestServer.DOMAIN).dataDir(data).conclude();
            try (AccountAdmin admin = new AccountAdmin(offline))
            {
                admin.setPassword(admin.username("erin@localhost"), "erin-1");
                admin.setPassword(admin.username("frank"), "frank-1");
            }
            try (TestServer server = TestServer.start(data, false, context -> { }))
            {
                login(server, "erin", "erin-1").disconnect();
                server.addUser("grace", "grace-1");
                try (AccountAdmin admin = new AccountAdmin(server.server().context()))
                {
                    admin.setPassword("erin", "erin-2");
                    admin.delete("frank");
                }
            }
            try (TestServer server = TestServer.start(data, false, context -> { }))
            {
                login(server, "erin", "erin-2").disconnect();
                login(server, "grace", "grace-1").disconnect();
                assertThatThrownBy(() -> login(server, "frank", "frank-1")).isInstanceOf(SASLErrorException.class);
                assertThat(server.server().accounts().usernames()).containsExactly("erin", "grace");
            }

            // Startup is snapshot + replay: the graceful stop wrote one, the CLI reads it, and a damaged one is
            // refused in favour of replaying the whole journal.
            final Path snapshot = data.resolve("state.snapshot");
            assertThat(snapshot).as("written at the graceful stop").exists();
            try (AccountAdmin admin = new AccountAdmin(offline))
            {
                assertThat(admin.usernames()).containsExactly("erin", "grace");
                admin.setPassword("heidi", "heidi-1");
            }
            // The CLI writes one too, from the journal, in a process of its own.
            final Process cli = ChildJvm.java(List.of("-Xmx128m"), StanzaSwitchMain.class, "snapshot", "--data",
                data.toString()).redirectErrorStream(true).start();
            final String printed = new String(cli.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertThat(cli.waitFor()).as(printed).isZero();
            assertThat(printed).as("3 accounts and the last logouts of erin and grace")
                .contains("state.snapshot: 5 records (1 journal commands after the previous snapshot");
            final byte[] whole = Files.readAllBytes(snapshot);
            whole[whole.length / 2] ^= 1;
            Files.write(snapshot, whole);
            try (TestServer server = TestServer.start(data, false, context -> { }))
            {
                assertThat(server.server().accounts().usernames()).containsExactly("erin", "grace", "heidi");
                login(server, "erin", "erin-2").disconnect();
                login(server, "heidi", "heidi-1").disconnect();
            }
        }
        finally
        {
            TestServer.delete(data);
        }
    }

    @Test
    @DisplayName("RFC 6120 §4.9.3.12: an account deleted by the operator while connected loses its open streams")
    void shouldEndTheStreamsOfADeletedAccount() throws Exception
    {
        try (TestServer server = TestServer.start().addUser("ivy", "ivy-1").addUser("jack", "jack-1"))
        {
            final XMPPTCPConnection jack = login(server, "jack", "jack-1");
            try (RawClient ivy = RawClient.directTls(server))
            {
                ivy.login("", "ivy", "ivy-1");
                try (AccountAdmin admin = new AccountAdmin(server.server().context()))
                {
                    admin.delete("ivy");
                }
                assertThat(ivy.readUntilClosed(10_000)).contains("<not-authorized").contains("</stream:stream>");
                assertThat(PingManager.getInstanceFor(jack).pingMyServer()).as("another account's stream goes on")
                    .isTrue();
            }
            finally
            {
                jack.disconnect();
            }
        }
    }

    private static XMPPTCPConnection login(final TestServer server, final String user, final String password)
        throws Exception
    {
        return TestClients.connect(TestClients.startTls(server, user, password));
    }
}
