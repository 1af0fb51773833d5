package org.stanzaswitch.gateway;

import org.agrona.DirectBuffer;
import org.agrona.ExpandableRingBuffer;
import org.stanzaswitch.switching.Session;

/**
 * XEP-0198's outbound side for one stream: every stanza delivered since {@code <enable/>} is kept here until
 * the client's {@code h} covers it, so that a resumed stream can send it again and an abandoned one can hand
 * it to offline storage. Copies into one growable ring, no allocation per stanza. Owned by the router thread,
 * which does all delivering; it moves to the new connection when a stream is resumed.
 */
final class OutboundQueue
{
    private static final int INITIAL_BYTES = 4096;
    /** Unacknowledged stanzas after which the server asks the client for an ack (XEP-0198 §4). */
    private static final int REQUEST_EVERY = 5;

    private final ExpandableRingBuffer stanzas;
    private final int initialBytes;
    private long delivered;
    private long acknowledged;
    private boolean requested;

    /**
     * @param maxBytes the most bytes kept unacknowledged; past it, the stream must end.
     */
    OutboundQueue(final int maxBytes)
    {
        initialBytes = Math.min(INITIAL_BYTES, maxBytes);
        stanzas = new ExpandableRingBuffer(initialBytes, maxBytes, false);
    }

    /**
     * @return the bytes the queue has room for now, without growing.
     */
    int capacity()
    {
        return stanzas.capacity();
    }

    /**
     * @return false if the queue is full.
     */
    boolean add(final DirectBuffer buffer, final int offset, final int length)
    {
        delivered++;
        return stanzas.append(buffer, offset, length);
    }

    /**
     * @return stanzas delivered on this stream so far, modulo 2^32, as the client counts them.
     */
    long sendCount()
    {
        return delivered & 0xFFFF_FFFFL;
    }

    /**
     * @param h the client's count of handled stanzas, modulo 2^32.
     * @return false if it counts more than was delivered.
     */
    boolean acknowledge(final long h)
    {
        final long advance = (h - acknowledged) & 0xFFFF_FFFFL;
        if (advance > delivered - acknowledged)
        {
            return false;
        }
        stanzas.consume((buffer, offset, length, headOffset) -> true, (int)advance);
        if (stanzas.isEmpty() && stanzas.capacity() > initialBytes)
        {
            // All acknowledged after a burst: give back what the burst grew.
            stanzas.reset(initialBytes);
        }
        acknowledged += advance;
        requested = false;
        return true;
    }

    /**
     * @return true once enough is unacknowledged to ask for an ack, and none is asked for already: the caller
     * sends {@code <r/>}, which keeps what a dropped stream leaves in doubt small.
     */
    boolean ackRequestDue()
    {
        if (requested || delivered - acknowledged < REQUEST_EVERY)
        {
            return false;
        }
        requested = true;
        return true;
    }

    /**
     * @return bytes kept unacknowledged.
     */
    int bytes()
    {
        return stanzas.size();
    }

    /**
     * Visit what is unacknowledged, oldest first, keeping it.
     */
    void forEach(final Session.UnacknowledgedHandler handler)
    {
        stanzas.forEach((buffer, offset, length, headOffset) ->
        {
            handler.onStanza(buffer, offset, length);
            return true;
        }, Integer.MAX_VALUE);
    }

    /**
     * Hand over what is unacknowledged, oldest first, and forget it.
     */
    void drain(final Session.UnacknowledgedHandler handler)
    {
        stanzas.consume((buffer, offset, length, headOffset) ->
        {
            handler.onStanza(buffer, offset, length);
            return true;
        }, Integer.MAX_VALUE);
        acknowledged = delivered;
    }
}
