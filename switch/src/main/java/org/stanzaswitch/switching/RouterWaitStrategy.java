package org.stanzaswitch.switching;

import com.lmax.disruptor.AlertException;
import com.lmax.disruptor.LiteTimeoutBlockingWaitStrategy;
import com.lmax.disruptor.Sequence;
import com.lmax.disruptor.SequenceBarrier;
import com.lmax.disruptor.TimeoutException;
import com.lmax.disruptor.WaitStrategy;

import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * How the router thread waits for stanzas, chosen by the tuning profile. Every kind still wakes the router
 * when idle for the poll interval, because its housekeeping (expiring detached sessions, applying the
 * CLI's journal commands) runs on that timeout.
 */
public enum RouterWaitStrategy
{
    /** Sleep on a lock until signalled: no CPU when idle, a wake-up (futex) per burst. The shared default. */
    BLOCKING,
    /** Spin, then yield, then park for 50 us at a time: little CPU when idle, no futex on the hot path. */
    BACKOFF,
    /** Spin all the time: the lowest hand-off latency, one core burnt; for a pinned, isolated core. */
    BUSY_SPIN;

    /**
     * @param name blocking, backoff or busy-spin, as in configuration.
     */
    public static RouterWaitStrategy of(final String name)
    {
        try
        {
            return valueOf(name.trim().toUpperCase(Locale.ROOT).replace('-', '_'));
        }
        catch (final IllegalArgumentException ex)
        {
            throw new IllegalArgumentException("wait strategy must be blocking, backoff or busy-spin, not " + name, ex);
        }
    }

    WaitStrategy create(final long pollMillis)
    {
        return switch (this)
        {
            case BLOCKING -> new LiteTimeoutBlockingWaitStrategy(pollMillis, TimeUnit.MILLISECONDS);
            case BACKOFF -> new Spinning(TimeUnit.MILLISECONDS.toNanos(pollMillis), 100, 100,
                TimeUnit.MICROSECONDS.toNanos(50));
            case BUSY_SPIN -> new Spinning(TimeUnit.MILLISECONDS.toNanos(pollMillis), Integer.MAX_VALUE, 0, 0);
        };
    }

    /**
     * Spins, then yields, then parks, until the sequence is published or the poll interval has passed. The
     * producers never need to signal it.
     */
    private static final class Spinning implements WaitStrategy
    {
        private final long timeoutNanos;
        private final int spins;
        private final int yields;
        private final long parkNanos;

        Spinning(final long timeoutNanos, final int spins, final int yields, final long parkNanos)
        {
            this.timeoutNanos = timeoutNanos;
            this.spins = spins;
            this.yields = yields;
            this.parkNanos = parkNanos;
        }

        @Override
        public long waitFor(
            final long sequence, final Sequence cursor, final Sequence dependentSequence, final SequenceBarrier barrier)
            throws AlertException, TimeoutException
        {
            final long deadline = System.nanoTime() + timeoutNanos;
            long available;
            int idle = 0;
            while ((available = dependentSequence.get()) < sequence)
            {
                barrier.checkAlert();
                if (idle < spins)
                {
                    Thread.onSpinWait();
                }
                else if (idle < spins + yields)
                {
                    Thread.yield();
                }
                else
                {
                    LockSupport.parkNanos(parkNanos);
                }
                idle = idle == Integer.MAX_VALUE ? spins : idle + 1;
                if ((idle & 0xFF) == 0 && System.nanoTime() > deadline)
                {
                    throw TimeoutException.INSTANCE;
                }
            }
            return available;
        }

        @Override
        public void signalAllWhenBlocking()
        {
        }
    }
}
