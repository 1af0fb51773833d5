package org.stanzaswitch.bench.load;

import org.HdrHistogram.Histogram;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;

/**
 * {@code loadtool connections}: a login storm of C clients, then the clients held idle: logins per second,
 * server CPU per login, and the server's resident memory per idle authenticated connection.
 */
@Command(name = "connections", mixinStandardHelpOptions = true,
    description = "Log C clients in as fast as the server takes them, hold them idle, measure memory per connection.")
final class ConnectionsCommand implements Callable<Integer>
{
    @Mixin
    TargetOptions target;

    @Option(names = "--clients", description = "clients (default: ${DEFAULT-VALUE})")
    int clients = 5_000;

    @Option(names = "--hold-seconds", description = "idle time before memory is read (default: ${DEFAULT-VALUE})")
    double holdSeconds = 5;

    @Option(names = "--timeout", description = "seconds allowed for all logins (default: ${DEFAULT-VALUE})")
    long timeoutSeconds = 600;

    @Override
    public Integer call() throws Exception
    {
        final ClientSettings settings = target.settings();
        final Results results = new Results(target.results, target.label, target.scenario("connections"));
        final RunCost cost = new RunCost(target.serverPid);
        final long residentBefore = cost.serverResidentKiB();
        try (ClientPool pool = new ClientPool(settings, target.ioThreads))
        {
            cost.start();
            final long start = System.nanoTime();
            final List<LoadConnection> bound = pool.login(0, clients, target.loginConcurrency, timeoutSeconds);
            final double wall = (System.nanoTime() - start) / 1e9;
            cost.stop();
            final Histogram logins = new Histogram(3);
            bound.forEach(connection -> logins.recordValue(connection.loginNanos()));
            System.out.printf(Locale.ROOT, "%s: %d of %d clients bound in %.2f s%n", target.label, bound.size(),
                clients, wall);
            System.out.printf("  login time  %s%n", LatencyLog.summary(logins));
            pool.printFailures();
            results.put("clients", clients);
            results.put("bound", bound.size());
            results.put("login_wall_s", wall);
            results.put("logins_per_s", bound.size() / wall);
            results.put("login_p99_ms", logins.getValueAtPercentile(99) / 1e6);
            cost.report(results, "login", bound.size());
            Thread.sleep((long)(holdSeconds * 1000));
            final long residentAfter = cost.serverResidentKiB();
            if (residentBefore > 0)
            {
                results.put("server_rss_idle_mib", residentBefore / 1024.0);
                results.put("server_rss_held_mib", residentAfter / 1024.0);
                results.put("server_kib_per_connection", (residentAfter - residentBefore) / (double)bound.size());
            }
            results.put("dropped_while_held", pool.dropped());
            return bound.size() == clients && pool.dropped() == 0 ? 0 : 1;
        }
    }
}
