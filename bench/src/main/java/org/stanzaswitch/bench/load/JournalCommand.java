package org.stanzaswitch.bench.load;

import org.agrona.concurrent.UnsafeBuffer;
import org.stanzaswitch.journal.Journal;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.nio.file.Path;
import java.util.concurrent.Callable;

/**
 * {@code loadtool journal}: records appended to a journal on disk at an open-loop rate, as the router appends the
 * archive while it relays chat, each timed from its scheduled start. A stall in an append shows as the latency of
 * every append due while it lasts, as it would for the stanzas queued behind the router.
 */
@Command(name = "journal", mixinStandardHelpOptions = true,
    description = "Append records to a journal in DIR at an open-loop rate; latency of each from its scheduled time.")
final class JournalCommand implements Callable<Integer>
{
    @Parameters(index = "0", paramLabel = "DIR", description = "where the journal goes (best a fresh directory)")
    Path directory;

    @Option(names = "--rate", description = "appends per second (default: ${DEFAULT-VALUE})")
    double rate = 2_000;

    @Option(names = "--size", description = "bytes per record (default: ${DEFAULT-VALUE})")
    int size = 600;

    @Option(names = "--seconds", description = "seconds measured, after one of warm-up (default: ${DEFAULT-VALUE})")
    int seconds = 60;

    @Option(names = "--hlog", description = "HdrHistogram log to write, one interval a second")
    Path hlog;

    @Override
    public Integer call() throws Exception
    {
        final UnsafeBuffer record = new UnsafeBuffer(new byte[size]);
        final long warmup = (long)rate;
        final long total = warmup + (long)(rate * seconds);
        try (Journal journal = Journal.open(directory);
             LatencyLog latencies = new LatencyLog(hlog, "loadtool journal " + directory))
        {
            final long lag = OpenLoop.drive(total, rate, warmup, true, (sequence, scheduledNanos) ->
            {
                journal.append(record, 0, size);
                if (sequence >= warmup)
                {
                    latencies.record(System.nanoTime() - scheduledNanos);
                }
            });
            latencies.finish();
            System.out.printf("journal: %d appends of %d B at %.0f/s%n", total - warmup, size, rate);
            System.out.printf("  latency  %s%n", LatencyLog.summary(latencies.total()));
            System.out.printf("  sender lag at worst %s%n", LatencyLog.ms(lag));
        }
        return 0;
    }
}
