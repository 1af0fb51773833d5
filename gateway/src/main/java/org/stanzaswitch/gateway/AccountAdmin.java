package org.stanzaswitch.gateway;

import org.agrona.ExpandableArrayBuffer;
import org.stanzaswitch.codec.Jid;
import org.stanzaswitch.gateway.sasl.PlainServer;
import org.stanzaswitch.journal.Journal;
import org.stanzaswitch.journal.Snapshot;
import org.stanzaswitch.switching.SwitchSettings;
import org.stanzaswitch.switching.account.AccountCommand;
import org.stanzaswitch.switching.account.Accounts;
import org.stanzaswitch.switching.account.ScramCredentials;

import java.security.SecureRandom;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Account administration for the CLI: reads the state journal to know the accounts, and appends commands
 * to it. Works whether or not the server runs, since Chronicle Queue takes appenders from several processes
 * and the server's router applies what the journal gains within one poll.
 */
public final class AccountAdmin implements AutoCloseable
{
    private final ServerContext context;
    private final Journal journal;
    private final Accounts accounts = new Accounts();
    private final ExpandableArrayBuffer record = new ExpandableArrayBuffer(256);
    private final SecureRandom random = new SecureRandom();

    /**
     * @param context concluded settings naming the data directory and domain.
     */
    public AccountAdmin(final ServerContext context)
    {
        this.context = context;
        this.journal = Journal.open(context.stateDir());
        Snapshot.restore(SwitchSettings.snapshotFile(context.dataDir()), journal, accounts);
        journal.drain(accounts);
    }

    /**
     * @param address a bare JID of the served domain, or a bare username.
     * @return the canonical username.
     * @throws IllegalArgumentException if it is not an address of this domain.
     */
    public String username(final String address)
    {
        final Jid jid = Jid.of(address.contains("@") ? address : address + "@" + context.domain());
        if (jid.local() == null || !jid.isBare() || !jid.domain().equals(context.domainJid().domain()))
        {
            throw new IllegalArgumentException(address + " is not a user of " + context.domain());
        }
        return jid.local();
    }

    public synchronized boolean exists(final String username)
    {
        return accounts.exists(username);
    }

    public Set<String> usernames()
    {
        return accounts.usernames();
    }

    /**
     * Create the account or change its password.
     */
    public synchronized void setPassword(final String username, final String password)
    {
        append(username, derive(password));
    }

    /**
     * Create or update many accounts; the key derivation, which is most of the cost, runs on all cores.
     *
     * @param passwords by canonical username.
     */
    public synchronized void setPasswords(final Map<String, String> passwords)
    {
        final List<Map.Entry<String, ScramCredentials>> derived = passwords.entrySet().parallelStream()
            .map(entry -> Map.entry(entry.getKey(), derive(entry.getValue())))
            .collect(Collectors.toList());
        for (final Map.Entry<String, ScramCredentials> entry : derived)
        {
            append(entry.getKey(), entry.getValue());
        }
    }

    public synchronized void delete(final String username)
    {
        journal.handOver();
        journal.append(record, 0, AccountCommand.encodeDelete(record, username));
    }

    /**
     * Derive the SCRAM keys of a password: milliseconds of PBKDF2, so servers call it off their I/O threads.
     */
    public ScramCredentials derive(final String password)
    {
        if (password.isEmpty())
        {
            throw new IllegalArgumentException("empty password");
        }
        return ScramCredentials.derive(PlainServer.preparedPassword(password), context.scramIterations(), random);
    }

    /**
     * Create the account or change its password, with keys already derived.
     */
    public synchronized void setCredentials(final String username, final ScramCredentials credentials)
    {
        append(username, credentials);
    }

    private void append(final String username, final ScramCredentials credentials)
    {
        // The server's I/O threads take turns (in-band registration); the journal is owned by the caller.
        journal.handOver();
        journal.append(record, 0, AccountCommand.encodeSetPassword(record, username, credentials));
    }

    @Override
    public void close()
    {
        journal.close();
    }
}
