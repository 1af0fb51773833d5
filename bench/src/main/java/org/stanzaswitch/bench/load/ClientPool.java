package org.stanzaswitch.bench.load;

import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioSocketChannel;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The simulated clients of one run: connects and logs them in with bounded concurrency, then hands their
 * events to the scenario that drives them.
 */
final class ClientPool implements LoadEvents, AutoCloseable
{
    private final ClientSettings settings;
    private final EventLoopGroup group;
    private final Bootstrap bootstrap;
    private final List<LoadConnection> bound = Collections.synchronizedList(new ArrayList<>());
    private final Map<String, AtomicInteger> failures = new ConcurrentHashMap<>();
    private final AtomicInteger lost = new AtomicInteger();
    private Semaphore inFlight;
    private volatile LoadEvents scenario;

    ClientPool(final ClientSettings settings, final int ioThreads)
    {
        this.settings = settings;
        this.group = new MultiThreadIoEventLoopGroup(ioThreads, NioIoHandler.newFactory());
        this.bootstrap = new Bootstrap()
            .group(group)
            .channel(NioSocketChannel.class)
            .option(ChannelOption.TCP_NODELAY, true)
            .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, 30_000)
            .option(ChannelOption.ALLOCATOR, new PooledByteBufAllocator(false));
    }

    /**
     * Connect and log in clients first..first+count-1, at most concurrency at a time.
     *
     * @return the clients that are bound, in index order; failures are counted for {@link #printFailures()}.
     */
    List<LoadConnection> login(final int first, final int count, final int concurrency, final long timeoutSeconds)
        throws InterruptedException
    {
        inFlight = new Semaphore(concurrency);
        final int before = bound.size();
        final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(timeoutSeconds);
        for (int i = first; i < first + count; i++)
        {
            if (!inFlight.tryAcquire(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS))
            {
                break;
            }
            final LoadConnection connection = new LoadConnection(settings, i, this);
            connection.connectStarted(System.nanoTime());
            bootstrap.clone().handler(connection).connect(settings.host(), settings.port()).addListener(done ->
            {
                if (!done.isSuccess())
                {
                    failed(connection, "connect: " + done.cause());
                }
            });
        }
        inFlight.tryAcquire(concurrency, Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
        final List<LoadConnection> result = new ArrayList<>();
        synchronized (bound)
        {
            result.addAll(bound.subList(before, bound.size()));
        }
        result.sort((a, b) -> Integer.compare(a.index(), b.index()));
        return result;
    }

    /**
     * Log in clients 0..count-1 (two minutes at most) and say how many are bound, and why the others are not.
     */
    List<LoadConnection> loginReporting(final String label, final int count, final int concurrency)
        throws InterruptedException
    {
        final List<LoadConnection> bound = login(0, count, concurrency, 120);
        System.out.printf("%s: %d of %d clients bound%n", label, bound.size(), count);
        if (bound.size() < count)
        {
            printFailures();
        }
        return bound;
    }

    ClientSettings settings()
    {
        return settings;
    }

    void scenario(final LoadEvents scenario)
    {
        this.scenario = scenario;
    }

    /**
     * Print each failure reason and how often it happened, logins and dropped streams alike.
     */
    void printFailures()
    {
        failures.forEach((reason, count) -> System.out.printf("  failure x%d: %s%n", count.get(), reason));
    }

    int failureCount()
    {
        return failures.values().stream().mapToInt(AtomicInteger::get).sum();
    }

    /**
     * @return bound clients whose stream ended while a scenario ran.
     */
    int dropped()
    {
        return lost.get();
    }

    @Override
    public void bound(final LoadConnection connection)
    {
        bound.add(connection);
        inFlight.release();
    }

    @Override
    public void failed(final LoadConnection connection, final String reason)
    {
        final String kind = reason.length() > 120 ? reason.substring(0, 120) : reason;
        failures.computeIfAbsent(kind, k -> new AtomicInteger()).incrementAndGet();
        if (connection.jid() != null)
        {
            lost.incrementAndGet();
        }
        else
        {
            inFlight.release();
        }
    }

    @Override
    public void message(final LoadConnection connection, final long sequence, final long scheduled)
    {
        final LoadEvents target = scenario;
        if (target != null)
        {
            target.message(connection, sequence, scheduled);
        }
    }

    @Override
    public void iqAnswer(final LoadConnection connection, final String id, final String xml)
    {
        final LoadEvents target = scenario;
        if (target != null)
        {
            target.iqAnswer(connection, id, xml);
        }
    }

    @Override
    public void stanzaError(final LoadConnection connection)
    {
        final LoadEvents target = scenario;
        if (target != null)
        {
            target.stanzaError(connection);
        }
    }

    @Override
    public void presence(final LoadConnection connection, final long sequence, final long scheduled)
    {
        final LoadEvents target = scenario;
        if (target != null)
        {
            target.presence(connection, sequence, scheduled);
        }
    }

    /**
     * Close every stream, wait briefly for the server to close the connections, then stop the I/O threads and keep
     * the SCRAM keys this run derived.
     */
    @Override
    public void close()
    {
        synchronized (bound)
        {
            bound.forEach(LoadConnection::close);
        }
        group.shutdownGracefully(200, 2_000, TimeUnit.MILLISECONDS).awaitUninterruptibly(5, TimeUnit.SECONDS);
        settings.keys().save();
    }
}
