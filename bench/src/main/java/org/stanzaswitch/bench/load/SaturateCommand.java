package org.stanzaswitch.bench.load;

import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.util.Locale;
import java.util.concurrent.Callable;

/**
 * {@code loadtool saturate}: chat at rising open-loop rates until the server no longer keeps up; reports the
 * highest rate it sustained and what a message cost there.
 */
@Command(name = "saturate", mixinStandardHelpOptions = true,
    description = "Raise the chat rate step by step; the highest step delivered in full, on time, is the result.")
final class SaturateCommand implements Callable<Integer>
{
    @Mixin
    TargetOptions target;

    @Option(names = "--clients", description = "clients (default: ${DEFAULT-VALUE})")
    int clients = 100;

    @Option(names = "--start-rate", description = "first step, messages per second (default: ${DEFAULT-VALUE})")
    double startRate = 5_000;

    @Option(names = "--factor", description = "each step's rate over the previous (default: ${DEFAULT-VALUE})")
    double factor = 1.25;

    @Option(names = "--refine", description = "steps that halve the interval between the last sustained and the " +
        "first failed rate (default: ${DEFAULT-VALUE})")
    int refinements = 2;

    @Option(names = "--retries", description = "further tries of a step that was not sustained before it counts " +
        "as failed, so that one stall of a shared machine does not end the search (default: ${DEFAULT-VALUE})")
    int retries = 1;

    @Option(names = "--max-rate", description = "stop here even if sustained (default: ${DEFAULT-VALUE})")
    double maxRate = 1_000_000;

    @Option(names = "--step-seconds", description = "measured seconds per step (default: ${DEFAULT-VALUE})")
    double stepSeconds = 5;

    @Option(names = "--warmup-seconds", description = "unmeasured chat at half the first step's rate first, so " +
        "that a freshly started server is compiled before it is judged (default: ${DEFAULT-VALUE})")
    double warmupSeconds = 10;

    @Option(names = "--slo-ms",
        description = "a step is sustained only if its p99 is below this (default: ${DEFAULT-VALUE})")
    double sloMillis = 50;

    @Override
    public Integer call() throws Exception
    {
        try (ClientPool pool = new ClientPool(target.settings(), target.ioThreads))
        {
            final ChatScenario chat = ChatScenario.loggedIn(pool, target, clients, false);
            if (warmupSeconds > 0)
            {
                try (LatencyLog log = new LatencyLog(null, null))
                {
                    chat.run(startRate / 2, warmupSeconds, 0, 3, log);
                }
            }
            final RateSearch search = new RateSearch(startRate, factor, maxRate, refinements, retries);
            Step best = null;
            for (double rate = search.next(); !Double.isNaN(rate); rate = search.next())
            {
                final Step step = step(chat, pool, rate);
                search.record(step.sustained());
                if (step.sustained())
                {
                    best = step;
                }
            }
            final Results results = new Results(target.results, target.label, "saturate");
            if (best == null)
            {
                System.out.printf("%s: not even the first step was sustained%n", target.label);
                results.put("sustained_msg_per_s", 0);
                return 1;
            }
            final ChatScenario.Result sustained = best.result();
            System.out.printf(Locale.ROOT, "%s: highest sustained rate %,.0f msg/s%n", target.label,
                sustained.target());
            results.put("sustained_msg_per_s", sustained.target());
            results.put("p99_ms_at_sustained", sustained.latency().getValueAtPercentile(99) / 1e6);
            best.cost().report(results, "msg", sustained.received());
            return 0;
        }
    }

    private Step step(final ChatScenario chat, final ClientPool pool, final double rate) throws Exception
    {
        final RunCost cost = new RunCost(target.serverPid).start();
        final ChatScenario.Result result;
        try (LatencyLog log = new LatencyLog(null, null))
        {
            result = chat.run(rate, 1, stepSeconds, 3, log);
        }
        cost.stop();
        final double p99 = result.latency().getValueAtPercentile(99) / 1e6;
        final boolean sustained = result.lost() == 0 && result.errors() == 0 && pool.failureCount() == 0 &&
            result.achievedRate() >= 0.97 * rate && p99 <= sloMillis;
        final double perMessage = 1e6 / Math.max(1, result.received());
        System.out.printf(Locale.ROOT, "  step %,9.0f msg/s: achieved %,9.0f, lost %d, p99 %.3f ms, " +
            "server CPU %.1f us/msg (kernel %.1f), load tool CPU %.1f us/msg -> %s%n", rate, result.achievedRate(),
            result.lost(), p99, cost.serverCpu() * perMessage, cost.serverSystemCpu() * perMessage,
            cost.selfCpu() * perMessage, sustained ? "sustained" : "not sustained");
        return new Step(result, cost, sustained);
    }

    /**
     * One rate tried: what arrived, what it cost, and whether the server kept up.
     */
    private record Step(ChatScenario.Result result, RunCost cost, boolean sustained)
    {
    }
}
