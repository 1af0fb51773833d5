package org.stanzaswitch.gateway;

import org.jivesoftware.smack.packet.Message;
import org.jivesoftware.smack.packet.MessageBuilder;
import org.jivesoftware.smack.tcp.XMPPTCPConnection;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.jxmpp.jid.impl.JidCreate;
import org.stanzaswitch.gateway.cli.StanzaSwitchMain;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Analytics consumers: {@code stanzaswitch journal tail} in a second process reads the journals as JSON lines
 * while the server writes them.
 */
@Timeout(120)
class JournalTailSystemTest
{
    private static Process tail(final TestServer server, final String... args) throws Exception
    {
        final String[] command = new String[args.length + 4];
        command[0] = "journal";
        command[1] = "tail";
        System.arraycopy(args, 0, command, 2, args.length);
        command[args.length + 2] = "--data";
        command[args.length + 3] = server.dataDir().toString();
        return ChildJvm.java(List.of("-Xmx128m"), StanzaSwitchMain.class, command).redirectErrorStream(true).start();
    }

    private static BlockingQueue<String> lines(final Process process)
    {
        final BlockingQueue<String> lines = new LinkedBlockingQueue<>();
        final Thread reader = new Thread(() ->
        {
            try (BufferedReader in = new BufferedReader(new InputStreamReader(process.getInputStream(),
                StandardCharsets.UTF_8)))
            {
                String line;
                while ((line = in.readLine()) != null)
                {
                    lines.add(line);
                }
            }
            catch (final java.io.IOException ended)
            {
                // The process was stopped.
            }
        }, "tail-reader");
        reader.setDaemon(true);
        reader.start();
        return lines;
    }

    private static String next(final BlockingQueue<String> lines, final String... contained) throws Exception
    {
        final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (System.nanoTime() < deadline)
        {
            final String line = lines.poll(100, TimeUnit.MILLISECONDS);
            if (line != null && List.of(contained).stream().allMatch(line::contains))
            {
                return line;
            }
        }
        throw new AssertionError("no line with " + List.of(contained));
    }

    @Test
    @DisplayName("events (connect, authentication, bind, presence, disconnect) reach a follower in another process")
    void shouldFollowEventsOfALiveServer() throws Exception
    {
        try (TestServer server = TestServer.start().addUser("alice", "alice-secret").addUser("bob", "bob-secret"))
        {
            final Process follower = tail(server, "events", "--follow");
            try
            {
                final BlockingQueue<String> lines = lines(follower);
                final XMPPTCPConnection alice = TestClients.connect(TestClients.startTls(server, "alice",
                    "alice-secret"));
                final String jid = alice.getUser().toString();
                assertThat(next(lines, "\"type\":\"connected\"")).contains("\"address\":\"/127.0.0.1:");
                assertThat(next(lines, "\"type\":\"authenticated\"")).contains("\"jid\":\"alice\"",
                    "\"detail\":\"SCRAM-SHA-");
                next(lines, "\"type\":\"bound\"", "\"jid\":\"" + jid + "\"");
                next(lines, "\"type\":\"available\"", "\"jid\":\"" + jid + "\"");
                alice.sendStanza(MessageBuilder.buildMessage().to(JidCreate.from("bob@localhost"))
                    .ofType(Message.Type.chat).setBody("for the archive").build());
                alice.disconnect();
                next(lines, "\"type\":\"unavailable\"", "\"jid\":\"" + jid + "\"");
                next(lines, "\"type\":\"disconnected\"", "\"jid\":\"" + jid + "\"");

                final Process archive = tail(server, "archive");
                final BlockingQueue<String> archived = lines(archive);
                assertThat(archive.waitFor(60, TimeUnit.SECONDS)).as("without --follow it ends").isTrue();
                assertThat(next(archived, "\"type\":\"message\"")).contains("\"from\":\"alice@localhost\"",
                    "\"to\":\"bob@localhost\"", "\"senderArchive\":true", "for the archive");
            }
            finally
            {
                follower.destroyForcibly();
            }
        }
    }
}
