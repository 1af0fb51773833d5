package org.stanzaswitch.switching;

import org.agrona.DirectBuffer;
import org.stanzaswitch.journal.Journal;

/**
 * The router's way to change durable state: append the command to the state journal, then apply the journal
 * up to and including it, so that nothing is acknowledged before it is both on the journal and in memory, and
 * commands from other processes (the CLI) keep their journal order. Owned by the router thread.
 */
final class StateWriter
{
    private final Journal journal;
    private final StateMachine state;

    StateWriter(final Journal journal, final StateMachine state)
    {
        this.journal = journal;
        this.state = state;
    }

    void write(final DirectBuffer command, final int length)
    {
        journal.append(command, 0, length);
        journal.drain(state);
    }

    StateMachine state()
    {
        return state;
    }
}
