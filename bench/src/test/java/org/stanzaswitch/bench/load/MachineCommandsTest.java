package org.stanzaswitch.bench.load;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The load tool's commands that measure the machine rather than a server: the journal's appends and one thread
 * waking another. Each timed event is counted once, after the warm-up second, and lands in the .hlog.
 */
@Timeout(60)
class MachineCommandsTest
{
    @TempDir
    Path directory;

    @Test
    @DisplayName("journal: every append after the warm-up timed once, the intervals in the .hlog")
    void shouldTimeEveryAppend() throws Exception
    {
        final Path hlog = directory.resolve("journal.hlog");
        final String out = run("journal", directory.resolve("j").toString(), "--rate", "500", "--seconds", "2",
            "--hlog", hlog.toString());

        assertThat(out).contains("journal: 1000 appends of 600 B at 500/s").contains("(n=1000)");
        assertThat(PlotCommand.read(hlog).getTotalCount()).isEqualTo(1000);
    }

    @Test
    @DisplayName("wakeup: every hand-off after the warm-up timed once, pinned or not, the intervals in the .hlog")
    void shouldTimeEveryHandOff() throws Exception
    {
        final Path hlog = directory.resolve("wakeup.hlog");
        final String unpinned = run("wakeup", "--rate", "1000", "--seconds", "2", "--hlog", hlog.toString());
        final String pinned = run("wakeup", "--rate", "1000", "--seconds", "1", "--cpus", "0,0");

        assertThat(unpinned).contains("wakeup: 2000 hand-offs at 1000/s, unpinned").contains("(n=2000)");
        assertThat(PlotCommand.read(hlog).getTotalCount()).isEqualTo(2000);
        assertThat(pinned).contains("waker on CPU 0, sleeper on CPU 0").contains("(n=1000)");
    }

    @Test
    @DisplayName("wakeup: --cpus with other than two CPUs is refused")
    void shouldRefuseOneCpu()
    {
        assertThat(new CommandLine(LoadTool.class).execute("wakeup", "--seconds", "1", "--cpus", "0")).isNotZero();
    }

    private static String run(final String... args)
    {
        final PrintStream stdout = System.out;
        final ByteArrayOutputStream captured = new ByteArrayOutputStream();
        System.setOut(new PrintStream(captured, true, StandardCharsets.UTF_8));
        try
        {
            assertThat(new CommandLine(LoadTool.class).execute(args)).isZero();
        }
        finally
        {
            System.setOut(stdout);
        }
        return captured.toString(StandardCharsets.UTF_8);
    }
}
