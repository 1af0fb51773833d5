package org.stanzaswitch.bench.load;

/**
 * CPU seconds spent by the server (when local) and by the load tool between two points of a run.
 */
final class RunCost
{
    private final ProcessSampler server;
    private final ProcessSampler self = ProcessSampler.self();
    private double serverStart;
    private double selfStart;
    private double serverCpu;
    private double selfCpu;

    RunCost(final long serverPid)
    {
        this.server = ProcessSampler.of(serverPid);
    }

    RunCost start()
    {
        serverStart = server == null ? 0 : server.cpuSeconds();
        selfStart = self.cpuSeconds();
        return this;
    }

    RunCost stop()
    {
        serverCpu = server == null ? Double.NaN : server.cpuSeconds() - serverStart;
        selfCpu = self.cpuSeconds() - selfStart;
        return this;
    }

    /**
     * @return the server's CPU seconds, NaN if it is not a local process.
     */
    double serverCpu()
    {
        return serverCpu;
    }

    double selfCpu()
    {
        return selfCpu;
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
        if (server != null)
        {
            results.put("server_cpu_s", serverCpu);
            results.put("server_cpu_us_per_" + unit, serverCpu * 1e6 / Math.max(1, count));
        }
        results.put("loadtool_cpu_s", selfCpu);
        results.put("loadtool_cpu_us_per_" + unit, selfCpu * 1e6 / Math.max(1, count));
    }
}
