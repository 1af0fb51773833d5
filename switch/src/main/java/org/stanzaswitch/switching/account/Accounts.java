package org.stanzaswitch.switching.account;

import org.agrona.DirectBuffer;
import org.agrona.ExpandableArrayBuffer;
import org.stanzaswitch.journal.Snapshot;
import org.stanzaswitch.journal.RecordHandler;

import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The accounts of one domain, rebuilt from the state journal (ARCHITECTURE invariant 4). Only the thread that
 * polls the journal applies commands; the credentials are immutable and the map concurrent, so SASL on the I/O
 * threads reads them without locks.
 */
public final class Accounts implements RecordHandler
{
    private final ConcurrentHashMap<String, ScramCredentials> byUsername = new ConcurrentHashMap<>();

    @Override
    public void onRecord(final long index, final DirectBuffer buffer, final int offset, final int length)
    {
        final byte type = buffer.getByte(offset);
        if (type == AccountCommand.SET_PASSWORD)
        {
            byUsername.put(AccountCommand.username(buffer, offset), AccountCommand.credentials(buffer, offset));
        }
        else if (type == AccountCommand.DELETE)
        {
            byUsername.remove(AccountCommand.username(buffer, offset));
        }
    }

    /**
     * Write each account as the command that creates it.
     */
    public void snapshot(final ExpandableArrayBuffer scratch, final Snapshot.Writer out)
    {
        byUsername.forEach((username, credentials) ->
            out.append(scratch, 0, AccountCommand.encodeSetPassword(scratch, username, credentials)));
    }

    /**
     * @param username a canonical localpart.
     * @return the account's credentials, or null if there is no such account.
     */
    public ScramCredentials credentials(final String username)
    {
        return byUsername.get(username);
    }

    public boolean exists(final String username)
    {
        return byUsername.containsKey(username);
    }

    /**
     * @return the usernames, sorted.
     */
    public Set<String> usernames()
    {
        return new TreeSet<>(byUsername.keySet());
    }
}
