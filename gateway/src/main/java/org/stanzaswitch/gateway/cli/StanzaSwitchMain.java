package org.stanzaswitch.gateway.cli;

import org.stanzaswitch.gateway.AccountAdmin;
import org.stanzaswitch.gateway.ServerContext;
import org.stanzaswitch.gateway.StanzaSwitchServer;
import org.stanzaswitch.switching.DataDirectoryInUseException;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.BufferedReader;
import java.io.Console;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * {@code bin/stanzaswitch}: start and stop the server, administer accounts, and read its journals.
 */
@Command(name = "stanzaswitch", mixinStandardHelpOptions = true, subcommands = {
    StanzaSwitchMain.Start.class, StanzaSwitchMain.Stop.class, StanzaSwitchMain.Status.class,
    StanzaSwitchMain.AddUser.class, StanzaSwitchMain.Passwd.class, StanzaSwitchMain.DelUser.class,
    StanzaSwitchMain.Users.class, JournalCommand.class, SnapshotCommand.class, CdsTrainingCommand.class})
public final class StanzaSwitchMain
{
    private static final String PID_FILE = "stanzaswitch.pid";
    // Held so that the level set on it is not lost to garbage collection.
    private static final Logger CHRONICLE_LOG = Logger.getLogger("net.openhft");

    private StanzaSwitchMain()
    {
    }

    public static void main(final String[] args)
    {
        System.setProperty("java.util.logging.SimpleFormatter.format", "%1$tFT%1$tT.%1$tLZ %4$s %3$s: %5$s%6$s%n");
        CHRONICLE_LOG.setLevel(Level.WARNING);
        System.exit(new CommandLine(new StanzaSwitchMain())
            .setExecutionExceptionHandler(StanzaSwitchMain::reportBadInput)
            .execute(args));
    }

    /**
     * A bad setting, address or file, or a data directory another server holds, is the operator's to fix: one
     * line naming it, not a stack trace.
     */
    private static int reportBadInput(
        final Exception ex, final CommandLine command, final CommandLine.ParseResult parseResult) throws Exception
    {
        if (ex instanceof IllegalArgumentException || ex instanceof IOException ||
            ex instanceof DataDirectoryInUseException)
        {
            command.getErr().println("stanzaswitch " + command.getCommandName() + ": " + ex.getMessage());
            return 2;
        }
        throw ex;
    }

    @Command(name = "start", description = "Run the server in the foreground until SIGTERM.")
    static final class Start implements Callable<Integer>
    {
        @Mixin
        ServerOptions options;

        @Override
        public Integer call() throws Exception
        {
            final ServerContext context = options.context();
            final CountDownLatch stopped = new CountDownLatch(1);
            final StanzaSwitchServer server = StanzaSwitchServer.launch(context);
            final Path pidFile = context.dataDir().resolve(PID_FILE);
            Runtime.getRuntime().addShutdownHook(new Thread(() ->
            {
                // SIGTERM: stop listening, let the router drain, close the journal, then let main return.
                server.close();
                stopped.countDown();
            }, "stanzaswitch-shutdown"));
            Files.writeString(pidFile, Long.toString(ProcessHandle.current().pid()));
            System.out.printf("Stanza Switch serves %s on %s:%d (STARTTLS)%s.%n" +
                "Add a user:  bin/stanzaswitch adduser alice@%s%s%n", context.domain(), context.bindAddress(),
                server.c2sPort(), server.directTlsPort() < 0 ? "" : " and :" + server.directTlsPort() + " (direct TLS)",
                context.domain(), dataOption(context));
            stopped.await();
            Files.deleteIfExists(pidFile);
            return 0;
        }

        private static String dataOption(final ServerContext context)
        {
            return context.dataDir().equals(Path.of("data").toAbsolutePath()) ? "" : " --data " + context.dataDir();
        }
    }

    @Command(name = "stop", description = "Stop the server that uses the data directory, gracefully.")
    static final class Stop implements Callable<Integer>
    {
        @Mixin
        ServerOptions options;

        @Override
        public Integer call() throws Exception
        {
            final Optional<ProcessHandle> process = running(options.context());
            if (process.isEmpty())
            {
                System.out.println("not running");
                return 1;
            }
            process.get().destroy();
            process.get().onExit().get(30, TimeUnit.SECONDS);
            System.out.println("stopped");
            return 0;
        }
    }

    @Command(name = "status", description = "Say whether the server that uses the data directory runs.")
    static final class Status implements Callable<Integer>
    {
        @Mixin
        ServerOptions options;

        @Override
        public Integer call() throws Exception
        {
            final Optional<ProcessHandle> process = running(options.context());
            System.out.println(process.map(p -> "running, pid " + p.pid()).orElse("not running"));
            return process.isPresent() ? 0 : 3;
        }
    }

    static Optional<ProcessHandle> running(final ServerContext context) throws IOException
    {
        final Path pidFile = context.dataDir().resolve(PID_FILE);
        if (!Files.exists(pidFile))
        {
            return Optional.empty();
        }
        return ProcessHandle.of(Long.parseLong(Files.readString(pidFile).trim())).filter(ProcessHandle::isAlive);
    }

    @Command(name = "adduser", description = "Create accounts: one JID, or many from a file of 'jid password' lines.")
    static final class AddUser implements Callable<Integer>
    {
        @Mixin
        ServerOptions options;

        @Parameters(arity = "0..1", description = "the account, user@domain")
        String jid;

        @Option(names = "--password-file", description = "read the password from this file's first line")
        Path passwordFile;

        @Option(names = "--from-file", description = "create one account per line: jid password")
        Path fromFile;

        @Override
        public Integer call() throws Exception
        {
            try (AccountAdmin admin = new AccountAdmin(options.context()))
            {
                if (fromFile != null)
                {
                    final Map<String, String> passwords = new LinkedHashMap<>();
                    final List<String> lines = Files.readAllLines(fromFile, StandardCharsets.UTF_8);
                    for (final String line : lines)
                    {
                        final String trimmed = line.trim();
                        final int space = trimmed.indexOf(' ');
                        if (!trimmed.isEmpty() && !trimmed.startsWith("#"))
                        {
                            if (space < 0)
                            {
                                throw new IllegalArgumentException("no password on line: " + trimmed);
                            }
                            passwords.put(admin.username(trimmed.substring(0, space)),
                                trimmed.substring(space + 1).trim());
                        }
                    }
                    admin.setPasswords(passwords);
                    System.out.println("set " + passwords.size() + " accounts");
                    return 0;
                }
                if (jid == null)
                {
                    throw new IllegalArgumentException("name a JID or --from-file");
                }
                final String username = admin.username(jid);
                if (admin.exists(username))
                {
                    System.err.println(jid + " exists; use passwd");
                    return 1;
                }
                admin.setPassword(username, readPassword(passwordFile));
                System.out.println("added " + username + "@" + options.context().domain());
                return 0;
            }
        }
    }

    @Command(name = "passwd", description = "Change an account's password.")
    static final class Passwd implements Callable<Integer>
    {
        @Mixin
        ServerOptions options;

        @Parameters(description = "the account, user@domain")
        String jid;

        @Option(names = "--password-file", description = "read the password from this file's first line")
        Path passwordFile;

        @Override
        public Integer call() throws Exception
        {
            return withExistingAccount(options, jid, (admin, username) ->
                admin.setPassword(username, readPassword(passwordFile)));
        }
    }

    @Command(name = "deluser", description = "Delete an account.")
    static final class DelUser implements Callable<Integer>
    {
        @Mixin
        ServerOptions options;

        @Parameters(description = "the account, user@domain")
        String jid;

        @Override
        public Integer call() throws Exception
        {
            return withExistingAccount(options, jid, AccountAdmin::delete);
        }
    }

    @Command(name = "users", description = "List the accounts.")
    static final class Users implements Callable<Integer>
    {
        @Mixin
        ServerOptions options;

        @Override
        public Integer call() throws Exception
        {
            final ServerContext context = options.context();
            try (AccountAdmin admin = new AccountAdmin(context))
            {
                admin.usernames().forEach(name -> System.out.println(name + "@" + context.domain()));
                return 0;
            }
        }
    }

    /**
     * An account change that needs the account to exist.
     */
    @FunctionalInterface
    interface AccountChange
    {
        void apply(AccountAdmin admin, String username) throws IOException;
    }

    static int withExistingAccount(final ServerOptions options, final String jid, final AccountChange change)
        throws IOException
    {
        try (AccountAdmin admin = new AccountAdmin(options.context()))
        {
            final String username = admin.username(jid);
            if (!admin.exists(username))
            {
                System.err.println("no account " + jid);
                return 1;
            }
            change.apply(admin, username);
            return 0;
        }
    }

    static String readPassword(final Path file) throws IOException
    {
        if (file != null)
        {
            return Files.readAllLines(file, StandardCharsets.UTF_8).get(0);
        }
        final Console console = System.console();
        if (console != null)
        {
            return new String(console.readPassword("password: "));
        }
        final String line = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8)).readLine();
        if (line == null)
        {
            throw new IllegalArgumentException("no password on standard input");
        }
        return line;
    }
}
