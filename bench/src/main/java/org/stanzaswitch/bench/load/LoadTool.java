package org.stanzaswitch.bench.load;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * The end-to-end load generator: speaks real XMPP to any server and measures it from the outside.
 * {@code java -jar bench/target/loadtool.jar --help}.
 */
@Command(name = "loadtool", mixinStandardHelpOptions = true,
    description = "Load any XMPP server with real clients and measure latency, throughput, CPU and memory.",
    subcommands = {
        ChatCommand.class, SaturateCommand.class, PresenceCommand.class, ConnectionsCommand.class, PlotCommand.class,
        TableCommand.class, UploadCommand.class, JournalCommand.class, WakeupCommand.class})
public final class LoadTool
{
    private LoadTool()
    {
    }

    public static void main(final String[] args)
    {
        System.exit(new CommandLine(new LoadTool()).execute(args));
    }
}
