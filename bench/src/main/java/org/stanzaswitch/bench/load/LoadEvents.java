package org.stanzaswitch.bench.load;

/**
 * What simulated clients report to the scenario driving them, on their I/O thread.
 */
interface LoadEvents
{
    /**
     * The client is logged in, bound and has sent its initial presence.
     */
    void bound(LoadConnection connection);

    /**
     * The client could not log in, or its stream ended while the scenario needed it.
     */
    void failed(LoadConnection connection, String reason);

    /**
     * A load message arrived.
     *
     * @param sequence  its number in the scenario.
     * @param scheduled when it was scheduled to be sent, {@link System#nanoTime()}.
     */
    void message(LoadConnection connection, long sequence, long scheduled);

    /**
     * A stanza of type error arrived: a bounce of something the client sent.
     */
    void stanzaError(LoadConnection connection);

    /**
     * A load presence update from a contact arrived.
     *
     * @param sequence  the update's number in the scenario.
     * @param scheduled when it was scheduled to be sent, {@link System#nanoTime()}.
     */
    default void presence(final LoadConnection connection, final long sequence, final long scheduled)
    {
    }
}
