package org.stanzaswitch.bench;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.File;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Issue 7, start time: what {@code bin/stanzaswitch} does once per build works. A JVM running the server from
 * jars (as the launcher does; here the modules' jars from this build) writes a dynamic class data sharing archive
 * while {@code cds-training} starts and stops a server, and another JVM starts with that archive required
 * ({@code -Xshare:on} fails the start if the archive cannot be used).
 */
@Timeout(180)
class ClassDataSharingTest
{
    private static final String MAIN = "org.stanzaswitch.gateway.cli.StanzaSwitchMain";

    private static Process java(final Path temp, final List<String> options, final String... args) throws Exception
    {
        final List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        for (final String argument : ManagementFactory.getRuntimeMXBean().getInputArguments())
        {
            if (argument.startsWith("--add-") || argument.startsWith("-Dchronicle") || argument.startsWith("--enable"))
            {
                command.add(argument);
            }
        }
        command.add("-Djava.io.tmpdir=" + temp);
        command.addAll(options);
        // Jars only: the JVM archives no classes from directories (this module's own classes are not needed).
        final String jars = Arrays.stream(System.getProperty("java.class.path").split(File.pathSeparator))
            .filter(entry -> entry.endsWith(".jar")).collect(Collectors.joining(File.pathSeparator));
        command.addAll(List.of("-cp", jars, MAIN));
        command.addAll(List.of(args));
        return new ProcessBuilder(command).redirectErrorStream(true).start();
    }

    private static String finish(final Process process) throws Exception
    {
        // Read first: a full pipe would stop the child before it exits (the test's @Timeout bounds both).
        final String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.waitFor(90, TimeUnit.SECONDS)).isTrue();
        assertThat(process.exitValue()).as(output).isZero();
        return output;
    }

    @Test
    @DisplayName("cds-training under -XX:ArchiveClassesAtExit writes an archive a later JVM maps with -Xshare:on")
    void shouldWriteAnArchiveThatALaterStartUses(@TempDir final Path directory) throws Exception
    {
        // A dynamic archive extends the JDK's own (its packages ship it); a JDK without one cannot write ours.
        assumeTrue(Files.exists(Path.of(System.getProperty("java.home"), "lib", "server", "classes.jsa")),
            "this JDK has no base class data sharing archive");
        final Path archive = directory.resolve("stanzaswitch.jsa");
        final Path temp = Files.createDirectory(directory.resolve("tmp"));
        final String training = finish(java(temp, List.of("-XX:ArchiveClassesAtExit=" + archive, "-Xlog:cds=off",
            "-Xlog:cds+dynamic=off"), "cds-training"));
        assertThat(training).contains("offered a client its stream features");
        assertThat(archive).isNotEmptyFile();

        final String help = finish(java(temp, List.of("-XX:SharedArchiveFile=" + archive, "-Xshare:on",
            "-Xlog:class+load=info"), "--help"));
        assertThat(help).contains("org.stanzaswitch.gateway.cli.StanzaSwitchMain source: shared objects file");
    }
}
