package org.stanzaswitch.gateway;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code limits.c2s_rate}: a client sending faster than its rate is read more slowly, not cut off, and the others
 * on the same I/O thread do not wait for it.
 */
@Timeout(60)
class ReadRateSystemTest
{
    private static final int RATE = 32 * 1024;
    private static final int STANZAS = 40;
    private static final int PAYLOAD_BYTES = 4000;
    private static final int MAX_READ = 64 * 1024;

    @Test
    @DisplayName("160 KB at 32 KB/s with a 32 KB burst take 2-4 s, not a blink; another client's pings stay fast")
    void shouldShapeAFastClientOnly() throws Exception
    {
        try (TestServer server = TestServer.start(context -> context.c2sRate(RATE).c2sBurst(RATE).ioThreads(1))
            .addUser("fast", "fast-secret").addUser("calm", "calm-secret");
            RawClient fast = RawClient.directTls(server); RawClient calm = RawClient.directTls(server))
        {
            assertThat(fast.login("", "fast", "fast-secret")).isNotNull();
            assertThat(calm.login("", "calm", "calm-secret")).isNotNull();
            final String stanza = "<iq type='result' id='x' to='localhost'><x xmlns='urn:x'>" +
                "a".repeat(PAYLOAD_BYTES) + "</x></iq>";

            final long start = System.nanoTime();
            final CompletableFuture<Long> flood = CompletableFuture.supplyAsync(() ->
            {
                try
                {
                    for (int i = 0; i < STANZAS; i++)
                    {
                        fast.send(stanza);
                    }
                    fast.send("<iq type='get' id='done' to='localhost'><ping xmlns='urn:xmpp:ping'/></iq>");
                    fast.readUntil("id='done'", 30_000);
                    return System.nanoTime() - start;
                }
                catch (final Exception ex)
                {
                    throw new IllegalStateException(ex);
                }
            });
            long slowestPing = 0;
            int pings = 0;
            while (!flood.isDone())
            {
                final long sent = System.nanoTime();
                calm.send("<iq type='get' id='p" + pings + "' to='localhost'><ping xmlns='urn:xmpp:ping'/></iq>");
                calm.readUntil("id='p" + pings + "'", 10_000);
                slowestPing = Math.max(slowestPing, System.nanoTime() - sent);
                pings++;
                Thread.sleep(50);
            }

            final double seconds = flood.get(1, TimeUnit.SECONDS) / 1e9;
            // The wait comes after a read is handled, so the last read (at most 64 KB here) is not waited for.
            final double atLeast = (STANZAS * (stanza.length() + 0.0) - RATE - MAX_READ) / RATE;
            assertThat(seconds).as("read at the rate after the burst and one read: at least %.1f s", atLeast)
                .isGreaterThan(atLeast).isLessThan(atLeast + 10);
            assertThat(pings).as("the calm client kept pinging").isGreaterThan(10);
            assertThat(slowestPing / 1e6).as("slowest ping of the calm client, ms").isLessThan(1000.0);
        }
    }
}
