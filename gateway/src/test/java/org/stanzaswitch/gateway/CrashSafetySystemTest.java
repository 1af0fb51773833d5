package org.stanzaswitch.gateway;

import org.jivesoftware.smack.packet.Message;
import org.jivesoftware.smack.tcp.XMPPTCPConnection;
import org.jivesoftware.smackx.mam.MamManager;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * ARCHITECTURE invariant 5 under {@code kill -9}: senders with XEP-0198 acks load the real server process with
 * messages to offline and online users; the process is killed at random moments, round after round, and
 * restarted on the same data. Afterwards every acknowledged message is delivered to its offline recipient
 * and in the archives, each exactly once and in order per sender; unacknowledged ones may be missing but are
 * never duplicated or reordered.
 */
@Timeout(300)
class CrashSafetySystemTest
{
    private static final int SENDERS = 3;
    private static final int ROUNDS = 4;
    private static final int BATCH = 10;
    private static final String[] TARGETS = {"off1", "off2", "online"};
    private static final Pattern BODY = Pattern.compile("<body>s(\\d)-(\\d+)</body>");
    private static final Pattern MESSAGE_TAG = Pattern.compile("<message[^>]*>");
    private static final Pattern ID = Pattern.compile("id='s\\d-(\\d+)'");

    /** What one sender did across all rounds. */
    private static final class Sender
    {
        final int number;
        final Set<Integer> acked = ConcurrentHashMap.newKeySet();
        final Set<Integer> refused = ConcurrentHashMap.newKeySet();
        int nextSeq;

        Sender(final int number)
        {
            this.number = number;
        }

        static String target(final int seq)
        {
            return TARGETS[seq % TARGETS.length];
        }

        /**
         * Log in, enable acks, and send batches, each followed by {@code <r/>}, until the server dies.
         */
        void run(final ServerProcess server, final Path certificate, final AtomicBoolean stop)
        {
            try (RawClient client = RawClient.directTls(server.directTlsPort(), certificate))
            {
                if (client.login("", "s" + number, "secret") == null)
                {
                    return;
                }
                client.send("<enable xmlns='urn:xmpp:sm:3'/>");
                if (!client.readUntil("<enabled", 5_000).contains("<enabled"))
                {
                    return;
                }
                final List<Integer> sent = new ArrayList<>();
                while (!stop.get())
                {
                    final StringBuilder batch = new StringBuilder();
                    for (int i = 0; i < BATCH; i++)
                    {
                        final int seq = nextSeq++;
                        sent.add(seq);
                        batch.append("<message type='chat' to='").append(target(seq)).append("@localhost' id='s")
                            .append(number).append('-').append(seq).append("'><body>s").append(number).append('-')
                            .append(seq).append("</body></message>");
                    }
                    client.send(batch.append("<r xmlns='urn:xmpp:sm:3'/>").toString());
                    final String expected = "h='" + sent.size() + "'";
                    final String received = client.readUntil(expected, 5_000);
                    if (!received.contains(expected))
                    {
                        return;
                    }
                    // Handled includes refused (an error came back before the ack): those were never accepted.
                    final Matcher tags = MESSAGE_TAG.matcher(received);
                    while (tags.find())
                    {
                        final Matcher id = ID.matcher(tags.group());
                        if (tags.group().contains("type='error'") && id.find())
                        {
                            refused.add(Integer.parseInt(id.group(1)));
                        }
                    }
                    acked.addAll(sent);
                    acked.removeAll(refused);
                }
            }
            catch (final IOException | RuntimeException deadServer)
            {
                // The kill: whatever was not acknowledged is in doubt.
            }
            catch (final Exception ex)
            {
                throw new IllegalStateException(ex);
            }
        }
    }

    @Test
    @DisplayName("Invariant 5, XEP-0198: nothing acknowledged is lost, duplicated or reordered across kill -9")
    void shouldLoseNothingAcknowledged() throws Exception
    {
        final Path dataDir = TestServer.newDataDir();
        final long seed = System.nanoTime();
        final SplittableRandom random = new SplittableRandom(seed);
        final Sender[] senders = new Sender[SENDERS];
        try (ServerProcess server = new ServerProcess(dataDir))
        {
            addUsers(server);
            final Path certificate = dataDir.resolve("tls").resolve("localhost.crt.pem");
            for (int s = 0; s < SENDERS; s++)
            {
                senders[s] = new Sender(s);
            }
            for (int round = 0; round < ROUNDS; round++)
            {
                server.start();
                final RawClient online = RawClient.directTls(server.directTlsPort(), certificate);
                assertThat(online.login("", "online", "secret")).isNotNull();
                online.send("<presence/><iq type='get' id='ready'><ping xmlns='urn:xmpp:ping'/></iq>");
                assertThat(online.readUntil("id='ready'", 10_000)).contains("id='ready'");
                final AtomicBoolean stop = new AtomicBoolean();
                final List<Thread> threads = new ArrayList<>();
                for (final Sender sender : senders)
                {
                    final Thread thread = new Thread(() -> sender.run(server, certificate, stop), "sender-" +
                        sender.number);
                    thread.start();
                    threads.add(thread);
                }
                Thread.sleep(300 + random.nextInt(1200));
                server.kill();
                stop.set(true);
                for (final Thread thread : threads)
                {
                    thread.join(30_000);
                }
                // Live deliveries of this round: in order, once; those in flight at the kill are in the archive.
                final Map<Integer, List<Integer>> live = bySender(online.readUntilClosed(5_000));
                online.close();
                for (final Map.Entry<Integer, List<Integer>> entry : live.entrySet())
                {
                    assertThat(entry.getValue()).as("seed %d: live from sender %d", seed, entry.getKey()).isSorted()
                        .doesNotHaveDuplicates();
                }
            }
            server.start();
            final Map<Integer, List<Integer>> off1 = receiveOffline(server, certificate, "off1");
            final Map<Integer, List<Integer>> off2 = receiveOffline(server, certificate, "off2");
            int totalAcked = 0;
            for (final Sender sender : senders)
            {
                totalAcked += sender.acked.size();
                final Set<Integer> ackedTo1 = ackedTo(sender, "off1");
                final Set<Integer> ackedTo2 = ackedTo(sender, "off2");
                final List<Integer> got1 = off1.getOrDefault(sender.number, List.of());
                final List<Integer> got2 = off2.getOrDefault(sender.number, List.of());
                assertThat(got1).as("seed %d: sender %d to off1", seed, sender.number).isSorted()
                    .doesNotHaveDuplicates().containsAll(ackedTo1);
                assertThat(got2).as("seed %d: sender %d to off2", seed, sender.number).isSorted()
                    .doesNotHaveDuplicates().containsAll(ackedTo2);
                final List<Integer> archived = archivedBy(server, certificate, "s" + sender.number, sender.number);
                assertThat(archived).as("seed %d: sender %d's archive", seed, sender.number).isSorted()
                    .doesNotHaveDuplicates().containsAll(sender.acked);
                assertThat(archivedBy(server, certificate, "online", sender.number)).as("seed %d: online's archive",
                    seed)
                    .isSorted().doesNotHaveDuplicates().containsAll(ackedTo(sender, "online"));
            }
            assertThat(totalAcked).as("the load acknowledged something in every run").isGreaterThan(ROUNDS * BATCH);
            System.out.printf("crash safety: seed %d, %d kill -9 rounds, %d messages acknowledged, " +
                "%d delivered from offline storage, none lost or duplicated%n", seed, ROUNDS, totalAcked,
                off1.values().stream().mapToInt(List::size).sum() + off2.values().stream().mapToInt(List::size).sum());
            for (final Sender sender : senders)
            {
                assertThat(sender.refused).as("nothing refused within the quota").isEmpty();
            }
        }
        finally
        {
            TestServer.delete(dataDir);
        }
    }

    private static void addUsers(final ServerProcess server) throws Exception
    {
        final ServerContext context = new ServerContext();
        ConfigLoader.load(server.config(), context);
        try (AccountAdmin admin = new AccountAdmin(context.conclude()))
        {
            for (int s = 0; s < SENDERS; s++)
            {
                admin.setPassword("s" + s, "secret");
            }
            for (final String target : TARGETS)
            {
                admin.setPassword(target, "secret");
            }
        }
    }

    private static Set<Integer> ackedTo(final Sender sender, final String target)
    {
        final Set<Integer> seqs = new TreeSet<>();
        for (final int seq : sender.acked)
        {
            if (Sender.target(seq).equals(target))
            {
                seqs.add(seq);
            }
        }
        return seqs;
    }

    /**
     * @return by sender, the sequence numbers delivered from offline storage, in the order received.
     */
    private static Map<Integer, List<Integer>> receiveOffline(
        final ServerProcess server, final Path certificate, final String user) throws Exception
    {
        try (RawClient client = RawClient.directTls(server.directTlsPort(), certificate))
        {
            assertThat(client.login("", user, "secret")).isNotNull();
            client.send("<presence/>");
            // The backlog comes as fast as this client reads; it is over when nothing more arrives.
            String received = "";
            String before;
            do
            {
                before = received;
                received = client.readUntil("never sent", 1_500);
            }
            while (received.length() > before.length());
            return bySender(received);
        }
    }

    private static Map<Integer, List<Integer>> bySender(final String text)
    {
        final Map<Integer, List<Integer>> bySender = new TreeMap<>();
        final Matcher matcher = BODY.matcher(text);
        while (matcher.find())
        {
            bySender.computeIfAbsent(Integer.parseInt(matcher.group(1)), s -> new ArrayList<>())
                .add(Integer.parseInt(matcher.group(2)));
        }
        return bySender;
    }

    /**
     * @return the sequence numbers of one sender's messages in a user's archive, in archive order.
     */
    private static List<Integer> archivedBy(
        final ServerProcess server, final Path certificate, final String user, final int sender) throws Exception
    {
        final XMPPTCPConnection connection = TestClients.connect(
            TestClients.directTls(server.directTlsPort(), certificate, user, "secret"));
        try
        {
            final MamManager.MamQuery query = MamManager.getInstanceFor(connection).queryArchive(
                MamManager.MamQueryArgs.builder().setResultPageSize(250).build());
            final List<Message> messages = new ArrayList<>(query.getMessages());
            while (!query.isComplete())
            {
                messages.addAll(query.pageNext(250));
            }
            final StringBuilder bodies = new StringBuilder();
            messages.forEach(message -> bodies.append("<body>").append(message.getBody()).append("</body>"));
            return bySender(bodies.toString()).getOrDefault(sender, List.of());
        }
        finally
        {
            connection.disconnect();
        }
    }
}
