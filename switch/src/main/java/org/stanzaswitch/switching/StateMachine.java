package org.stanzaswitch.switching;

import org.agrona.DirectBuffer;
import org.agrona.ExpandableArrayBuffer;
import org.stanzaswitch.journal.Journal;
import org.stanzaswitch.journal.RecordHandler;
import org.stanzaswitch.journal.Snapshot;
import org.stanzaswitch.switching.account.AccountCommand;
import org.stanzaswitch.switching.account.Accounts;
import org.stanzaswitch.switching.roster.RosterCommand;
import org.stanzaswitch.switching.roster.Rosters;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.function.Consumer;
import java.util.logging.Logger;

/**
 * The deterministic state machine of ARCHITECTURE invariant 4: applies each command of the state journal, in
 * journal order, to the state it concerns. The same commands give the same state on every replay.
 * <p>
 * A snapshot writes the state as the commands that rebuild it (one per account, roster item, stored piece of
 * XML, blocked address, preference set, last logout, push registration), tagged with the last journal index
 * applied; recovery applies the snapshot and replays the journal after that index.
 */
public final class StateMachine implements RecordHandler
{
    private static final Logger LOG = Logger.getLogger(StateMachine.class.getName());

    private final Accounts accounts;
    private final Rosters rosters = new Rosters();
    private final UserData userData = new UserData();
    private final BlockLists blockLists = new BlockLists();
    private final ArchivePreferences archivePreferences = new ArchivePreferences(rosters);
    private final LastActivity lastActivity = new LastActivity();
    private final PushRegistrations pushRegistrations = new PushRegistrations();
    private Consumer<String> accountDeleted = username -> { };
    private long appliedIndex = Snapshot.NONE;
    private long sinceSnapshot;

    public StateMachine(final Accounts accounts)
    {
        this.accounts = accounts;
    }

    /**
     * @param listener told of each account deletion applied from now on, replayed ones included: the stores
     *                 outside the state journal then drop the account's messages.
     */
    void onAccountDeleted(final Consumer<String> listener)
    {
        accountDeleted = listener;
    }

    /**
     * Rebuild the state from the snapshot, if there is one, and the journal's commands after it.
     *
     * @param snapshot where the snapshot lives.
     * @param journal  the state journal, positioned at its start; afterwards positioned at its end.
     * @return the journal commands replayed after the snapshot.
     */
    public int recover(final Path snapshot, final Journal journal)
    {
        appliedIndex = Snapshot.restore(snapshot, journal, this);
        if (appliedIndex == Snapshot.NONE && Files.exists(snapshot))
        {
            LOG.warning(() -> snapshot + " fails its check (torn or damaged); rebuilding from the whole journal");
        }
        sinceSnapshot = 0;
        return journal.drain(this);
    }

    /**
     * Write the state as of the last command applied, if any command was applied since the last snapshot.
     *
     * @param file where the snapshot lives; the previous one is replaced only once this one is whole.
     * @return the records written, 0 if there was nothing new to write.
     */
    public long snapshot(final Path file)
    {
        if (sinceSnapshot == 0 || appliedIndex == Snapshot.NONE)
        {
            return 0;
        }
        final ExpandableArrayBuffer scratch = new ExpandableArrayBuffer(1024);
        try (Snapshot.Writer out = Snapshot.write(file, appliedIndex))
        {
            accounts.snapshot(scratch, out);
            rosters.snapshot(scratch, out);
            userData.snapshot(scratch, out);
            blockLists.snapshot(scratch, out);
            archivePreferences.snapshot(scratch, out);
            lastActivity.snapshot(scratch, out);
            pushRegistrations.snapshot(scratch, out);
            out.commit();
            sinceSnapshot = 0;
            return out.records();
        }
    }

    /**
     * @return the journal commands applied since the last snapshot was written or read.
     */
    public long commandsSinceSnapshot()
    {
        return sinceSnapshot;
    }

    @Override
    public void onRecord(final long index, final DirectBuffer buffer, final int offset, final int length)
    {
        if (index >= 0)
        {
            appliedIndex = index;
            sinceSnapshot++;
        }
        final byte type = buffer.getByte(offset);
        switch (type)
        {
            case AccountCommand.SET_PASSWORD:
                accounts.onRecord(index, buffer, offset, length);
                break;
            case AccountCommand.DELETE:
                accounts.onRecord(index, buffer, offset, length);
                deleteOwner(AccountCommand.decodeUsername(buffer, offset));
                break;
            case ArchivePreferences.ARCHIVE_PREFERENCES:
                archivePreferences.apply(buffer, offset);
                break;
            case BlockLists.BLOCK_LIST:
                blockLists.apply(buffer, offset);
                break;
            case UserDataCommand.SET_USER_DATA:
                UserDataCommand.apply(buffer, offset, userData);
                break;
            case PushRegistrations.PUSH:
                pushRegistrations.apply(buffer, offset);
                break;
            case LastActivity.LAST_ACTIVITY:
                lastActivity.apply(buffer, offset);
                break;
            case RosterCommand.SET_ITEM:
            case RosterCommand.REMOVE_ITEM:
                rosters.apply(buffer, offset);
                break;
            default:
                throw new IllegalStateException("unknown state command type " + type + " at index " + index);
        }
    }

    private void deleteOwner(final String username)
    {
        rosters.deleteOwner(username);
        userData.deleteOwner(username);
        blockLists.deleteOwner(username);
        archivePreferences.deleteOwner(username);
        lastActivity.deleteOwner(username);
        pushRegistrations.deleteOwner(username);
        accountDeleted.accept(username);
    }

    public Accounts accounts()
    {
        return accounts;
    }

    public Rosters rosters()
    {
        return rosters;
    }

    UserData userData()
    {
        return userData;
    }

    BlockLists blockLists()
    {
        return blockLists;
    }

    ArchivePreferences archivePreferences()
    {
        return archivePreferences;
    }

    LastActivity lastActivity()
    {
        return lastActivity;
    }

    PushRegistrations pushRegistrations()
    {
        return pushRegistrations;
    }
}
