package org.stanzaswitch.gateway;

import java.lang.management.ManagementFactory;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Another JVM on this test's class path and with its module flags (the ones Agrona and Chronicle need): a
 * second process for the tests that a second process is the point of.
 */
final class ChildJvm
{
    private ChildJvm()
    {
    }

    static ProcessBuilder java(final List<String> jvmOptions, final Class<?> mainClass, final String... args)
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
        command.addAll(jvmOptions);
        command.addAll(List.of("-cp", System.getProperty("java.class.path"), mainClass.getName()));
        command.addAll(List.of(args));
        return new ProcessBuilder(command);
    }
}
