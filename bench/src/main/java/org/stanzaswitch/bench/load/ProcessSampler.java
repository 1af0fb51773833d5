package org.stanzaswitch.bench.load;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * CPU time and resident memory of a local process, read from /proc (proc(5)): the server's cost of a run,
 * and the load tool's own, so a reader sees which side was the bottleneck.
 */
final class ProcessSampler
{
    /** Clock ticks per second of /proc/PID/stat's utime and stime; 100 on Linux (sysconf(_SC_CLK_TCK)). */
    private static final long TICKS_PER_SECOND = 100;

    private final long pid;

    private ProcessSampler(final long pid)
    {
        this.pid = pid;
    }

    /**
     * @return a sampler of that process, or null if pid is 0 (no local server named).
     */
    static ProcessSampler of(final long pid)
    {
        return pid > 0 ? new ProcessSampler(pid) : null;
    }

    static ProcessSampler self()
    {
        return new ProcessSampler(ProcessHandle.current().pid());
    }

    /**
     * @return user plus system CPU seconds the process has used so far.
     */
    double cpuSeconds()
    {
        if (pid == ProcessHandle.current().pid())
        {
            final java.lang.management.OperatingSystemMXBean os = ManagementFactory.getOperatingSystemMXBean();
            if (os instanceof com.sun.management.OperatingSystemMXBean)
            {
                return ((com.sun.management.OperatingSystemMXBean)os).getProcessCpuTime() / 1e9;
            }
        }
        final String stat = read("stat");
        // The command name may hold spaces and parentheses; the fields after its last ')' are fixed.
        final String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        final long ticks = Long.parseLong(fields[11]) + Long.parseLong(fields[12]);
        return ticks / (double)TICKS_PER_SECOND;
    }

    /**
     * @return resident memory in KiB (VmRSS).
     */
    long residentKiB()
    {
        for (final String line : read("status").split("\n"))
        {
            if (line.startsWith("VmRSS:"))
            {
                return Long.parseLong(line.replaceAll("[^0-9]", ""));
            }
        }
        throw new IllegalStateException("no VmRSS for process " + pid);
    }

    private String read(final String file)
    {
        try
        {
            return Files.readString(Path.of("/proc", Long.toString(pid), file));
        }
        catch (final IOException ex)
        {
            throw new IllegalStateException("cannot read /proc/" + pid + "/" + file + ": " + ex.getMessage(), ex);
        }
    }
}
