package org.stanzaswitch.gateway;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.lang.management.ManagementFactory;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Stanzas near the size limit cost memory while they are routed, and none after: the inbound ring's slots give
 * back what such a stanza made them grow. Before, each slot kept the largest stanza it had seen, and one client
 * sending 200 KB stanzas filled a 1 GB heap in seconds (OutOfMemoryError on the I/O thread; docs/performance.md).
 */
@Timeout(120)
class LargeStanzaSystemTest
{
    private static final int STANZAS = 1_000;
    private static final int PAYLOAD_BYTES = 200_000;

    @Test
    @DisplayName("1,000 stanzas of 200 KB (within the 256 KB limit) leave under 64 MB of live heap behind")
    void shouldKeepNoMemoryForLargeStanzas() throws Exception
    {
        // The client sends 190 MB at once: read at full speed, not at the default per-client rate.
        try (TestServer server = TestServer.start(context -> context.c2sRate(0)).addUser("big", "big-secret");
            RawClient client = RawClient.directTls(server))
        {
            assertThat(client.login("", "big", "big-secret")).isNotNull();
            final long before = liveHeapBytes();
            // An IQ result to the server is routed and dropped (RFC 6120 §8.2.3): nothing comes back to read.
            final String stanza = "<iq type='result' id='x' to='localhost'><x xmlns='urn:x'>" +
                "a".repeat(PAYLOAD_BYTES) + "</x></iq>";
            for (int i = 0; i < STANZAS; i++)
            {
                client.send(stanza);
            }
            client.send("<iq type='get' id='after' to='localhost'><ping xmlns='urn:xmpp:ping'/></iq>");
            assertThat(client.readUntil("id='after'", 60_000)).as("all routed, the stream still up")
                .contains("type='result'");

            final long retained = liveHeapBytes() - before;
            assertThat(retained).as("bytes still live after %,d MB went through", STANZAS * PAYLOAD_BYTES >> 20)
                .isLessThan(64L << 20);
        }
    }

    private static long liveHeapBytes()
    {
        System.gc();
        return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
    }
}
