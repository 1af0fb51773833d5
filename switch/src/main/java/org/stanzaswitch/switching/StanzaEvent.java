package org.stanzaswitch.switching;

import org.agrona.ExpandableArrayBuffer;

/**
 * A slot of the inbound ring: a stanza from a session (already stamped with its {@code from}), a session
 * opening or closing, a session asking what has been handled of what it sent (XEP-0198), or a connection
 * event for the event journal, already encoded. Slots are preallocated and reused; the stanza buffer grows to the
 * largest stanza seen.
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

    int type;
    Session session;
    final ExpandableArrayBuffer stanza = new ExpandableArrayBuffer(512);
    int length;
    long handledCount;

    void clear()
    {
        session = null;
        length = 0;
    }
}
