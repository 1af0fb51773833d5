package org.stanzaswitch.gateway;

import org.jivesoftware.smack.packet.Message;
import org.jivesoftware.smack.packet.MessageBuilder;
import org.jivesoftware.smack.tcp.XMPPTCPConnection;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.jxmpp.jid.impl.JidCreate;

import java.util.Arrays;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Issue 6: a client that stops reading while others send to it is cut off at its bound, and the other users'
 * latency does not move meanwhile (a popular server was measured here letting one such client delay everyone
 * by 4.9 s). Two users exchange messages and time each round trip, without and then with the flood.
 */
@Timeout(120)
class SlowClientSystemTest
{
    private static final int ROUND_TRIPS = 200;

    @Test
    @DisplayName("Invariant 6: a client that stops reading is cut off; other users' round trips stay fast")
    void shouldNotLetASlowReaderDelayOthers() throws Exception
    {
        // The flooder sends 32 MiB as fast as it can: not shaped by the default client rate.
        try (TestServer server = TestServer.start(context -> context.c2sRate(0))
            .addUser("slow", "s-secret").addUser("flood", "f-secret")
            .addUser("ping", "p-secret").addUser("pong", "q-secret");
             RawClient slow = RawClient.directTls(server))
        {
            final String slowJid = slow.login("", "slow", "s-secret");
            slow.send("<presence/>");
            // Without stream management: under a flood, Smack 4.4's reader blocks queueing an <a/> behind a writer
            // that waits for the server's acks the reader would read (seen once as a hung run).
            final XMPPTCPConnection flood =
                new XMPPTCPConnection(TestClients.startTls(server, "flood", "f-secret").build());
            flood.setUseStreamManagement(false);
            flood.setReplyTimeout(10_000);
            flood.connect().login();
            final XMPPTCPConnection ping = TestClients.connect(TestClients.startTls(server, "ping", "p-secret"));
            final XMPPTCPConnection pong = TestClients.connect(TestClients.startTls(server, "pong", "q-secret"));
            final AtomicBoolean flooding = new AtomicBoolean();
            try
            {
                pong.addSyncStanzaListener(stanza -> pong.sendStanza(MessageBuilder.buildMessage()
                    .to(stanza.getFrom()).ofType(Message.Type.chat).setBody(((Message)stanza).getBody()).build()),
                    stanza -> stanza instanceof Message && ((Message)stanza).getBody() != null);
                final BlockingQueue<Message> echoes = new LinkedBlockingQueue<>();
                ping.addSyncStanzaListener(stanza -> echoes.add((Message)stanza),
                    stanza -> stanza instanceof Message && ((Message)stanza).getBody() != null);

                final long[] quiet = roundTrips(ping, echoes);
                flooding.set(true);
                final Thread flooder = new Thread(() ->
                {
                    final String body = "z".repeat(8 * 1024);
                    try
                    {
                        // At least 32 MiB: more than the client's bound and every socket buffer on the way.
                        for (int sent = 0; flooding.get() || sent < 4_000; sent++)
                        {
                            flood.sendStanza(MessageBuilder.buildMessage().to(JidCreate.from(slowJid))
                                .ofType(Message.Type.chat).setBody(body).build());
                        }
                    }
                    catch (final Exception stopped)
                    {
                        // The flood ends with the test.
                    }
                }, "flooder");
                flooder.setDaemon(true);
                flooder.start();
                Thread.sleep(200);
                final long[] flooded = roundTrips(ping, echoes);
                flooding.set(false);
                flooder.join(10_000);

                assertThat(slow.discardUntilClosed(30_000)).as("the slow reader is cut off at its bound").isTrue();
                System.out.printf("slow reader: round trips of two other users, quiet: p50 %.2f ms, p99 %.2f ms, " +
                    "max %.2f ms; while one client stops reading under a flood: p50 %.2f ms, p99 %.2f ms, max %.2f " +
                        "ms%n",
                    ms(quiet, 50), ms(quiet, 99), ms(quiet, 100), ms(flooded, 50), ms(flooded, 99), ms(flooded, 100));
                assertThat(ms(flooded, 100)).as("no stall of seconds, as measured on a peer (4.9 s)")
                    .isLessThan(1_000.0);
                assertThat(TestClients.disconnectWithin(flood, 20_000)).as("the flooding sender closes").isTrue();
                assertThat(roundTrips(ping, echoes)).as("the server still routes after the flood").hasSize(ROUND_TRIPS);
            }
            finally
            {
                flooding.set(false);
                TestClients.disconnectWithin(flood, 5_000);
                TestClients.disconnectWithin(ping, 5_000);
                TestClients.disconnectWithin(pong, 5_000);
            }
        }
    }

    private static long[] roundTrips(final XMPPTCPConnection ping, final BlockingQueue<Message> echoes)
        throws Exception
    {
        final long[] nanos = new long[ROUND_TRIPS];
        for (int i = 0; i < ROUND_TRIPS; i++)
        {
            final String body = "rt-" + i + "-" + System.nanoTime();
            final long start = System.nanoTime();
            ping.sendStanza(MessageBuilder.buildMessage().to(JidCreate.from("pong@localhost"))
                .ofType(Message.Type.chat).setBody(body).build());
            Message echo;
            do
            {
                echo = echoes.poll(10, TimeUnit.SECONDS);
                assertThat(echo).as("echo of round trip %d", i).isNotNull();
            }
            while (!body.equals(echo.getBody()));
            nanos[i] = System.nanoTime() - start;
        }
        Arrays.sort(nanos);
        return nanos;
    }

    private static double ms(final long[] sorted, final int percentile)
    {
        final int index = Math.min(sorted.length - 1, (int)Math.ceil(percentile / 100.0 * sorted.length) - 1);
        return sorted[Math.max(0, index)] / 1e6;
    }
}
