package org.stanzaswitch.gateway;

import org.agrona.IoUtil;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A real server for system tests: loopback only, ephemeral ports, a fresh data directory under the build's
 * target folder, and accounts added through the same journal the CLI writes. Closing it stops the server and
 * deletes the directory.
 */
public final class TestServer implements AutoCloseable
{
    public static final String DOMAIN = "localhost";
    private static final long ACCOUNT_WAIT_NS = 10_000_000_000L;

    private final Path dataDir;
    private final boolean deleteOnClose;
    private StanzaSwitchServer server;

    private TestServer(final Path dataDir, final boolean deleteOnClose)
    {
        this.dataDir = dataDir;
        this.deleteOnClose = deleteOnClose;
    }

    public static TestServer start() throws IOException
    {
        return start(newDataDir(), true, context -> { });
    }

    public static TestServer start(final java.util.function.Consumer<ServerContext> customise) throws IOException
    {
        return start(newDataDir(), true, customise);
    }

    /**
     * @param dataDir       where the server keeps its data; kept on close if deleteOnClose is false.
     * @param deleteOnClose whether closing deletes the directory.
     * @param customise     changes to the default test settings.
     */
    public static TestServer start(
        final Path dataDir, final boolean deleteOnClose, final java.util.function.Consumer<ServerContext> customise)
        throws IOException
    {
        final TestServer testServer = new TestServer(dataDir, deleteOnClose);
        final ServerContext context = new ServerContext()
            .domain(DOMAIN)
            .dataDir(dataDir)
            .bindAddress("127.0.0.1")
            .c2sPort(0)
            .directTlsPort(0)
            .ringSize(1024);
        customise.accept(context);
        testServer.server = StanzaSwitchServer.launch(context);
        return testServer;
    }

    public static Path newDataDir() throws IOException
    {
        final Path target = Path.of("target", "system-tests");
        Files.createDirectories(target);
        return Files.createTempDirectory(target, "data-").toAbsolutePath();
    }

    /**
     * Add an account and wait until the running switch knows it.
     */
    public TestServer addUser(final String username, final String password)
    {
        try (AccountAdmin admin = new AccountAdmin(server.context()))
        {
            admin.setPassword(username, password);
        }
        final long deadline = System.nanoTime() + ACCOUNT_WAIT_NS;
        while (!server.accounts().exists(username))
        {
            if (System.nanoTime() > deadline)
            {
                throw new IllegalStateException("account " + username + " not applied in time");
            }
            java.util.concurrent.locks.LockSupport.parkNanos(1_000_000);
        }
        return this;
    }

    public int c2sPort()
    {
        return server.c2sPort();
    }

    public int directTlsPort()
    {
        return server.directTlsPort();
    }

    public Path certificate()
    {
        return dataDir.resolve("tls").resolve(DOMAIN + ".crt.pem");
    }

    public Path dataDir()
    {
        return dataDir;
    }

    public StanzaSwitchServer server()
    {
        return server;
    }

    @Override
    public void close()
    {
        server.close();
        if (deleteOnClose)
        {
            delete(dataDir);
        }
    }

    static void delete(final Path directory)
    {
        IoUtil.delete(directory.toFile(), true);
    }
}
