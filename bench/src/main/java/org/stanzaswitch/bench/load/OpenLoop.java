package org.stanzaswitch.bench.load;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * The open-loop sender every timed scenario shares: send k is due at start + k / rate whatever happened before,
 * and carries that scheduled time, so latency is measured from it and a stall shows as latency instead of a
 * lower rate (coordinated omission).
 */
final class OpenLoop
{
    /** Parking is only this precise; the last stretch before a send time is spun when asked to. */
    private static final long SPIN_NANOS = TimeUnit.MICROSECONDS.toNanos(80);

    /** One scheduled send. */
    @FunctionalInterface
    interface Send
    {
        void send(long sequence, long scheduledNanos);
    }

    private OpenLoop()
    {
    }

    /**
     * @param total  sends, warm-up included.
     * @param rate   sends per second.
     * @param warmup sends whose lateness is not counted.
     * @param spin   spin the last microseconds before each send time instead of only parking (costs a core).
     * @param send   what to send.
     * @return how late the sender itself was at worst after the warm-up, ns: if near the latencies, the load tool
     *         limited the run.
     */
    static long drive(final long total, final double rate, final long warmup, final boolean spin, final Send send)
    {
        final double period = 1e9 / rate;
        final long start = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(20);
        long maxLag = 0;
        for (long k = 0; k < total; k++)
        {
            final long scheduled = start + (long)(k * period);
            waitUntil(scheduled, spin);
            if (k >= warmup)
            {
                maxLag = Math.max(maxLag, System.nanoTime() - scheduled);
            }
            send.send(k, scheduled);
        }
        return maxLag;
    }

    private static void waitUntil(final long deadline, final boolean spin)
    {
        long remaining;
        while ((remaining = deadline - System.nanoTime()) > 0)
        {
            if (spin && remaining < SPIN_NANOS)
            {
                Thread.onSpinWait();
            }
            else
            {
                LockSupport.parkNanos(spin ? remaining - SPIN_NANOS : remaining);
            }
        }
    }
}
