package org.stanzaswitch.bench.load;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Locale;

/**
 * Figures of runs as lines of "server scenario metric value", appended to one file so that runs against
 * several servers can be put side by side ({@code loadtool table}).
 */
final class Results
{
    private final Path file;
    private final String server;
    private final String scenario;

    Results(final Path file, final String server, final String scenario)
    {
        this.file = file;
        this.server = server;
        this.scenario = scenario;
    }

    void put(final String metric, final double value)
    {
        System.out.printf(Locale.ROOT, "  %-28s %,.3f%n", metric, value);
        if (file == null)
        {
            return;
        }
        final String line = String.format(Locale.ROOT, "%s\t%s\t%s\t%.6f%n", server, scenario, metric, value);
        try
        {
            Files.writeString(file, line, StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
        }
        catch (final IOException ex)
        {
            throw new IllegalStateException("cannot write " + file + ": " + ex.getMessage(), ex);
        }
    }
}
