package org.stanzaswitch.gateway.cli;

import org.stanzaswitch.journal.Journal;
import org.stanzaswitch.journal.JournalJson;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.concurrent.locks.LockSupport;

/**
 * {@code stanzaswitch journal tail NAME}: a journal's records as JSON lines, read-only, while the server writes
 * it; the analytics consumer that needs no code (docs/journal-format.md).
 */
@Command(name = "journal", description = "Read the server's journals.", subcommands = JournalCommand.Tail.class)
final class JournalCommand
{
    private static final long IDLE_PAUSE_NS = 10_000_000;
    private static final int POLL_LIMIT = 1024;

    @Command(name = "tail", description = "Print a journal's records as JSON lines: state, archive, offline or events.")
    static final class Tail implements Callable<Integer>
    {
        @Mixin
        ServerOptions options;

        @Parameters(index = "0", paramLabel = "NAME", description = "state, archive, offline or events")
        String name;

        @Option(names = "--from", description = "start (default), end, or a record index to start at")
        String from = "start";

        @Option(names = "--follow", description = "keep printing records as they are written, until interrupted")
        boolean follow;

        @Override
        public Integer call() throws Exception
        {
            final JournalJson.Name journalName;
            try
            {
                journalName = JournalJson.Name.of(name);
            }
            catch (final IllegalArgumentException ex)
            {
                throw new IllegalArgumentException("no journal named " + name + " (state, archive, offline, events)",
                    ex);
            }
            final Path directory = options.context().dataDir().resolve(journalName.directory());
            if (!Files.isDirectory(directory))
            {
                throw new IllegalArgumentException("no journal at " + directory + " (has the server run there?)");
            }
            final PrintStream out = new PrintStream(System.out, false, StandardCharsets.UTF_8);
            final JournalJson json = new JournalJson();
            try (Journal journal = Journal.openReadOnly(directory))
            {
                position(journal);
                while (true)
                {
                    final int read = journal.poll((index, buffer, offset, length) ->
                        out.println(json.format(journalName, index, buffer, offset, length)), POLL_LIMIT);
                    if (read > 0)
                    {
                        continue;
                    }
                    out.flush();
                    if (!follow || Thread.currentThread().isInterrupted())
                    {
                        break;
                    }
                    LockSupport.parkNanos(IDLE_PAUSE_NS);
                }
            }
            out.flush();
            return 0;
        }

        private void position(final Journal journal)
        {
            if ("end".equals(from))
            {
                journal.seekToEnd();
            }
            else if (!"start".equals(from))
            {
                final long index;
                try
                {
                    index = Long.parseLong(from);
                }
                catch (final NumberFormatException ex)
                {
                    throw new IllegalArgumentException("--from takes start, end or an index, not " + from, ex);
                }
                if (!journal.seek(index))
                {
                    throw new IllegalArgumentException("no record at index " + index);
                }
            }
        }
    }
}
