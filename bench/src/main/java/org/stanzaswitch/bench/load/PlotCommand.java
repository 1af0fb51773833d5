package org.stanzaswitch.bench.load;

import org.HdrHistogram.Histogram;
import org.HdrHistogram.HistogramLogReader;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.FileNotFoundException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;

/**
 * {@code loadtool plot}: the latency percentile distributions of several runs (.hlog files) in one SVG, on
 * the usual "1/(1-p)" axis, so tails can be compared at a glance.
 */
@Command(name = "plot", mixinStandardHelpOptions = true,
    description = "Draw the percentile distributions of .hlog files into one SVG.")
final class PlotCommand implements Callable<Integer>
{
    private static final String[] COLOURS = {"#d62728", "#1f77b4", "#2ca02c", "#ff7f0e", "#9467bd", "#8c564b"};
    private static final double[] TICKS = {0, 90, 99, 99.9, 99.99, 99.999};
    private static final int WIDTH = 860;
    private static final int HEIGHT = 520;
    private static final int LEFT = 70;
    private static final int RIGHT = 20;
    private static final int TOP = 40;
    private static final int BOTTOM = 60;

    @Option(names = "--out", required = true, description = "SVG file to write")
    Path out;

    @Option(names = "--title", description = "title (default: ${DEFAULT-VALUE})")
    String title = "End-to-end latency by percentile";

    @Parameters(arity = "1..*", description = ".hlog files; each is a line, named by its file")
    List<Path> logs;

    @Override
    public Integer call() throws IOException
    {
        final Histogram[] histograms = new Histogram[logs.size()];
        long maxNanos = 1;
        for (int i = 0; i < histograms.length; i++)
        {
            histograms[i] = read(logs.get(i));
            maxNanos = Math.max(maxNanos, histograms[i].getValueAtPercentile(99.999));
        }
        final double maxMillis = niceCeiling(maxNanos / 1e6);
        final double maxX = x(99.999);
        final StringBuilder svg = new StringBuilder(String.format(Locale.ROOT,
            "<svg xmlns='http://www.w3.org/2000/svg' width='%d' height='%d' font-family='sans-serif' " +
            "font-size='12'><rect width='100%%' height='100%%' fill='white'/>" +
            "<text x='%d' y='22' font-size='15'>%s</text>", WIDTH, HEIGHT, LEFT, escape(title)));
        for (final double tick : TICKS)
        {
            final double px = LEFT + x(tick) / maxX * plotWidth();
            svg.append(String.format(Locale.ROOT, "<line x1='%.1f' y1='%d' x2='%.1f' y2='%d' stroke='#ddd'/>" +
                "<text x='%.1f' y='%d' text-anchor='middle'>%s%%</text>", px, TOP, px, HEIGHT - BOTTOM, px,
                HEIGHT - BOTTOM + 18, tick == 0 ? "0" : Double.toString(tick).replaceAll("\\.0$", "")));
        }
        for (int i = 0; i <= 5; i++)
        {
            final double millis = maxMillis * i / 5;
            final double py = HEIGHT - BOTTOM - millis / maxMillis * plotHeight();
            svg.append(String.format(Locale.ROOT, "<line x1='%d' y1='%.1f' x2='%d' y2='%.1f' stroke='#ddd'/>" +
                "<text x='%d' y='%.1f' text-anchor='end'>%s</text>", LEFT, py, WIDTH - RIGHT, py, LEFT - 6, py + 4,
                trim(millis)));
        }
        svg.append(String.format(Locale.ROOT, "<text x='%d' y='%d' text-anchor='middle'>percentile</text>" +
            "<text x='16' y='%d' transform='rotate(-90 16 %d)' text-anchor='middle'>latency (ms)</text>",
            LEFT + plotWidth() / 2, HEIGHT - 18, TOP + plotHeight() / 2, TOP + plotHeight() / 2));
        for (int i = 0; i < histograms.length; i++)
        {
            final String colour = COLOURS[i % COLOURS.length];
            svg.append("<polyline fill='none' stroke-width='2' stroke='").append(colour).append("' points='");
            for (double p = 0; p <= 99.999; p = next(p))
            {
                final double millis = Math.min(maxMillis, histograms[i].getValueAtPercentile(p) / 1e6);
                svg.append(String.format(Locale.ROOT, "%.1f,%.1f ", LEFT + x(p) / maxX * plotWidth(),
                    HEIGHT - BOTTOM - millis / maxMillis * plotHeight()));
            }
            svg.append("'/>").append(String.format(Locale.ROOT,
                "<text x='%d' y='%d' fill='%s'>%s: p99 %.3f ms, max %.3f ms</text>", LEFT + 10, TOP + 18 + 16 * i,
                colour, escape(logs.get(i).getFileName().toString()), histograms[i].getValueAtPercentile(99) / 1e6,
                histograms[i].getMaxValue() / 1e6));
        }
        svg.append("</svg>\n");
        Files.writeString(out, svg);
        System.out.println("wrote " + out);
        return 0;
    }

    /**
     * @return every interval of the .hlog summed into one histogram.
     */
    static Histogram read(final Path log) throws FileNotFoundException
    {
        final Histogram total = new Histogram(3);
        final HistogramLogReader reader = new HistogramLogReader(log.toFile());
        while (reader.hasNext())
        {
            total.add((Histogram)reader.nextIntervalHistogram());
        }
        reader.close();
        return total;
    }

    /** The percentile axis: 1/(1-p), logarithmic, so each extra nine gets the same width. */
    private static double x(final double percentile)
    {
        return Math.log10(1 / (1 - percentile / 100));
    }

    private static double next(final double percentile)
    {
        return 100 - (100 - percentile) * 0.97 - 1e-9;
    }

    private static int plotWidth()
    {
        return WIDTH - LEFT - RIGHT;
    }

    private static int plotHeight()
    {
        return HEIGHT - TOP - BOTTOM;
    }

    private static double niceCeiling(final double value)
    {
        final double magnitude = Math.pow(10, Math.floor(Math.log10(value)));
        for (final double step : new double[] {1, 2, 5, 10})
        {
            if (value <= step * magnitude)
            {
                return step * magnitude;
            }
        }
        return 10 * magnitude;
    }

    private static String trim(final double value)
    {
        return String.format(Locale.ROOT, "%.3f", value).replaceAll("\\.?0+$", "");
    }

    private static String escape(final String text)
    {
        return text.replace("&", "&amp;").replace("<", "&lt;").replace("'", "&apos;");
    }
}
