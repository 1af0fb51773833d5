package org.stanzaswitch.gateway.cli;

import org.stanzaswitch.gateway.ServerContext;
import org.stanzaswitch.journal.Journal;
import org.stanzaswitch.switching.StateMachine;
import org.stanzaswitch.switching.SwitchSettings;
import org.stanzaswitch.switching.account.Accounts;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

import java.nio.file.Path;
import java.util.concurrent.Callable;

/**
 * {@code stanzaswitch snapshot}: rebuild the state from the last snapshot and the state journal in this process
 * and write a new snapshot, so the next start replays only what comes after it. Safe while the server runs: the
 * journal is only read, and the snapshot replaces the old one by an atomic rename.
 */
@Command(name = "snapshot", description = "Write a state snapshot from the state journal (the server may be running).")
final class SnapshotCommand implements Callable<Integer>
{
    @Mixin
    ServerOptions options;

    @Override
    public Integer call() throws Exception
    {
        final ServerContext context = options.context();
        final Path file = SwitchSettings.snapshotFile(context.dataDir());
        final StateMachine state = new StateMachine(new Accounts());
        try (Journal journal = Journal.open(context.stateDir()))
        {
            final long started = System.nanoTime();
            final int replayed = state.recover(file, journal);
            final long records = state.snapshot(file);
            System.out.printf("%s: %s (%d journal commands after the previous snapshot, %d ms)%n", file,
                records == 0 ? "already current" : records + " records", replayed,
                (System.nanoTime() - started) / 1_000_000);
        }
        return 0;
    }
}
