package org.stanzaswitch.gateway;

import io.netty.util.ResourceLeakDetector;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.lang.management.ManagementFactory;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The router thread delivers every stanza into a Netty channel, which takes an output buffer and, from a thread
 * not its own, a write task. Netty pools both per thread, but only for threads of its own class: on a plain thread
 * each delivery made both anew (about 200 bytes of garbage per message, a young collection every few seconds at
 * 2,000 messages a second; docs/performance.md, session 16). Measured over real sockets, on the router thread alone.
 */
@Timeout(120)
class RouterAllocationSystemTest
{
    private static final int BATCH = 100;
    private static final int WARM_UP_BATCHES = 100;
    private static final int MEASURED_BATCHES = 100;
    /** Before the router ran on Netty's thread class it was 140-150 bytes. */
    private static final long MAX_BYTES_PER_MESSAGE = 8;

    @Test
    @DisplayName("the router thread allocates under 8 bytes per chat message it routes and delivers")
    void shouldDeliverWithoutGarbageOnTheRouterThread() throws Exception
    {
        try (TestServer server = TestServer.start().addUser("echo", "echo-secret");
            RawClient client = RawClient.directTls(server))
        {
            final String jid = client.login("", "echo", "echo-secret");
            assertThat(jid).isNotNull();
            final com.sun.management.ThreadMXBean threads =
                (com.sun.management.ThreadMXBean)ManagementFactory.getThreadMXBean();
            final long router = routerThreadId();

            exchange(client, jid, WARM_UP_BATCHES);
            // Netty's leak detector records the stack of one buffer in 128 at random (about 10 bytes a message
            // here, give or take a third): the router's own garbage is measured without it.
            final ResourceLeakDetector.Level leakDetection = ResourceLeakDetector.getLevel();
            ResourceLeakDetector.setLevel(ResourceLeakDetector.Level.DISABLED);
            final long allocated;
            try
            {
                final long before = threads.getThreadAllocatedBytes(router);
                exchange(client, jid, MEASURED_BATCHES);
                allocated = threads.getThreadAllocatedBytes(router) - before;
            }
            finally
            {
                ResourceLeakDetector.setLevel(leakDetection);
            }

            assertThat(allocated / (MEASURED_BATCHES * BATCH))
                .as("router thread bytes per message (%,d over %,d messages)", allocated, MEASURED_BATCHES * BATCH)
                .isLessThan(MAX_BYTES_PER_MESSAGE);
        }
    }

    /**
     * Messages to the client's own full JID (RFC 6121 §8.5.3.1: delivered to that resource), a batch at a time,
     * each batch read back in full before the next.
     */
    private static void exchange(final RawClient client, final String jid, final int batches) throws Exception
    {
        final StringBuilder batch = new StringBuilder();
        for (int b = 0; b < batches; b++)
        {
            batch.setLength(0);
            for (int i = 0; i < BATCH; i++)
            {
                batch.append("<message to='").append(jid).append("' type='chat' id='m").append(b).append('-')
                    .append(i).append("'><body>routed without garbage</body></message>");
            }
            client.send(batch.toString());
            assertThat(client.readPast("id='m" + b + '-' + (BATCH - 1) + "'", 10_000)).isTrue();
        }
    }

    private static long routerThreadId()
    {
        final List<Thread> routers = Thread.getAllStackTraces().keySet().stream()
            .filter(thread -> thread.getName().equals("stanzaswitch-router") && thread.isAlive()).toList();
        assertThat(routers).as("one running server in this JVM").hasSize(1);
        return routers.get(0).getId();
    }
}
