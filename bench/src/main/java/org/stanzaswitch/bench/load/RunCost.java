package org.stanzaswitch.bench.load;

/**
 * CPU seconds spent by the server (when local) and by the load tool between two points of a run, each split into
 * its own code's and the kernel's.
 */
final class RunCost
{
    private static final ProcessSampler.CpuTime NONE = new ProcessSampler.CpuTime(Double.NaN, Double.NaN);

    private final ProcessSampler server;
    private final ProcessSampler self = ProcessSampler.self();
    private ProcessSampler.CpuTime serverStart;
    private ProcessSampler.CpuTime selfStart;
    private ProcessSampler.CpuTime serverCpu = NONE;
    private ProcessSampler.CpuTime selfCpu = NONE;

    RunCost(final long serverPid)
    {
        this.server = ProcessSampler.of(serverPid);
    }

    RunCost start()
    {
        serverStart = server == null ? NONE : server.cpuTime();
        selfStart = self.cpuTime();
        return this;
    }

    RunCost stop()
    {
        serverCpu = server == null ? NONE : server.cpuTime().minus(serverStart);
        selfCpu = self.cpuTime().minus(selfStart);
        return this;
    }

    /**
     * @return the server's CPU seconds, NaN if it is not a local process.
     */
    double serverCpu()
    {
        return serverCpu.total();
    }

    /**
     * @return the part of {@link #serverCpu()} spent in the kernel.
     */
    double serverSystemCpu()
    {
        return serverCpu.system();
    }

    double selfCpu()
    {
        return selfCpu.total();
    }

    /**
     * @return the server's resident memory now, KiB, or -1 if it is not a local process.
     */
    long serverResidentKiB()
    {
        return server == null ? -1 : server.residentKiB();
    }

    /**
     * Put the CPU figures per unit of work (a message, a login) in the results, in microseconds.
     */
    void report(final Results results, final String unit, final long count)
    {
        final double perUnit = 1e6 / Math.max(1, count);
        if (server != null)
        {
            results.put("server_cpu_s", serverCpu.total());
            results.put("server_cpu_us_per_" + unit, serverCpu.total() * perUnit);
            results.put("server_kernel_cpu_us_per_" + unit, serverCpu.system() * perUnit);
        }
        results.put("loadtool_cpu_s", selfCpu.total());
        results.put("loadtool_cpu_us_per_" + unit, selfCpu.total() * perUnit);
        results.put("loadtool_kernel_cpu_us_per_" + unit, selfCpu.system() * perUnit);
    }
}
