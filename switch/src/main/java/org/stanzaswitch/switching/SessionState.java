package org.stanzaswitch.switching;

import org.agrona.DirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;

/**
 * What the router keeps of one bound session: whether it has sent available presence, its priority
 * (RFC 6121 §4.7.2.3) and that presence, for resources that come online later, and whether it has asked for
 * the roster, which makes it an interested resource for roster pushes (§2.1.6). Owned by the router thread.
 */
final class SessionState
{
    private static final byte[] NO_PRESENCE = new byte[0];
    static final String[] NO_INTERESTS = new String[0];

    /** The connection; a resumed stream (XEP-0198) replaces it with the new one. */
    Session session;
    /** XEP-0198: the id the stream can be resumed with, or null. */
    String resumptionId;
    /** XEP-0198: when the connection dropped, ms since the epoch, while it waits to be resumed; else -1. */
    long detachedAtMillis = -1;
    /** Its account was deleted while it lived: nothing it leaves is kept for the next account of that name. */
    boolean accountDeleted;
    boolean available;
    boolean rosterRequested;
    boolean blockListRequested;
    /** XEP-0280: the session wants copies of its account's messages. */
    boolean carbons;
    /** The number of the last message delivery that reached this session, so carbons skip it. */
    long lastDelivery;
    int priority;
    /** XEP-0115: the verification string of the capabilities the session last advertised, or null. */
    String capsVer;
    /** XEP-0163 §4.2: the PEP nodes whose notifications its capabilities ask for. */
    String[] pepInterests = NO_INTERESTS;
    /** XEP-0012 §3: the status of the unavailable presence the client sent, kept for its logout; else null. */
    String unavailableStatus;
    // Sized to the largest presence the session has sent: most send one small presence for their whole life, and a
    // fixed 256-byte room for it was 5 % of an idle connection's heap.
    private final UnsafeBuffer lastPresence = new UnsafeBuffer(NO_PRESENCE);
    private int lastPresenceLength;

    SessionState(final Session session)
    {
        this.session = session;
    }

    void rememberPresence(final DirectBuffer buffer, final int length)
    {
        if (length > lastPresence.capacity())
        {
            lastPresence.wrap(new byte[length]);
        }
        lastPresence.putBytes(0, buffer, 0, length);
        lastPresenceLength = length;
    }

    DirectBuffer lastPresence()
    {
        return lastPresence;
    }

    int lastPresenceLength()
    {
        return lastPresenceLength;
    }
}
