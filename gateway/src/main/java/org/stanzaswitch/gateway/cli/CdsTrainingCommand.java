package org.stanzaswitch.gateway.cli;

import org.agrona.IoUtil;
import org.stanzaswitch.gateway.ServerContext;
import org.stanzaswitch.gateway.StanzaSwitchServer;
import picocli.CommandLine.Command;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;

/**
 * {@code stanzaswitch cds-training}: start a throwaway server (a temporary data directory, ephemeral loopback
 * ports), open one client stream to it, and stop it. {@code bin/stanzaswitch} runs this once per build under
 * {@code -XX:ArchiveClassesAtExit}, so that later starts map the classes a start loads from a class data sharing
 * archive instead of loading them from the jar (about a third of the time to accept connections).
 */
@Command(name = "cds-training", hidden = true,
    description = "Start and stop a throwaway server so the JVM can archive the classes a start loads.")
final class CdsTrainingCommand implements Callable<Integer>
{
    private static final String HEADER = "<?xml version='1.0'?><stream:stream to='localhost' " +
        "xmlns='jabber:client' xmlns:stream='http://etherx.jabber.org/streams' version='1.0'>";
    private static final int READ_TIMEOUT_MS = 5_000;

    @Override
    public Integer call() throws Exception
    {
        final Path data = Files.createTempDirectory("stanzaswitch-cds");
        try
        {
            final ServerContext context = new ServerContext().dataDir(data).bindAddress("127.0.0.1")
                .c2sPort(0).directTlsPort(0);
            try (StanzaSwitchServer server = StanzaSwitchServer.launch(context))
            {
                final boolean featuresRead = openStream(server.c2sPort());
                System.out.println("cds-training: a server started on port " + server.c2sPort() +
                    (featuresRead ? " and offered a client its stream features" : " but sent no stream features"));
                return featuresRead ? 0 : 1;
            }
        }
        finally
        {
            IoUtil.delete(data.toFile(), false);
        }
    }

    /**
     * A client's first round trip: stream header in, header and features out.
     *
     * @return whether the features came.
     */
    private static boolean openStream(final int port) throws IOException
    {
        try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), port))
        {
            socket.setSoTimeout(READ_TIMEOUT_MS);
            final OutputStream out = socket.getOutputStream();
            out.write(HEADER.getBytes(StandardCharsets.UTF_8));
            out.flush();
            final InputStream in = socket.getInputStream();
            final StringBuilder read = new StringBuilder();
            final byte[] chunk = new byte[1024];
            int length;
            while (read.indexOf("</stream:features>") < 0 && (length = in.read(chunk)) > 0)
            {
                read.append(new String(chunk, 0, length, StandardCharsets.UTF_8));
            }
            return read.indexOf("</stream:features>") >= 0;
        }
    }
}
