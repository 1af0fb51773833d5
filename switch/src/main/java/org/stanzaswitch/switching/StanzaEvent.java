package org.stanzaswitch.switching;

import org.agrona.ExpandableArrayBuffer;

/**
 * A slot of the inbound ring: a stanza from a session (already stamped with its {@code from}), a session
 * opening or closing, a session asking what has been handled of what it sent (XEP-0198), or a connection
 * event for the event journal, already encoded. Slots are preallocated and reused; a slot's buffer grows for a
 * stanza larger than it and keeps up to {@link #RETAINED_BYTES}: beyond that the room goes back once the stanza
 * is routed, or every slot would end up holding the largest stanza it has seen (8,192 slots of a 256 KB limit are
 * 2 GB, twice the default heap; a client sending large stanzas would fill it).
 */
public final class StanzaEvent
{
    public static final int STANZA = 1;
    public static final int SESSION_OPENED = 2;
    public static final int SESSION_CLOSED = 3;
    public static final int ACK_REQUEST = 4;
    public static final int CONNECTION_EVENT = 5;
    public static final int SM_ENABLE = 6;
    public static final int SM_ACK = 7;
    public static final int SM_RESUME = 8;
    public static final int SESSION_DETACHED = 9;
    public static final int CLIENT_STATE = 10;
    public static final int ANSWER = 11;

    static final int INITIAL_BYTES = 512;
    /** Most stanzas fit (chat, presence with caps, roster pushes); a larger one costs an array of its own size. */
    static final int RETAINED_BYTES = 2048;

    int type;
    Session session;
    ExpandableArrayBuffer stanza = new ExpandableArrayBuffer(INITIAL_BYTES);
    int length;
    long handledCount;
    /** For an {@link #ANSWER}: what the router runs once it has delivered it, or null. */
    Runnable afterAnswer;

    void clear()
    {
        session = null;
        afterAnswer = null;
        length = 0;
        if (stanza.capacity() > RETAINED_BYTES)
        {
            stanza = new ExpandableArrayBuffer(INITIAL_BYTES);
        }
    }
}
