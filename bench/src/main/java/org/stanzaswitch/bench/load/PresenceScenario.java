package org.stanzaswitch.bench.load;

import java.util.List;
import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A presence storm: every client has R contacts (its R/2 neighbours on each side of a ring of clients, subscribed
 * both ways), and presence updates go out at an open-loop rate ({@link OpenLoop}), update k from client k mod n.
 * The server broadcasts each to the sender's R contacts (RFC 6121 §4.4.2); each copy's latency is measured from
 * the update's scheduled time, and the copies are counted, so a lost or doubled broadcast shows.
 */
final class PresenceScenario implements LoadEvents
{
    private final List<LoadConnection> clients;
    private final int contacts;
    private final boolean spin;
    private LatencyLog log;
    private long warmupUpdates;
    private AtomicIntegerArray copies;
    private final AtomicLong received = new AtomicLong();
    private final AtomicLong duplicates = new AtomicLong();
    private final AtomicLong errors = new AtomicLong();

    /**
     * @param clients  bound clients, more than the contacts each has.
     * @param contacts R, even: each client's contacts.
     */
    PresenceScenario(final List<LoadConnection> clients, final int contacts, final boolean spin)
    {
        if (contacts < 2 || contacts % 2 != 0 || contacts >= clients.size())
        {
            throw new IllegalArgumentException("contacts must be even, at least 2 and fewer than the " +
                clients.size() + " bound clients: " + contacts);
        }
        this.clients = clients;
        this.contacts = contacts;
        this.spin = spin;
    }

    /**
     * Log clients 0..count-1 in, drive them from now on, and subscribe each to its ring neighbours (both ways;
     * the clients approve requests themselves), then give the server settleSeconds to finish.
     */
    static PresenceScenario withRosters(final ClientPool pool, final TargetOptions target, final int count,
        final int contacts, final boolean spin, final double settleSeconds) throws Exception
    {
        final List<LoadConnection> bound = pool.loginReporting(target.label, count, target.loginConcurrency);
        final PresenceScenario storm = new PresenceScenario(bound, contacts, spin);
        pool.scenario(storm);
        final ClientSettings settings = pool.settings();
        for (int i = 0; i < bound.size(); i++)
        {
            for (int d = 1; d <= contacts / 2; d++)
            {
                final LoadConnection contact = bound.get((i + d) % bound.size());
                bound.get(i).sendRaw("<presence type='subscribe' to='" + settings.bareJid(contact.index()) + "'/>");
                contact.sendRaw("<presence type='subscribe' to='" + settings.bareJid(bound.get(i).index()) + "'/>");
            }
        }
        Thread.sleep((long)(settleSeconds * 1000));
        System.out.printf("%s: rosters of %d contacts requested for %d clients%n", target.label, contacts,
            bound.size());
        return storm;
    }

    int clients()
    {
        return clients.size();
    }

    /**
     * Send updates at the rate for warm-up plus measured seconds, then wait up to drainSeconds for the copies.
     *
     * @return deliveries as the result's messages: sent = copies due for the measured updates, received = copies
     *         that arrived (warm-up updates, which also absorb rosters still settling, are not counted).
     */
    ChatScenario.Result run(final double rate, final double warmupSeconds, final double seconds,
        final double drainSeconds, final LatencyLog latencyLog) throws InterruptedException
    {
        this.log = latencyLog;
        final long total = (long)Math.ceil(rate * (warmupSeconds + seconds));
        warmupUpdates = (long)Math.ceil(rate * warmupSeconds);
        copies = new AtomicIntegerArray((int)total);
        received.set(0);
        duplicates.set(0);
        errors.set(0);
        final long maxLag = OpenLoop.drive(total, rate, warmupUpdates, spin,
            (k, scheduled) -> clients.get((int)(k % clients.size())).sendPresence(k, scheduled));
        final long due = (total - warmupUpdates) * contacts;
        final long drainDeadline = System.nanoTime() + (long)(drainSeconds * 1e9);
        while (received.get() < due && System.nanoTime() < drainDeadline)
        {
            Thread.sleep(5);
        }
        log.finish();
        return new ChatScenario.Result(rate * contacts, due, received.get(), errors.get(), duplicates.get(),
            log.total().copy(), maxLag, seconds);
    }

    @Override
    public void presence(final LoadConnection connection, final long sequence, final long scheduled)
    {
        final long latency = System.nanoTime() - scheduled;
        final AtomicIntegerArray counts = copies;
        if (counts == null || sequence < warmupUpdates || sequence >= counts.length())
        {
            return;
        }
        if (counts.incrementAndGet((int)sequence) > contacts)
        {
            duplicates.incrementAndGet();
            return;
        }
        received.incrementAndGet();
        log.record(latency);
    }

    @Override
    public void stanzaError(final LoadConnection connection)
    {
        errors.incrementAndGet();
    }
}
