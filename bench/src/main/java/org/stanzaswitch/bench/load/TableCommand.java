package org.stanzaswitch.bench.load;

import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;

/**
 * {@code loadtool table}: one table of a results file, a column per server, and the ratio of the best peer's
 * figure to ours (above 1 means we are better, for every metric: latencies and costs are inverted).
 */
@Command(name = "table", mixinStandardHelpOptions = true,
    description = "Print the figures of a results file side by side, with our advantage over the best peer.")
final class TableCommand implements Callable<Integer>
{
    @Option(names = "--ours", description = "the label of our server (default: ${DEFAULT-VALUE})")
    String ours = "stanzaswitch";

    @Parameters(index = "0", description = "results file written by --results")
    Path file;

    @Override
    public Integer call() throws IOException
    {
        final List<String> servers = new ArrayList<>();
        final Map<String, Map<String, Double>> rows = new LinkedHashMap<>();
        for (final String line : Files.readAllLines(file))
        {
            final String[] fields = line.split("\t");
            if (fields.length != 4)
            {
                continue;
            }
            if (!servers.contains(fields[0]))
            {
                servers.add(fields[0]);
            }
            // A later run of the same scenario replaces an earlier one.
            rows.computeIfAbsent(fields[1] + " " + fields[2], k -> new LinkedHashMap<>())
                .put(fields[0], Double.parseDouble(fields[3]));
        }
        final StringBuilder header = new StringBuilder(String.format(Locale.ROOT, "%-44s", "scenario metric"));
        servers.forEach(server -> header.append(String.format(Locale.ROOT, "%16s", server)));
        System.out.println(header.append(String.format(Locale.ROOT, "%20s", "best peer / ours")));
        rows.forEach((metric, values) ->
        {
            final StringBuilder row = new StringBuilder(String.format(Locale.ROOT, "%-44s", metric));
            servers.forEach(server -> row.append(values.containsKey(server) ?
                String.format(Locale.ROOT, "%16.3f", values.get(server)) : String.format("%16s", "-")));
            System.out.println(row.append(ratio(metric, values)));
        });
        return 0;
    }

    private String ratio(final String metric, final Map<String, Double> values)
    {
        final Double own = values.get(ours);
        final boolean higherIsBetter = metric.contains("per_s") || metric.endsWith(" bound");
        final boolean comparable = higherIsBetter || metric.contains("_ms") || metric.contains("cpu_us") ||
            metric.contains("kib_per") || metric.contains("_mib") || metric.endsWith("_s");
        if (own == null || !comparable || metric.contains("loadtool"))
        {
            return "";
        }
        double bestPeer = Double.NaN;
        for (final Map.Entry<String, Double> entry : values.entrySet())
        {
            if (!entry.getKey().equals(ours) && !entry.getValue().isNaN())
            {
                bestPeer = Double.isNaN(bestPeer) ? entry.getValue() : higherIsBetter ?
                    Math.max(bestPeer, entry.getValue()) : Math.min(bestPeer, entry.getValue());
            }
        }
        if (Double.isNaN(bestPeer) || own == 0 || bestPeer == 0)
        {
            return "";
        }
        return String.format(Locale.ROOT, "%19.2fx", higherIsBetter ? own / bestPeer : bestPeer / own);
    }
}
