package org.stanzaswitch.switching;

import org.agrona.DirectBuffer;
import org.stanzaswitch.journal.RecordHandler;
import org.stanzaswitch.switching.account.AccountCommand;
import org.stanzaswitch.switching.account.Accounts;
import org.stanzaswitch.switching.roster.RosterCommand;
import org.stanzaswitch.switching.roster.Rosters;

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

    public StateMachine(final Accounts accounts)
    {
        this.accounts = accounts;
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
                rosters.deleteOwner(AccountCommand.decodeUsername(buffer, offset));
                userData.deleteOwner(AccountCommand.decodeUsername(buffer, offset));
                blockLists.deleteOwner(AccountCommand.decodeUsername(buffer, offset));
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
}
