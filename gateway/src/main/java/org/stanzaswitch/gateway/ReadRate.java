package org.stanzaswitch.gateway;

/**
 * One client's read budget ({@code limits.c2s_rate}, {@code limits.c2s_burst}): a token bucket holding up to
 * {@code burst} bytes, refilled at {@code bytesPerSecond}. A client over it is not disconnected but read more
 * slowly, as ejabberd's shapers and Prosody's mod_limits do: what it sends waits in its own socket buffer and,
 * once that is full, in its own TCP window, so a flood costs the server no memory and other clients no time.
 * Owned by the connection's I/O thread.
 */
final class ReadRate
{
    private static final long NANOS_PER_SECOND = 1_000_000_000L;

    private final long bytesPerSecond;
    /** The bucket's size in byte-nanoseconds per second, the unit of {@link #credit}: refills lose no fraction. */
    private final long capacity;
    private long credit;
    private long lastNanos;

    /**
     * @param bytesPerSecond the sustained rate, above 0.
     * @param burst          bytes a quiet client may send at once, from 1 up to 1 GiB.
     * @param nowNanos       {@link System#nanoTime()} now: the bucket starts full.
     */
    ReadRate(final long bytesPerSecond, final long burst, final long nowNanos)
    {
        if (bytesPerSecond <= 0 || burst <= 0 || burst > 1L << 30)
        {
            throw new IllegalArgumentException("rate " + bytesPerSecond + " B/s, burst " + burst + " B: both must " +
                "be above 0, the burst at most 1 GiB");
        }
        this.bytesPerSecond = bytesPerSecond;
        this.capacity = burst * NANOS_PER_SECOND;
        this.credit = capacity;
        this.lastNanos = nowNanos;
    }

    /**
     * @param bytesPerSecond 0 for no limit.
     * @return a budget, or null for none.
     */
    static ReadRate of(final long bytesPerSecond, final long burst, final long nowNanos)
    {
        return bytesPerSecond == 0 ? null : new ReadRate(bytesPerSecond, burst, nowNanos);
    }

    /**
     * Spend what was just read.
     *
     * @return nanoseconds to wait before reading again, 0 if the budget still holds.
     */
    long spend(final int bytes, final long nowNanos)
    {
        final long elapsed = nowNanos - lastNanos;
        // Compared before multiplying: after hours of quiet the product would overflow.
        credit = elapsed >= (capacity - credit) / bytesPerSecond + 1 ? capacity : credit + elapsed * bytesPerSecond;
        lastNanos = nowNanos;
        credit -= bytes * NANOS_PER_SECOND;
        return credit >= 0 ? 0 : (-credit + bytesPerSecond - 1) / bytesPerSecond;
    }
}
