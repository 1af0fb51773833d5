package org.stanzaswitch.bench.load;

import io.netty.handler.ssl.OpenSslContextOption;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.util.InsecureTrustManagerFactory;
import picocli.CommandLine.Option;

import javax.net.ssl.SSLException;
import java.nio.file.Path;

/**
 * The options every scenario shares: which server, how clients log in, where figures go.
 */
final class TargetOptions
{
    @Option(names = "--host", description = "server address (default: ${DEFAULT-VALUE})")
    String host = "127.0.0.1";

    @Option(names = "--port", description = "c2s port (default: ${DEFAULT-VALUE})")
    int port = 5222;

    @Option(names = "--domain", description = "XMPP domain (default: ${DEFAULT-VALUE})")
    String domain = "localhost";

    // A negatable option that is true by default needs its default in the annotation: with only a field
    // initializer, picocli 4.7 takes --no-tls to mean true and --tls false.
    @Option(names = "--tls", negatable = true, defaultValue = "true", fallbackValue = "true",
        description = "STARTTLS before logging in (default: ${DEFAULT-VALUE}); --no-tls only where the server allows " +
            "it")
    boolean tls;

    // BoringSSL, the load tool's TLS, offers the X25519 + ML-KEM-768 hybrid first, which OpenSSL 3.0 (Debian 12's,
    // under Prosody and ejabberd) cannot take: by default every server is offered the groups they can all agree on,
    // so a side-by-side run compares the same handshake.
    @Option(names = "--tls-groups", split = ",", description = "key exchange groups offered, in order of preference " +
        "(default: ${DEFAULT-VALUE}); X25519MLKEM768 first to measure the post-quantum hybrid")
    String[] tlsGroups = {"X25519", "P-256", "P-384"};

    @Option(names = "--sasl", description = "PLAIN, SCRAM-SHA-1 or SCRAM-SHA-256 (default: ${DEFAULT-VALUE})")
    String mechanism = "SCRAM-SHA-1";

    @Option(names = "--user-prefix", description = "users are PREFIX0, PREFIX1, ... (default: ${DEFAULT-VALUE})")
    String userPrefix = "load";

    @Option(names = "--password", description = "every user's password (default: ${DEFAULT-VALUE})")
    String password = "load-secret";

    @Option(names = "--register", description = "create the accounts by in-band registration (XEP-0077) first")
    boolean register;

    @Option(names = "--key-cache", description = "keep SCRAM salted passwords in this file from run to run, as " +
        "clients keep them (RFC 5802 §3), so that a login storm does not measure the load tool's PBKDF2")
    Path keyCache;

    @Option(names = "--io-threads", description = "load tool I/O threads (default: ${DEFAULT-VALUE})")
    int ioThreads = 1;

    @Option(names = "--login-concurrency", description = "logins in flight at once (default: ${DEFAULT-VALUE})")
    int loginConcurrency = 100;

    @Option(names = "--server-pid", description = "PID of the local server process, for its CPU and memory")
    long serverPid;

    @Option(names = "--label", description = "name of the server in results (default: ${DEFAULT-VALUE})")
    String label = "server";

    @Option(names = "--results", description = "append figures to this file (server, scenario, metric, value)")
    Path results;

    @Option(names = "--out", description = "directory for .hlog files (default: ${DEFAULT-VALUE})")
    Path out = Path.of(".");

    ClientSettings settings() throws SSLException
    {
        // A load tool measures servers, it does not protect users: TLS is negotiated for real (its cost is the
        // point), but any certificate is accepted, as servers under test use self-signed ones.
        final SslContext context = tls ?
            SslContextBuilder.forClient().trustManager(InsecureTrustManagerFactory.INSTANCE)
                .option(OpenSslContextOption.GROUPS, tlsGroups).build() : null;
        return new ClientSettings(host, port, domain, context, mechanism, userPrefix, password, register,
            ScramKeyCache.open(keyCache));
    }

    /**
     * @param name the scenario.
     * @return the scenario's name in results, which says whether it ran over TLS.
     */
    String scenario(final String name)
    {
        return name + (tls ? "-tls" : "-plain");
    }
}
