package org.stanzaswitch.bench;

import org.agrona.DirectBuffer;
import org.stanzaswitch.codec.Jid;
import org.stanzaswitch.switching.Session;

/**
 * Takes what the switch delivers as a connection would, counting stanzas and bytes; the counts are written by
 * the router thread and readable from the benchmark thread.
 */
final class SinkSession implements Session
{
    private final Jid jid;
    private final SinkSession tally;
    private volatile long stanzas;
    private volatile long bytes;

    SinkSession(final Jid jid)
    {
        this(jid, null);
    }

    /**
     * @param tally also counts what this session takes, for waiting on a group of sessions at once; or null.
     */
    SinkSession(final Jid jid, final SinkSession tally)
    {
        this.jid = jid;
        this.tally = tally;
    }

    long stanzas()
    {
        return stanzas;
    }

    long bytes()
    {
        return bytes;
    }

    @Override
    public Jid jid()
    {
        return jid;
    }

    /** One writer, the router thread, so the increments of volatile fields are safe. */
    @Override
    public void deliver(final DirectBuffer buffer, final int offset, final int length)
    {
        bytes += length;
        stanzas++;
        if (tally != null)
        {
            tally.deliver(buffer, offset, length);
        }
    }

    @Override
    public boolean canAccept()
    {
        return true;
    }

    @Override
    public void replaced()
    {
    }
}
