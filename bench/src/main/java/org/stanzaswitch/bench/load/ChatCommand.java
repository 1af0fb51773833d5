package org.stanzaswitch.bench.load;

import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.util.concurrent.Callable;

/**
 * {@code loadtool chat}: C clients in pairs, one-to-one messages at a fixed open-loop rate.
 */
@Command(name = "chat", mixinStandardHelpOptions = true,
    description = "One-to-one chat at an open-loop rate; latency from each message's scheduled send time.")
final class ChatCommand implements Callable<Integer>
{
    @Mixin
    TargetOptions target;

    @Option(names = "--clients", description = "clients (default: ${DEFAULT-VALUE})")
    int clients = 100;

    @Option(names = "--rate", description = "messages per second, all clients together (default: ${DEFAULT-VALUE})")
    double rate = 2_000;

    @Option(names = "--seconds", description = "measured seconds (default: ${DEFAULT-VALUE})")
    double seconds = 30;

    @Option(names = "--warmup", description = "seconds at the rate before measuring (default: ${DEFAULT-VALUE})")
    double warmup = 5;

    @Option(names = "--spin", description = "spin the last 80 us before each send time: precise, costs a core")
    boolean spin;

    @Override
    public Integer call() throws Exception
    {
        try (ClientPool pool = new ClientPool(target.settings(), target.ioThreads))
        {
            final ChatScenario chat = ChatScenario.loggedIn(pool, target, clients, spin);
            final int boundClients = chat.clients();
            final String scenario = target.scenario("chat");
            final Results results = new Results(target.results, target.label, scenario);
            final RunCost cost = new RunCost(target.serverPid).start();
            final ChatScenario.Result result;
            try (LatencyLog log = new LatencyLog(target.out.resolve(target.label + "-" + scenario + ".hlog"),
                target.label + " chat " + clients + " clients " + rate + " msg/s"))
            {
                result = chat.run(rate, warmup, seconds, 10, log);
            }
            cost.stop();
            report(result, boundClients, pool, results);
            cost.report(results, "msg", result.received());
            return result.lost() == 0 && pool.failureCount() == 0 ? 0 : 1;
        }
    }

    static void report(final ChatScenario.Result result, final int boundClients, final ClientPool pool,
        final Results results)
    {
        System.out.printf("  latency  %s%n", LatencyLog.summary(result.latency()));
        System.out.printf("  sender lag at worst %s (the load tool's own delay, inside the latencies)%n",
            LatencyLog.ms(result.maxLagNanos()));
        results.put("clients", boundClients);
        results.put("target_msg_per_s", result.target());
        results.put("achieved_msg_per_s", result.achievedRate());
        results.put("p50_ms", result.latency().getValueAtPercentile(50) / 1e6);
        results.put("p90_ms", result.latency().getValueAtPercentile(90) / 1e6);
        results.put("p99_ms", result.latency().getValueAtPercentile(99) / 1e6);
        results.put("p99.9_ms", result.latency().getValueAtPercentile(99.9) / 1e6);
        results.put("p99.99_ms", result.latency().getValueAtPercentile(99.99) / 1e6);
        results.put("max_ms", result.latency().getMaxValue() / 1e6);
        results.put("sent", result.sent());
        results.put("lost", result.lost());
        results.put("errors", result.errors());
        results.put("duplicates", result.duplicates());
        results.put("failed_or_dropped_clients", pool.failureCount());
        pool.printFailures();
    }
}
