package org.stanzaswitch.gateway;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.stanzaswitch.gateway.cli.StanzaSwitchMain;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Issue 7, start time: {@code stanzaswitch cds-training} (what {@code bin/stanzaswitch} runs once per build under
 * {@code -XX:ArchiveClassesAtExit}) really starts a server and serves a client stream, and leaves nothing behind.
 * The archive itself needs the server as jars (the JVM archives no class directories): bench's
 * {@code ClassDataSharingTest} writes and uses one.
 */
@Timeout(120)
class CdsTrainingSystemTest
{
    @Test
    @DisplayName("a throwaway start on ephemeral ports serves stream features, then its data directory is deleted")
    void shouldStartServeAndCleanUp(@TempDir final Path directory) throws Exception
    {
        final Path temp = Files.createDirectory(directory.resolve("tmp"));
        final Process training = ChildJvm.java(List.of("-Djava.io.tmpdir=" + temp), StanzaSwitchMain.class,
            "cds-training").redirectErrorStream(true).start();
        assertThat(training.waitFor(90, TimeUnit.SECONDS)).isTrue();
        final String output = new String(training.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(training.exitValue()).as(output).isZero();
        assertThat(output).contains("offered a client its stream features");
        try (var left = Files.list(temp))
        {
            assertThat(left.filter(path -> path.getFileName().toString().startsWith("stanzaswitch-cds")))
                .as("the throwaway data directory is deleted").isEmpty();
        }
    }
}
