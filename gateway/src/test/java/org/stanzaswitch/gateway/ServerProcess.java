package org.stanzaswitch.gateway;

import org.stanzaswitch.gateway.cli.StanzaSwitchMain;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The real server in its own JVM, started with the CLI as an operator would (loopback, fixed free ports, a
 * YAML file), so that a test can {@code kill -9} it and start it again on the same data.
 */
final class ServerProcess implements AutoCloseable
{
    private final Path dataDir;
    private final Path config;
    private final int c2sPort;
    private final int directTlsPort;
    private Process process;

    ServerProcess(final Path dataDir) throws IOException
    {
        this.dataDir = dataDir;
        this.c2sPort = freePort();
        this.directTlsPort = freePort();
        this.config = dataDir.resolveSibling(dataDir.getFileName() + ".yaml");
        Files.writeString(config, "domain: localhost\n" +
            "data_dir: " + dataDir.getFileName() + "\n" +
            "listen:\n  address: 127.0.0.1\n  c2s_port: " + c2sPort + "\n  direct_tls_port: " + directTlsPort + "\n" +
            "offline:\n  quota: 1000000\n" +
            // Crash tests send as fast as they can, to have much in flight when the kill comes: not shaped.
            "limits:\n  c2s_rate: 0\n");
    }

    private static int freePort() throws IOException
    {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress()))
        {
            return socket.getLocalPort();
        }
    }

    private Path logFile()
    {
        return dataDir.resolveSibling(dataDir.getFileName() + ".log");
    }

    Path config()
    {
        return config;
    }

    int directTlsPort()
    {
        return directTlsPort;
    }

    long pid()
    {
        return process.pid();
    }

    /**
     * Start the server and wait until it accepts connections.
     */
    ServerProcess start() throws Exception
    {
        final Path log = logFile();
        process = ChildJvm.java(List.of("-Xmx256m"), StanzaSwitchMain.class, "start", "--config", config.toString())
            .redirectErrorStream(true)
            .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
            .start();
        final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
        while (System.nanoTime() < deadline)
        {
            if (!process.isAlive())
            {
                throw new IllegalStateException("server exited with " + process.exitValue());
            }
            try (Socket probe = new Socket(InetAddress.getLoopbackAddress(), directTlsPort))
            {
                if (probe.isConnected())
                {
                    return this;
                }
            }
            catch (final IOException notYet)
            {
                Thread.sleep(50);
            }
        }
        throw new IllegalStateException("server did not start listening in time");
    }

    /**
     * {@code kill -9}: no shutdown hook, no flush, no goodbye.
     */
    void kill() throws InterruptedException
    {
        process.destroyForcibly();
        process.waitFor(30, TimeUnit.SECONDS);
    }

    @Override
    public void close()
    {
        if (process != null && process.isAlive())
        {
            process.destroy();
            try
            {
                if (!process.waitFor(30, TimeUnit.SECONDS))
                {
                    kill();
                }
            }
            catch (final InterruptedException ex)
            {
                process.destroyForcibly();
                Thread.currentThread().interrupt();
            }
        }
    }
}
