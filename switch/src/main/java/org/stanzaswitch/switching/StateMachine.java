package org.stanzaswitch.switching;

import org.agrona.DirectBuffer;
import org.stanzaswitch.journal.RecordHandler;
import org.stanzaswitch.switching.account.AccountCommand;
import org.stanzaswitch.switching.account.Accounts;
import org.stanzaswitch.switching.roster.RosterCommand;
import org.stanzaswitch.switching.roster.Rosters;

import java.util.function.Consumer;

/**
 * The deterministic state machine of ARCHITECTURE invariant 4: applies each command of the state journal, in
 * journal order, to the state it concerns. The same commands give the same state on every replay.
 */
public final class StateMachine implements RecordHandler
{
    private final Accounts accounts;
    private final Rosters rosters = new Rosters();
    private final UserData userData = new UserData();
    private final BlockLists blockLists = new BlockLists();
    private final ArchivePreferences archivePreferences = new ArchivePreferences(rosters);
    private Consumer<String> accountDeleted = username -> { };

    public StateMachine(final Accounts accounts)
    {
        this.accounts = accounts;
    }

    /**
     * @param listener told of each account deletion applied from now on (not those of a replay): the stores
     *                 outside the state journal then drop the account's messages.
     */
    void onAccountDeleted(final Consumer<String> listener)
    {
        accountDeleted = listener;
    }

    @Override
    public void onRecord(final long index, final DirectBuffer buffer, final int offset, final int length)
    {
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
}
