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
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

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
            "-XX:MinHeapFreeRatio=10", "-XX:MaxHeapFreeRatio=10", "-Xms16m", "-Xmx512m"), Probe.class)
            .redirectErrorStream(true).start();
        assertThat(probe.waitFor(90, TimeUnit.SECONDS)).as("the probe ends by itself").isTrue();
        final String output = new String(probe.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(probe.exitValue()).as(output).isZero();
        assertThat(output).contains("heap given back after a quiet period");
    }

    private static MemoryUsage heap(final long initMb, final long usedMb, final long committedMb)
    {
        return new MemoryUsage(initMb * MB, usedMb * MB, committedMb * MB, 1024 * MB);
    }

    /**
     * A burst as a login storm makes one: a window of 20 MB live, replaced a kilobyte at a time until 2 GB have been
     * allocated, which makes G1 grow the heap to a few hundred MB; then nothing is allocated. The reclaimer must have
     * acted and the committed heap fallen below a third of its peak within 30 s with a 200 ms quiet period, and it
     * must not have asked again in the quiet second after, else exit code 1.
     */
    static final class Probe
    {
        private static final int WINDOW = 20_000;
        private static final int ALLOCATIONS = 2_000_000;
        // Held here: a logger nobody references may be collected, and the handler with it.
        private static final Logger RECLAIMER_LOG = Logger.getLogger(HeapReclaimer.class.getName());

        public static void main(final String[] args) throws Exception
        {
            final MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
            final AtomicReference<String> report = new AtomicReference<>();
            final AtomicInteger requests = new AtomicInteger();
            RECLAIMER_LOG.addHandler(new Handler()
            {
                @Override
                public void publish(final LogRecord record)
                {
                    report.set(record.getMessage());
                    requests.incrementAndGet();
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
            final long peak = burst(memory);
            System.out.println("burst over: committed " + peak / MB + " MB");
            boolean givenBack = false;
            final AutoCloseable reclaimer = HeapReclaimer.start(TimeUnit.MILLISECONDS.toNanos(200));
            try
            {
                final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
                while (!givenBack && System.nanoTime() < deadline)
                {
                    Thread.sleep(100);
                    givenBack = report.get() != null && memory.getHeapMemoryUsage().getCommitted() < peak / 3;
                }
                // Five more quiet periods: a heap that has not grown since it was given back is not asked for again.
                Thread.sleep(1000);
            }
            finally
            {
                reclaimer.close();
            }
            System.out.println("reclaimer: " + report.get() + " (" + requests.get() + " requests)");
            System.exit(givenBack && requests.get() == 1 ? 0 : 1);
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
