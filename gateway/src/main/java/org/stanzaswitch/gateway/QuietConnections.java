package org.stanzaswitch.gateway;

import io.netty.util.concurrent.EventExecutor;
import io.netty.util.concurrent.ScheduledFuture;

import java.util.Arrays;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * How long each client connection of one server has read nothing: after {@code timeouts.trim} it gives back the
 * buffers it grew for a burst, after {@code timeouts.idle} it is closed.
 * <p>
 * Two timers per connection, as Netty's {@code IdleStateHandler} keeps them, cost an idle connection ~370 bytes of
 * heap (the handler, two tasks, two scheduled futures) and its I/O thread two entries in a timer queue that is
 * reordered on every expiry. Here a connection only notes that it read; each I/O thread keeps one list of its
 * connections and looks at all of them on one timer, a tick at a time, and only while it has any. A connection's
 * quiet is counted from the first tick that finds it has not read, so an event comes up to two ticks late: a tick
 * is a quarter of the shorter timeout, and at most a second.
 */
final class QuietConnections
{
    private static final long MAX_TICK_NS = TimeUnit.SECONDS.toNanos(1);
    private static final long MIN_TICK_NS = TimeUnit.MILLISECONDS.toNanos(10);

    private final long idleNs;
    private final long trimNs;
    private final long tickNs;
    private final Map<EventExecutor, Sweep> sweeps = new ConcurrentHashMap<>();

    /**
     * @param idleNs silence after which a connection is closed; 0 or less for never.
     * @param trimNs quiet after which a connection trims its buffers; 0 or less for never.
     */
    QuietConnections(final long idleNs, final long trimNs)
    {
        this.idleNs = idleNs > 0 ? idleNs : Long.MAX_VALUE;
        this.trimNs = trimNs > 0 ? trimNs : Long.MAX_VALUE;
        final long shorter = Math.min(this.idleNs, this.trimNs);
        this.tickNs = Math.max(MIN_TICK_NS, Math.min(MAX_TICK_NS, shorter / 4));
    }

    /**
     * Start watching a connection; called on its I/O thread.
     */
    void watch(final ConnectionTimers connection, final EventExecutor ioThread)
    {
        sweeps.computeIfAbsent(ioThread, Sweep::new).add(connection);
    }

    /**
     * Stop watching a connection; called on its I/O thread.
     */
    void forget(final ConnectionTimers connection, final EventExecutor ioThread)
    {
        sweeps.get(ioThread).remove(connection);
    }

    /**
     * The connections of one I/O thread, touched by that thread only.
     */
    private final class Sweep implements Runnable
    {
        private final EventExecutor ioThread;
        private ConnectionTimers[] connections = new ConnectionTimers[16];
        private int count;
        private ScheduledFuture<?> timer;

        Sweep(final EventExecutor ioThread)
        {
            this.ioThread = ioThread;
        }

        void add(final ConnectionTimers connection)
        {
            if (count == connections.length)
            {
                connections = Arrays.copyOf(connections, count * 2);
            }
            connection.watched(count, ioThread.ticker().nanoTime());
            connections[count++] = connection;
            if (timer == null)
            {
                timer = ioThread.scheduleAtFixedRate(this, tickNs, tickNs, TimeUnit.NANOSECONDS);
            }
        }

        void remove(final ConnectionTimers connection)
        {
            final int index = connection.index();
            if (index < 0)
            {
                return;     // removed already
            }
            final ConnectionTimers last = connections[--count];
            connections[index] = last;
            last.moved(index);
            connections[count] = null;
            connection.moved(-1);
            if (count == 0)
            {
                // An idle server keeps no timer.
                timer.cancel(false);
                timer = null;
            }
        }

        @Override
        public void run()
        {
            final long nowNs = ioThread.ticker().nanoTime();
            // From the end: a connection an event closes at once is replaced by the last, which has been looked at.
            for (int i = count - 1; i >= 0; i--)
            {
                connections[i].tick(nowNs, idleNs, trimNs);
            }
        }
    }
}
