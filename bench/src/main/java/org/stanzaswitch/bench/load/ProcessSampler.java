package org.stanzaswitch.bench.load;

import java.io.IOException;
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
     * @return user and system CPU seconds the process has used so far.
     */
    CpuTime cpuTime()
    {
        final String stat = read("stat");
        // The command name may hold spaces and parentheses; the fields after its last ')' are fixed.
        final String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        final double user = Long.parseLong(fields[11]) / (double)TICKS_PER_SECOND;
        final double system = Long.parseLong(fields[12]) / (double)TICKS_PER_SECOND;
        return new CpuTime(user, system);
    }

    /**
     * CPU seconds spent in the process's own code and in the kernel on its behalf: on loopback the kernel's share
     * holds both ends' TCP work, the same for any server, and so shows how much of a cost is the server's own.
     * The total is exact; the split is Linux's estimate from which mode the scheduler tick found the process in,
     * a rough share that a short or wake-up heavy run can tip to one side.
     */
    record CpuTime(double user, double system)
    {
        double total()
        {
            return user + system;
        }

        CpuTime minus(final CpuTime earlier)
        {
            return new CpuTime(user - earlier.user, system - earlier.system);
        }
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
