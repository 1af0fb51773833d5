package org.stanzaswitch.bench.load;

import org.HdrHistogram.Histogram;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;

/**
 * One-to-one chat at an open-loop rate ({@link OpenLoop}): message k is due at start + k / rate and its latency
 * is measured from that time. Client i talks to client i + n/2, so every message crosses between two sessions.
 */
final class ChatScenario implements LoadEvents
{
    private final List<LoadConnection> clients;
    private final byte[][] partners;
    private final boolean spin;
    private LatencyLog log;
    private long warmupMessages;
    private AtomicLongArray seen;
    private final AtomicLong received = new AtomicLong();
    private final AtomicLong duplicates = new AtomicLong();
    private final AtomicLong errors = new AtomicLong();

    /**
     * @param clients bound clients, at least two.
     * @param spin    spin the last microseconds before each send time instead of only parking (costs a core).
     */
    ChatScenario(final List<LoadConnection> clients, final ClientSettings settings, final boolean spin)
    {
        if (clients.size() < 2)
        {
            throw new IllegalArgumentException("chat needs at least two bound clients, got " + clients.size());
        }
        this.clients = clients;
        this.spin = spin;
        this.partners = new byte[clients.size()][];
        for (int i = 0; i < clients.size(); i++)
        {
            final LoadConnection partner = clients.get((i + clients.size() / 2) % clients.size());
            partners[i] = settings.bareJid(partner.index()).getBytes(StandardCharsets.UTF_8);
        }
    }

    /**
     * Log clients 0..count-1 in (two minutes at most), say how many are bound, and drive them from now on.
     */
    static ChatScenario loggedIn(final ClientPool pool, final TargetOptions target, final int count,
        final boolean spin) throws Exception
    {
        final List<LoadConnection> bound = pool.loginReporting(target.label, count, target.loginConcurrency);
        final ChatScenario chat = new ChatScenario(bound, pool.settings(), spin);
        pool.scenario(chat);
        return chat;
    }

    int clients()
    {
        return clients.size();
    }

    /**
     * The result of one run at one rate.
     *
     * @param target     the scheduled rate, messages per second.
     * @param sent       messages sent, warm-up included.
     * @param received   distinct messages received.
     * @param errors     error stanzas received (bounces).
     * @param duplicates messages received more than once.
     * @param latency    end-to-end latencies after the warm-up, from scheduled send to receipt.
     * @param maxLagNanos how late the sender itself was at worst: if near the latencies, the client limited.
     * @param seconds    measured seconds (after warm-up).
     */
    record Result(double target, long sent, long received, long errors, long duplicates, Histogram latency,
        long maxLagNanos, double seconds)
    {
        long lost()
        {
            return sent - received;
        }

        double achievedRate()
        {
            return latency.getTotalCount() / seconds;
        }
    }

    /**
     * Send at the rate for warm-up plus measured seconds, then wait up to drainSeconds for the last messages.
     */
    Result run(final double rate, final double warmupSeconds, final double seconds, final double drainSeconds,
        final LatencyLog latencyLog) throws InterruptedException
    {
        this.log = latencyLog;
        final long total = (long)Math.ceil(rate * (warmupSeconds + seconds));
        warmupMessages = (long)Math.ceil(rate * warmupSeconds);
        seen = new AtomicLongArray((int)((total + 63) / 64));
        received.set(0);
        duplicates.set(0);
        errors.set(0);
        final long maxLag = OpenLoop.drive(total, rate, warmupMessages, spin, (k, scheduled) ->
        {
            final int sender = (int)(k % clients.size());
            clients.get(sender).sendMessage(partners[sender], k, scheduled);
        });
        final long drainDeadline = System.nanoTime() + (long)(drainSeconds * 1e9);
        while (received.get() + errors.get() < total && System.nanoTime() < drainDeadline)
        {
            Thread.sleep(5);
        }
        log.finish();
        return new Result(rate, total, received.get(), errors.get(), duplicates.get(), log.total().copy(), maxLag,
            seconds);
    }

    @Override
    public void message(final LoadConnection connection, final long sequence, final long scheduled)
    {
        final long latency = System.nanoTime() - scheduled;
        final AtomicLongArray bits = seen;
        final int word = (int)(sequence >>> 6);
        if (bits == null || word >= bits.length())
        {
            return;
        }
        final long mask = 1L << (sequence & 63);
        long word64;
        do
        {
            word64 = bits.get(word);
            if ((word64 & mask) != 0)
            {
                duplicates.incrementAndGet();
                return;
            }
        }
        while (!bits.compareAndSet(word, word64, word64 | mask));
        received.incrementAndGet();
        if (sequence >= warmupMessages)
        {
            log.record(latency);
        }
    }

    @Override
    public void stanzaError(final LoadConnection connection)
    {
        errors.incrementAndGet();
    }
}
