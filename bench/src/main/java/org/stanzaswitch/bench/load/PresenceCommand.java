package org.stanzaswitch.bench.load;

import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.util.concurrent.Callable;

/**
 * {@code loadtool presence}: a presence storm over rosters of R contacts.
 */
@Command(name = "presence", mixinStandardHelpOptions = true,
    description = "Presence updates at an open-loop rate, each broadcast to R contacts; latency per delivered copy.")
final class PresenceCommand implements Callable<Integer>
{
    @Mixin
    TargetOptions target;

    @Option(names = "--clients", description = "clients (default: ${DEFAULT-VALUE})")
    int clients = 100;

    @Option(names = "--contacts", description = "contacts per client, even (default: ${DEFAULT-VALUE})")
    int contacts = 20;

    @Option(names = "--rate",
        description = "presence updates per second, all clients together (default: ${DEFAULT-VALUE})")
    double rate = 100;

    @Option(names = "--seconds", description = "measured seconds (default: ${DEFAULT-VALUE})")
    double seconds = 30;

    @Option(names = "--warmup", description = "seconds at the rate before measuring (default: ${DEFAULT-VALUE})")
    double warmup = 5;

    @Option(names = "--settle", description = "seconds for the server to build the rosters (default: ${DEFAULT-VALUE})")
    double settle = 3;

    @Option(names = "--spin", description = "spin the last 80 us before each send time: precise, costs a core")
    boolean spin;

    @Override
    public Integer call() throws Exception
    {
        try (ClientPool pool = new ClientPool(target.settings(), target.ioThreads))
        {
            final PresenceScenario storm = PresenceScenario.withRosters(pool, target, clients, contacts, spin, settle);
            final String scenario = target.scenario("presence");
            final Results results = new Results(target.results, target.label, scenario);
            final RunCost cost = new RunCost(target.serverPid).start();
            final ChatScenario.Result result;
            try (LatencyLog log = new LatencyLog(target.out.resolve(target.label + "-" + scenario + ".hlog"),
                target.label + " presence " + clients + " clients " + contacts + " contacts " + rate + " updates/s"))
            {
                result = storm.run(rate, warmup, seconds, 10, log);
            }
            cost.stop();
            results.put("contacts", contacts);
            results.put("updates_per_s", rate);
            ChatCommand.report(result, storm.clients(), pool, results);
            cost.report(results, "delivery", result.received());
            return result.lost() == 0 && pool.failureCount() == 0 ? 0 : 1;
        }
    }
}
