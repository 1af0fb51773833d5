package org.stanzaswitch.gateway;

import io.netty.util.ResourceLeakDetector;
import io.netty.util.ResourceLeakTracker;

import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

/**
 * Netty's leak detector as the system tests run it: the build names this class in
 * {@code io.netty.customResourceLeakDetector} and sets the paranoid level, so every reference-counted object (buffers,
 * BoringSSL engines and contexts, whose memory is native) is tracked from its allocation, and a leak is kept, not only
 * logged, for {@link NoLeaksExtension} to fail the test class in whose run it was found.
 *
 * @param <T> the kind of resource tracked.
 */
public final class RecordingLeakDetector<T> extends ResourceLeakDetector<T>
{
    private static final List<RecordingLeakDetector<?>> DETECTORS = new CopyOnWriteArrayList<>();
    private static final Queue<String> LEAKS = new ConcurrentLinkedQueue<>();
    private static final int DRAIN_ROUNDS = 5;
    private static final long DRAIN_PAUSE_MS = 20;

    public RecordingLeakDetector(final Class<?> resourceType, final int samplingInterval)
    {
        super(resourceType, samplingInterval);
        DETECTORS.add(this);
    }

    /**
     * The constructor Netty's factory looks for first; without it the factory logs an error once.
     */
    @Deprecated
    public RecordingLeakDetector(final Class<?> resourceType, final int samplingInterval, final long maxActive)
    {
        this(resourceType, samplingInterval);
    }

    /**
     * Collect what became garbage without being released: a full collection, then each detector drains its queue of
     * collected trackers a few times while the reference handler enqueues them.
     *
     * @return the leaks found since the last call, each with the stack of its allocation; empty when Netty was not
     * told to use this class.
     */
    public static List<String> drainLeaks() throws InterruptedException
    {
        if (!DETECTORS.isEmpty())
        {
            System.gc();
            for (int round = 0; round < DRAIN_ROUNDS; round++)
            {
                TimeUnit.MILLISECONDS.sleep(DRAIN_PAUSE_MS);
                DETECTORS.forEach(RecordingLeakDetector::reportCollected);
            }
        }
        final List<String> leaks = new ArrayList<>();
        for (String leak = LEAKS.poll(); leak != null; leak = LEAKS.poll())
        {
            leaks.add(leak);
        }
        return leaks;
    }

    @Override
    protected boolean needReport()
    {
        return true;
    }

    @Override
    protected void reportTracedLeak(final String resourceType, final String records)
    {
        LEAKS.add(resourceType + " was garbage-collected without release()" + records);
    }

    @Override
    protected void reportUntracedLeak(final String resourceType)
    {
        LEAKS.add(resourceType + " was garbage-collected without release() (not traced)");
    }

    @SuppressWarnings("unchecked")
    private void reportCollected()
    {
        // Netty reports what was collected whenever it starts tracking something: track a probe and let it go at
        // once (the detector only holds what it tracks weakly, so any object will do).
        final T probe = (T)new Object();
        final ResourceLeakTracker<T> tracker = trackForcibly(probe);
        tracker.close(probe);
    }
}
