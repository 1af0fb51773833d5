package org.stanzaswitch.gateway;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.stanzaswitch.gateway.cli.StanzaSwitchMain;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * An operator who starts the server twice on one data directory gets one line and exit code 2 from the second,
 * while the first serves on untouched; a server killed with {@code kill -9}, or one whose start failed, leaves no
 * lock behind.
 */
@Timeout(180)
class DataDirectoryLockSystemTest
{
    @Test
    @DisplayName("a second start on the same data directory is refused in one line; kill -9 frees the directory")
    void shouldRefuseSecondServerOnTheSameData() throws Exception
    {
        final Path dataDir = TestServer.newDataDir();
        try (ServerProcess first = new ServerProcess(dataDir))
        {
            first.start();
            final Process second = ChildJvm.java(List.of("-Xmx128m"), StanzaSwitchMain.class, "start", "--config",
                first.config().toString()).redirectErrorStream(true).start();
            assertThat(second.waitFor(60, TimeUnit.SECONDS)).as("the second start ends by itself").isTrue();
            final String output = new String(second.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertThat(second.exitValue()).as(output).isEqualTo(2);
            assertThat(output).contains("stanzaswitch start: data directory " + dataDir.toAbsolutePath() +
                " is in use by another Stanza Switch (pid " + first.pid() + ")").doesNotContain("\tat ");
            assertThat(dataDir.resolve("archive-index")).as("the first server's scratch files stay").isDirectory();
            try (RawClient client = RawClient.directTls(first.directTlsPort(), certificate(dataDir)))
            {
                assertThat(client.login("", "nobody", "x")).as("the first still answers").isNull();
            }

            first.kill();
            first.start();
        }
        finally
        {
            TestServer.delete(dataDir);
        }
    }

    @Test
    @DisplayName("a start that fails on its TLS files, while the switch opened its journals, leaves the directory free")
    void shouldFreeTheDataAfterAFailedTlsStart() throws Exception
    {
        final Path dataDir = TestServer.newDataDir();
        final String missing = dataDir.resolve("no-such-certificate.pem").toString();
        try
        {
            assertThatThrownBy(() -> TestServer.start(dataDir, false,
                context -> context.tlsCertificate(missing).tlsKey(missing))).isInstanceOf(IOException.class);
            try (TestServer server = TestServer.start(dataDir, false, context -> { });
                RawClient client = new RawClient(server.c2sPort()))
            {
                assertThat(client.send(RawClient.HEADER).readUntil("</stream:features>", 5_000))
                    .contains("<starttls");
            }
        }
        finally
        {
            TestServer.delete(dataDir);
        }
    }

    private static Path certificate(final Path dataDir) throws IOException
    {
        final Path certificate = dataDir.resolve("tls").resolve("localhost.crt.pem");
        assertThat(Files.exists(certificate)).isTrue();
        return certificate;
    }
}
