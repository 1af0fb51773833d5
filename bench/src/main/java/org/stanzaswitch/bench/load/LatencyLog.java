package org.stanzaswitch.bench.load;

import org.HdrHistogram.Histogram;
import org.HdrHistogram.HistogramLogWriter;
import org.HdrHistogram.Recorder;

import java.io.FileNotFoundException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * End-to-end latencies of one run: recorded wait-free from every I/O thread, written once a second as
 * intervals to an HdrHistogram log (.hlog, for HistogramLogAnalyzer or {@code loadtool plot}), and summed.
 */
final class LatencyLog implements AutoCloseable
{
    private static final long MAX_NANOS = 3_600_000_000_000L;

    private final Recorder recorder = new Recorder(MAX_NANOS, 3);
    private final Histogram total = new Histogram(MAX_NANOS, 3);
    private final HistogramLogWriter writer;
    private final long startMillis = System.currentTimeMillis();
    private final ScheduledExecutorService ticker = Executors.newSingleThreadScheduledExecutor(runnable ->
    {
        final Thread thread = new Thread(runnable, "latency-log");
        thread.setDaemon(true);
        return thread;
    });
    private Histogram interval;

    /**
     * @param file the .hlog to write, or null for none.
     */
    LatencyLog(final Path file, final String comment) throws FileNotFoundException
    {
        ticker.scheduleAtFixedRate(this::interval, 1, 1, TimeUnit.SECONDS);
        if (file == null)
        {
            writer = null;
            return;
        }
        writer = new HistogramLogWriter(new PrintStream(file.toFile()));
        writer.outputComment(comment);
        writer.outputLogFormatVersion();
        writer.outputStartTime(startMillis);
        writer.setBaseTime(startMillis);
        writer.outputLegend();
    }

    void record(final long nanos)
    {
        recorder.recordValue(Math.min(Math.max(nanos, 0), MAX_NANOS));
    }

    /**
     * Close the last interval and stop logging; the total is complete after this.
     */
    void finish()
    {
        ticker.shutdownNow();
        try
        {
            ticker.awaitTermination(5, TimeUnit.SECONDS);
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
        }
        interval();
    }

    /**
     * Close the current interval: log it and add it to the total. On the ticker's thread, or after it stopped,
     * never on the sender's: encoding and writing an interval takes milliseconds.
     */
    private synchronized void interval()
    {
        interval = recorder.getIntervalHistogram(interval);
        total.add(interval);
        if (writer != null && interval.getTotalCount() > 0)
        {
            writer.outputIntervalHistogram(interval);
        }
    }

    Histogram total()
    {
        return total;
    }

    /**
     * @return "p50 0.123 ms, ..." for the latencies recorded so far.
     */
    static String summary(final Histogram histogram)
    {
        return String.format(Locale.ROOT, "p50 %s  p90 %s  p99 %s  p99.9 %s  p99.99 %s  max %s  (n=%d)",
            ms(histogram.getValueAtPercentile(50)), ms(histogram.getValueAtPercentile(90)),
            ms(histogram.getValueAtPercentile(99)), ms(histogram.getValueAtPercentile(99.9)),
            ms(histogram.getValueAtPercentile(99.99)), ms(histogram.getMaxValue()), histogram.getTotalCount());
    }

    static String ms(final long nanos)
    {
        return String.format(Locale.ROOT, "%.3f ms", nanos / 1e6);
    }

    @Override
    public void close()
    {
        ticker.shutdownNow();
        if (writer != null)
        {
            writer.close();
        }
    }
}
