package org.stanzaswitch.gateway;

import com.sun.management.HotSpotDiagnosticMXBean;
import io.netty.util.concurrent.DefaultThreadFactory;

import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.lang.management.MemoryUsage;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.logging.Logger;

/**
 * Gives the heap a burst grew back to the system once the server has gone quiet.
 * <p>
 * G1 shrinks its committed heap only when a marking cycle ends (at remark) or after a full collection. Its own
 * periodic collection ({@code -XX:G1PeriodicGCInterval}) is not enough: when a login storm ends between a marking
 * cycle and the mixed collections that cycle left pending, the periodic collection is run as the pending young
 * collection, no cycle follows while the server is quiet, and the heap keeps the storm's size (seen here: 128 MB
 * committed for 56 MB used, 45 s after 5,000 logins). A user request, {@link System#gc()} under
 * {@code -XX:+ExplicitGCInvokesConcurrent}, drops the pending mixed phase and starts a concurrent cycle whose remark
 * shrinks the heap to what {@code -XX:MaxHeapFreeRatio} allows.
 * <p>
 * So this looks at the collectors' counts a number of times per quiet period: once no collection has run for the
 * whole period and the committed heap is larger than G1 would keep for what is used, and has grown since the last
 * such request, it asks for that cycle. It never asks for a stop-the-world collection: it runs only with G1 and
 * {@code ExplicitGCInvokesConcurrent}, as the {@code shared} profile sets them. A busy server collects on its own and
 * is left alone; an idle one whose heap fits costs a look now and then and no collection (G1's periodic collection
 * ran a marking cycle every period).
 * <p>
 * The {@code -XX:MaxHeapFreeRatio} the JVM starts with is what a quiet heap keeps free; while the server is busy this
 * sets it to HotSpot's default of 70 %, and lowers it again only for its own request. Left at the quiet 10 % all
 * the time, every remark in a burst shrank the heap the burst was growing: 5,000 STARTTLS logins ran 32 marking
 * cycles and 52 young collections in a heap held at a tenth above its use, against 4 and 15 this way, and took about
 * an eighth more server CPU (median of nine alternating storms 4.51 s against 3.97; performance.md, session 30).
 */
final class HeapReclaimer implements AutoCloseable
{
    private static final Logger LOG = Logger.getLogger(HeapReclaimer.class.getName());
    // A heap within a tenth of what G1 would keep is not worth a marking cycle; nor is rounding to regions.
    private static final double TOLERANCE = 1.1;
    private static final long MB = 1024 * 1024;
    // Looks per quiet period: the quiet is noticed within a fifteenth of it (a second, by default) of its end.
    private static final int LOOKS_PER_PERIOD = 15;
    private static final String MAX_HEAP_FREE_RATIO = "MaxHeapFreeRatio";
    private static final int BUSY_MAX_HEAP_FREE_RATIO = 70;

    private final MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
    private final List<GarbageCollectorMXBean> collectors = ManagementFactory.getGarbageCollectorMXBeans();
    private final long quietNs;
    private final double keptFraction;
    private final HotSpotDiagnosticMXBean hotSpot;
    private final String quietRatio;
    private final String busyRatio;
    private final ScheduledExecutorService timer;
    private long collectionsSeen = -1;
    private long quietSinceNs;
    // What the last request left committed: G1 may keep more than the rule above expects (it kept 44 MB for 34 MB
    // used here), and asking again for a heap that has not grown since would only repeat a marking cycle.
    private long committedAfterRequest;

    private HeapReclaimer(final long quietNs, final HotSpotDiagnosticMXBean hotSpot, final int maxHeapFreeRatio)
    {
        this.quietNs = quietNs;
        this.hotSpot = hotSpot;
        keptFraction = 1.0 - maxHeapFreeRatio / 100.0;
        quietRatio = Integer.toString(maxHeapFreeRatio);
        busyRatio = Integer.toString(Math.max(maxHeapFreeRatio, BUSY_MAX_HEAP_FREE_RATIO));
        // A manageable flag (HotSpot's globals.hpp), so this never fails on the JVMs the reclaimer runs on.
        hotSpot.setVMOption(MAX_HEAP_FREE_RATIO, busyRatio);
        timer = Executors.newSingleThreadScheduledExecutor(
            new DefaultThreadFactory("stanzaswitch-heap-reclaimer", true));
        final long lookEveryNs = Math.max(quietNs / LOOKS_PER_PERIOD, 1);
        timer.scheduleWithFixedDelay(this::look, lookEveryNs, lookEveryNs, TimeUnit.NANOSECONDS);
    }

    /**
     * @param quietNs time without a collection after which an oversized heap is given back; 0 for never.
     * @return the running reclaimer, or nothing to close if it is off or this JVM cannot collect concurrently on
     * request (a request would then stop the world).
     */
    static AutoCloseable start(final long quietNs)
    {
        if (quietNs <= 0)
        {
            return () -> {};
        }
        final HotSpotDiagnosticMXBean hotSpot = ManagementFactory.getPlatformMXBean(HotSpotDiagnosticMXBean.class);
        if (!"true".equals(hotSpot.getVMOption("UseG1GC").getValue()) ||
            !"true".equals(hotSpot.getVMOption("ExplicitGCInvokesConcurrent").getValue()))
        {
            LOG.info("heap reclaimer off: it needs -XX:+UseG1GC -XX:+ExplicitGCInvokesConcurrent");
            return () -> {};
        }
        final int maxHeapFreeRatio = Integer.parseInt(hotSpot.getVMOption(MAX_HEAP_FREE_RATIO).getValue());
        return new HeapReclaimer(quietNs, hotSpot, maxHeapFreeRatio);
    }

    /**
     * @param heap         the heap as it is now.
     * @param keptFraction the share of a shrunk heap G1 keeps in use: 1 - MaxHeapFreeRatio / 100.
     * @return true if a marking cycle would give back a worthwhile part of the committed heap.
     */
    static boolean oversized(final MemoryUsage heap, final double keptFraction)
    {
        // G1 never shrinks below the initial size (-Xms).
        final double kept = Math.max(heap.getUsed() / keptFraction, heap.getInit());
        return heap.getCommitted() > kept * TOLERANCE;
    }

    /**
     * @param heap                 the heap as it is now.
     * @param keptFraction         as for {@link #oversized}.
     * @param committedAfterRequest what the last request left committed; 0 before the first.
     * @return true if the heap is oversized and has grown by more than the tolerance since the last request: G1 may
     * leave more than {@link #oversized} expects, and asking again for the same heap would only repeat the cycle.
     */
    static boolean worthRequesting(final MemoryUsage heap, final double keptFraction, final long committedAfterRequest)
    {
        return oversized(heap, keptFraction) && heap.getCommitted() > committedAfterRequest * TOLERANCE;
    }

    private void look()
    {
        final long collections = collections();
        if (collections != collectionsSeen)
        {
            collectionsSeen = collections;
            quietSinceNs = System.nanoTime();
            return;
        }
        if (System.nanoTime() - quietSinceNs < quietNs)
        {
            return;
        }
        final MemoryUsage before = memory.getHeapMemoryUsage();
        if (worthRequesting(before, keptFraction, committedAfterRequest))
        {
            // Concurrent: returns once the cycle's remark has shrunk the heap, after pauses of milliseconds.
            hotSpot.setVMOption(MAX_HEAP_FREE_RATIO, quietRatio);
            try
            {
                System.gc();
            }
            finally
            {
                hotSpot.setVMOption(MAX_HEAP_FREE_RATIO, busyRatio);
            }
            final MemoryUsage after = memory.getHeapMemoryUsage();
            committedAfterRequest = after.getCommitted();
            collectionsSeen = collections();
            quietSinceNs = System.nanoTime();
            LOG.info(() -> "heap given back after a quiet period: committed " + before.getCommitted() / MB + " -> " +
                after.getCommitted() / MB + " MB, used " + before.getUsed() / MB + " -> " + after.getUsed() / MB +
                " MB");
        }
    }

    private long collections()
    {
        long count = 0;
        for (final GarbageCollectorMXBean collector : collectors)
        {
            count += collector.getCollectionCount();
        }
        return count;
    }

    @Override
    public void close()
    {
        timer.shutdownNow();
        try
        {
            // A request in flight sets the busy ratio when its cycle ends; the quiet one goes back after it.
            timer.awaitTermination(1, TimeUnit.MINUTES);
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
        }
        hotSpot.setVMOption(MAX_HEAP_FREE_RATIO, quietRatio);
    }
}
