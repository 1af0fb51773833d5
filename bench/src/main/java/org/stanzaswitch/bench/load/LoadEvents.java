package org.stanzaswitch.bench.load;

/**
 * What simulated clients report to the scenario driving them, on their I/O thread; a scenario hears only what it
 * needs.
 */
interface LoadEvents
{
    /**
     * The client is logged in, bound and has sent its initial presence.
     */
    default void bound(final LoadConnection connection)
    {
    }

    /**
     * The client could not log in, or its stream ended while the scenario needed it.
     */
    default void failed(final LoadConnection connection, final String reason)
    {
    }

    /**
     * A load message arrived.
     *
     * @param sequence  its number in the scenario.
     * @param scheduled when it was scheduled to be sent, {@link System#nanoTime()}.
     */
    default void message(final LoadConnection connection, final long sequence, final long scheduled)
    {
    }

    /**
     * The answer to an IQ the scenario sent (a result or an error), whole, as XML.
     */
    default void iqAnswer(final LoadConnection connection, final String id, final String xml)
    {
    }

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
