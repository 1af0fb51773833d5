package org.stanzaswitch.bench.load;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.stanzaswitch.gateway.ServerContext;
import org.stanzaswitch.gateway.StanzaSwitchServer;
import picocli.CommandLine;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The load tool against a real server on loopback: accounts by in-band registration, a login storm, open-loop
 * chat over STARTTLS and plain TCP with every message accounted for, figures in the results file, the .hlog and
 * its plot, and a failing run reported as one.
 */
@Timeout(120)
class LoadToolSystemTest
{
    @TempDir
    static Path directory;

    private static StanzaSwitchServer server;

    @BeforeAll
    static void startServer() throws Exception
    {
        server = StanzaSwitchServer.launch(new ServerContext().domain("localhost").dataDir(directory.resolve("data"))
            .c2sPort(0).directTlsPort(-1).tlsRequired(false).registrationOpen(true).conclude());
    }

    @AfterAll
    static void stopServer()
    {
        server.close();
    }

    private static int loadtool(final String... args)
    {
        final List<String> all = new ArrayList<>(List.of(args));
        all.addAll(List.of("--port", Integer.toString(server.c2sPort()), "--results",
            directory.resolve("results.tsv").toString(), "--out", directory.toString(), "--label", "ss",
            "--server-pid", Long.toString(ProcessHandle.current().pid())));
        return new CommandLine(LoadTool.class).execute(all.toArray(String[]::new));
    }

    /**
     * @return the figures of one scenario from the results file: metric to value.
     */
    private static Map<String, Double> results(final String scenario) throws Exception
    {
        return Files.readAllLines(directory.resolve("results.tsv")).stream()
            .map(line -> line.split("\t"))
            .filter(row -> row.length == 4 && row[1].equals(scenario))
            .collect(Collectors.toMap(row -> row[2], row -> Double.parseDouble(row[3]), (first, last) -> last));
    }

    @Test
    @DisplayName("upload: XEP-0363 slots, PUT and GET over HTTPS, figures written; a refused slot fails the run")
    void shouldUploadThroughAServer() throws Exception
    {
        final ServerContext context = new ServerContext().domain("localhost")
            .dataDir(directory.resolve("upload-data")).c2sPort(0).directTlsPort(-1).registrationOpen(true);
        context.upload().port(0).dailyQuota(3 << 20);
        try (StanzaSwitchServer uploads = StanzaSwitchServer.launch(context.conclude()))
        {
            final String[] common = {"--port", Integer.toString(uploads.c2sPort()), "--results",
                directory.resolve("upload.tsv").toString(), "--label", "ss", "--register",
                "--server-pid", Long.toString(ProcessHandle.current().pid())};
            assertThat(new CommandLine(LoadTool.class).execute(concat(new String[]{"upload", "--size", "1m",
                "--rounds", "2"}, common))).isZero();
            final List<String> figures = Files.readAllLines(directory.resolve("upload.tsv"));
            assertThat(figures).anyMatch(line -> line.startsWith("ss\tupload-tls\tput_s_2\t"))
                .anyMatch(line -> line.startsWith("ss\tupload-tls\tget_server_cpu_ms_2\t"));
            assertThat(new CommandLine(LoadTool.class).execute(concat(new String[]{"upload", "--size", "1m",
                "--rounds", "2"}, common))).as("the daily quota of 3 MiB refuses the fourth slot").isNotZero();
        }
    }

    private static String[] concat(final String[] first, final String[] second)
    {
        final List<String> all = new ArrayList<>(List.of(first));
        all.addAll(List.of(second));
        return all.toArray(String[]::new);
    }

    @Test
    @DisplayName("register, login storm, chat with TLS and without, presence storm: nothing lost, figures and plot " +
        "written")
    void shouldMeasureARealServer() throws Exception
    {
        final String keys = directory.resolve("scram-keys").toString();
        assertThat(loadtool("connections", "--register", "--clients", "20", "--hold-seconds", "0",
            "--login-concurrency", "10", "--key-cache", keys)).isZero();
        assertThat(server.accounts().usernames()).hasSize(20).contains("load0", "load19");
        assertThat(results("connections-tls")).containsKeys("logins_per_s", "login_p99_ms");
        assertThat(Files.readAllLines(Path.of(keys))).as("one salted password per account").hasSize(20);

        // Logging in with the kept keys: the server checks every proof made from them.
        assertThat(loadtool("chat", "--tls", "--clients", "20", "--rate", "400", "--seconds", "2", "--warmup", "1",
            "--key-cache", keys)).as("exit 0: nothing lost, no client failed").isZero();
        assertThat(results("chat-plain")).as("--tls means STARTTLS").isEmpty();
        assertThat(loadtool("chat", "--no-tls", "--clients", "20", "--rate", "400", "--seconds", "2", "--warmup", "1"))
            .isZero();
        for (final String scenario : new String[]{"chat-tls", "chat-plain"})
        {
            final Map<String, Double> chat = results(scenario);
            assertThat(chat.get("sent")).as("%s: 3 s at 400 msg/s, warm-up included", scenario)
                .isBetween(1150.0, 1250.0);
            assertThat(chat.get("lost")).isZero();
            assertThat(chat.get("duplicates")).isZero();
            assertThat(chat.get("achieved_msg_per_s")).isBetween(360.0, 440.0);
            assertThat(chat.get("p99_ms")).isPositive().isLessThanOrEqualTo(chat.get("max_ms"));
            assertThat(chat).containsKeys("server_cpu_us_per_msg", "loadtool_cpu_us_per_msg");
            assertThat(chat.get("server_kernel_cpu_us_per_msg")).as("the kernel's share of the server's CPU")
                .isBetween(0.0, chat.get("server_cpu_us_per_msg"));
            assertThat(directory.resolve("ss-" + scenario + ".hlog")).isNotEmptyFile();
        }

        // A presence storm: rosters of 4 built by the clients themselves, each update broadcast to 4 contacts.
        assertThat(loadtool("presence", "--no-tls", "--clients", "20", "--contacts", "4", "--rate", "50",
            "--seconds", "2", "--warmup", "1", "--settle", "1")).as("every copy of every update arrived").isZero();
        final Map<String, Double> storm = results("presence-plain");
        assertThat(storm.get("sent")).as("copies due: 100 measured updates x 4 contacts").isEqualTo(400.0);
        assertThat(storm.get("lost")).isZero();
        assertThat(storm.get("duplicates")).isZero();
        assertThat(storm.get("p99_ms")).isPositive();

        // Saturation, bounded by --max-rate: both steps sustained, the higher is the result.
        assertThat(loadtool("saturate", "--no-tls", "--clients", "10", "--start-rate", "100", "--factor", "2",
            "--max-rate", "200", "--step-seconds", "1", "--warmup-seconds", "0")).isZero();
        final Map<String, Double> saturate = results("saturate");
        assertThat(saturate.get("sustained_msg_per_s")).isEqualTo(200.0);
        assertThat(saturate).containsKeys("p99_ms_at_sustained", "server_cpu_us_per_msg");

        final Path svg = directory.resolve("chat.svg");
        assertThat(new CommandLine(LoadTool.class).execute("plot", "--out", svg.toString(),
            directory.resolve("ss-chat-tls.hlog").toString(), directory.resolve("ss-chat-plain.hlog").toString()))
            .isZero();
        assertThat(Files.readString(svg)).startsWith("<svg").contains("ss-chat-plain");
    }

    @Test
    @DisplayName("clients that cannot log in make the run fail, not report figures of nothing as a success")
    void shouldFailWhenClientsCannotLogIn()
    {
        assertThat(loadtool("chat", "--no-tls", "--user-prefix", "nobody", "--clients", "4", "--rate", "10",
            "--seconds", "1", "--warmup", "0")).isNotZero();
    }
}
