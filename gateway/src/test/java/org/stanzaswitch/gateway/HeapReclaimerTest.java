package org.stanzaswitch.gateway;

import com.sun.management.HotSpotDiagnosticMXBean;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.lang.management.MemoryUsage;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The heap reclaimer asks for a collection only when the heap is worth shrinking and only where the request is
 * concurrent; and, in a JVM set up as the {@code shared} profile sets it, a heap a burst grew is given back once the
 * burst is over, which G1 alone does not do while nothing allocates.
 */
@Timeout(120)
class HeapReclaimerTest
{
    private static final long MB = 1024 * 1024;
    private static final double KEPT_AT_10_PERCENT_FREE = 0.9;

    @Test
    @DisplayName("a heap well above what its use needs is oversized; one within a tenth of it, or at -Xms, is not")
    void shouldJudgeTheHeapAgainstWhatG1WouldKeep()
    {
        assertThat(HeapReclaimer.oversized(heap(32, 56, 140), KEPT_AT_10_PERCENT_FREE))
            .as("after a login storm: 140 MB committed for 56 MB used").isTrue();
        assertThat(HeapReclaimer.oversized(heap(32, 56, 66), KEPT_AT_10_PERCENT_FREE))
            .as("as G1 leaves it after a remark").isFalse();
        assertThat(HeapReclaimer.oversized(heap(32, 10, 34), KEPT_AT_10_PERCENT_FREE))
            .as("G1 never shrinks below -Xms").isFalse();
        assertThat(HeapReclaimer.oversized(heap(32, 10, 48), KEPT_AT_10_PERCENT_FREE)).isTrue();
    }

    @Test
    @DisplayName("a heap is asked for again only if it has grown by more than a tenth since the last request left it")
    void shouldNotAskAgainForAHeapThatHasNotGrown()
    {
        assertThat(HeapReclaimer.worthRequesting(heap(32, 56, 140), KEPT_AT_10_PERCENT_FREE, 0))
            .as("the first request").isTrue();
        assertThat(HeapReclaimer.worthRequesting(heap(32, 34, 44), KEPT_AT_10_PERCENT_FREE, 44 * MB))
            .as("G1 kept 44 MB for 34 used after the last request: oversized by the rule, but not grown").isFalse();
        assertThat(HeapReclaimer.worthRequesting(heap(32, 34, 48), KEPT_AT_10_PERCENT_FREE, 44 * MB))
            .as("within the tolerance").isFalse();
        assertThat(HeapReclaimer.worthRequesting(heap(32, 12, 75), KEPT_AT_10_PERCENT_FREE, 36 * MB))
            .as("G1 expanded the heap again after the request (seen here: 36 -> 75 MB)").isTrue();
        assertThat(HeapReclaimer.worthRequesting(heap(32, 64, 75), KEPT_AT_10_PERCENT_FREE, 36 * MB))
            .as("grown, but in use").isFalse();
    }

    @Test
    @DisplayName("without G1 and -XX:+ExplicitGCInvokesConcurrent (a System.gc() would stop the world) it stays off")
    void shouldStayOffWhereARequestWouldStopTheWorld()
    {
        final HotSpotDiagnosticMXBean hotSpot = ManagementFactory.getPlatformMXBean(HotSpotDiagnosticMXBean.class);
        assertThat(hotSpot.getVMOption("ExplicitGCInvokesConcurrent").getValue()).as("this test JVM's own flag")
            .isEqualTo("false");
        assertThat(HeapReclaimer.start(TimeUnit.MILLISECONDS.toNanos(10))).isNotInstanceOf(HeapReclaimer.class);
        assertThat(HeapReclaimer.start(0)).as("timeouts.heap_reclaim: 0").isNotInstanceOf(HeapReclaimer.class);
    }

    @Test
    @DisplayName("in a JVM with the shared profile's collector flags, a heap grown by a burst is given back when quiet")
    void shouldGiveBackTheHeapABurstGrew() throws Exception
    {
        final Process probe = ChildJvm.java(List.of("-XX:+UseG1GC", "-XX:+ExplicitGCInvokesConcurrent",
            "-XX:MinHeapFreeRatio=5", "-XX:MaxHeapFreeRatio=5", "-Xms16m", "-Xmx512m"), Probe.class)
            .redirectErrorStream(true).start();
        assertThat(probe.waitFor(90, TimeUnit.SECONDS)).as("the probe ends by itself").isTrue();
        final String output = new String(probe.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(probe.exitValue()).as(output).isZero();
        // Each request as logged: committed before -> after, in MB. G1 may expand a heap it has just shrunk (the
        // first collection after the cycle runs in a heap that is mostly old regions, 30 MB used of 36 here, and
        // grew it to 75 MB in some runs), and the reclaimer may then ask again, but only for a heap grown by more
        // than its tolerance since the last request left it.
        final Matcher request = Pattern.compile("request: .*committed (\\d+) -> (\\d+) MB").matcher(output);
        long previousAfter = -1;
        int requests = 0;
        while (request.find())
        {
            final long before = Long.parseLong(request.group(1));
            if (previousAfter >= 0)
            {
                assertThat(before).as(output).isGreaterThanOrEqualTo((long)(previousAfter * 1.1) - 1);
            }
            previousAfter = Long.parseLong(request.group(2));
            requests++;
        }
        assertThat(requests).as(output).isPositive();
        assertThat(output).as("busy, remarks leave the heap a burst grows; quiet, the profile's ratio is back")
            .contains("MaxHeapFreeRatio while running: 70", "MaxHeapFreeRatio after close: 5");
    }

    private static MemoryUsage heap(final long initMb, final long usedMb, final long committedMb)
    {
        return new MemoryUsage(initMb * MB, usedMb * MB, committedMb * MB, 1024 * MB);
    }

    /**
     * A burst as a login storm makes one: a window of 20 MB live, replaced a kilobyte at a time until 2 GB have been
     * allocated, which makes G1 grow the heap to between 60 and 460 MB here; then nothing is allocated. Within 10 s,
     * with a 200 ms quiet period, the reclaimer must have acted and the committed heap fallen below half its peak,
     * else exit code 1; every request it made, in that time and the quiet second after, is printed for the test, and
     * so is the live MaxHeapFreeRatio while the reclaimer runs and after it is closed.
     */
    static final class Probe
    {
        private static final int WINDOW = 20_000;
        private static final int ALLOCATIONS = 2_000_000;
        // A burst that ends inside one of G1's own marking cycles is shrunk by that cycle's remark, with nothing
        // left for the reclaimer to do (2 runs in 40 here); such a burst does not count, and another is made.
        private static final int BURSTS = 5;
        // Held here: a logger nobody references may be collected, and the handler with it.
        private static final Logger RECLAIMER_LOG = Logger.getLogger(HeapReclaimer.class.getName());

        public static void main(final String[] args) throws Exception
        {
            final MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
            final List<String> requests = new CopyOnWriteArrayList<>();
            RECLAIMER_LOG.addHandler(new Handler()
            {
                @Override
                public void publish(final LogRecord record)
                {
                    requests.add(record.getMessage());
                }

                @Override
                public void flush()
                {
                }

                @Override
                public void close()
                {
                }
            });
            boolean givenBack = false;
            final HotSpotDiagnosticMXBean hotSpot = ManagementFactory.getPlatformMXBean(HotSpotDiagnosticMXBean.class);
            final AutoCloseable reclaimer = HeapReclaimer.start(TimeUnit.MILLISECONDS.toNanos(200));
            System.out.println("MaxHeapFreeRatio while running: " + hotSpot.getVMOption("MaxHeapFreeRatio").getValue());
            try
            {
                for (int burst = 0; burst < BURSTS && !givenBack; burst++)
                {
                    final int requestsBefore = requests.size();
                    final long peak = burst(memory);
                    System.out.println("burst over: committed " + peak / MB + " MB");
                    final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
                    while (!givenBack && System.nanoTime() < deadline)
                    {
                        Thread.sleep(100);
                        givenBack = requests.size() > requestsBefore &&
                            memory.getHeapMemoryUsage().getCommitted() < peak / 2;
                    }
                }
                // Five more quiet periods, in which any further request must be for a heap that has grown again.
                Thread.sleep(1000);
            }
            finally
            {
                reclaimer.close();
            }
            System.out.println("MaxHeapFreeRatio after close: " + hotSpot.getVMOption("MaxHeapFreeRatio").getValue());
            requests.forEach(message -> System.out.println("request: " + message));
            System.out.println(givenBack ? "given back" : "not given back");
            System.exit(givenBack ? 0 : 1);
        }

        private static long burst(final MemoryMXBean memory)
        {
            final byte[][] window = new byte[WINDOW][];
            for (int i = 0; i < ALLOCATIONS; i++)
            {
                window[i % WINDOW] = new byte[1024];
            }
            return memory.getHeapMemoryUsage().getCommitted();
        }
    }
}
