package org.stanzaswitch.bench.load;

import net.openhft.affinity.Affinity;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.concurrent.locks.LockSupport;

/**
 * {@code loadtool wakeup}: what this machine charges for one thread waking another, the hand-off every message
 * crosses at least twice between a client and a server (client to server, server to client), whatever the server.
 * A waker thread, at an open-loop rate, notes the time and unparks a sleeping thread; the sleeper records how long
 * it took to run. The figures are a floor under any end-to-end latency measured here, so a target below them
 * cannot be met by any server on this machine.
 */
@Command(name = "wakeup", mixinStandardHelpOptions = true,
    description = "Latency of one thread waking another (unpark to running), at an open-loop rate.")
final class WakeupCommand implements Callable<Integer>
{
    /** Wake times in flight: the sleeper would have to be this many periods late to lose one. */
    private static final int IN_FLIGHT = 4096;

    @Option(names = "--rate", description = "wake-ups per second (default: ${DEFAULT-VALUE})")
    double rate = 2_000;

    @Option(names = "--seconds", description = "seconds measured, after one of warm-up (default: ${DEFAULT-VALUE})")
    int seconds = 20;

    @Option(names = "--cpus", split = ",", paramLabel = "WAKER,SLEEPER",
        description = "pin the waker and the sleeper to these CPUs (the same one twice, or two); unpinned if absent")
    int[] cpus;

    @Option(names = "--hlog", description = "HdrHistogram log to write, one interval a second")
    Path hlog;

    @Spec
    CommandSpec spec;

    private final long[] wakeNanos = new long[IN_FLIGHT];
    private volatile long posted = -1;
    /** The waker's own lateness at worst, read once it has been joined. */
    private long wakerLagNanos;

    @Override
    public Integer call() throws Exception
    {
        if (cpus != null && cpus.length != 2)
        {
            throw new ParameterException(spec.commandLine(), "--cpus takes two CPUs, the waker's and the sleeper's");
        }
        final long warmup = (long)rate;
        final long total = warmup + (long)(rate * seconds);
        try (LatencyLog latencies = new LatencyLog(hlog, "loadtool wakeup"))
        {
            final Thread sleeper = new Thread(() -> sleep(total, warmup, latencies), "sleeper");
            // Its own thread, not the caller's, so that pinning it leaves the caller as it was.
            final Thread waker = new Thread(() ->
            {
                pin(0);
                wakerLagNanos = OpenLoop.drive(total, rate, warmup, true, (sequence, scheduledNanos) ->
                {
                    wakeNanos[(int)(sequence % IN_FLIGHT)] = System.nanoTime();
                    posted = sequence;
                    LockSupport.unpark(sleeper);
                });
            }, "waker");
            sleeper.start();
            waker.start();
            waker.join();
            sleeper.join();
            latencies.finish();
            System.out.printf("wakeup: %d hand-offs at %.0f/s, %s%n", total - warmup, rate,
                cpus == null ? "unpinned" : "waker on CPU " + cpus[0] + ", sleeper on CPU " + cpus[1]);
            System.out.printf("  latency  %s%n", LatencyLog.summary(latencies.total()));
            System.out.printf("  waker lag at worst %s%n", LatencyLog.ms(wakerLagNanos));
        }
        return 0;
    }

    private void sleep(final long total, final long warmup, final LatencyLog latencies)
    {
        pin(1);
        long seen = -1;
        while (seen < total - 1)
        {
            final long latest = posted;
            if (latest == seen)
            {
                LockSupport.park(this);
                continue;
            }
            final long now = System.nanoTime();
            // The wake time is written before the sequence is published, so every one up to latest is visible.
            for (long k = seen + 1; k <= latest; k++)
            {
                if (k >= warmup)
                {
                    latencies.record(now - wakeNanos[(int)(k % IN_FLIGHT)]);
                }
            }
            seen = latest;
        }
    }

    private void pin(final int which)
    {
        if (cpus != null)
        {
            Affinity.setAffinity(cpus[which]);
        }
    }
}
