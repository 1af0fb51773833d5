package org.stanzaswitch.switching;

import org.agrona.DirectBuffer;
import org.stanzaswitch.codec.Jid;

/**
 * A bound client session as the router sees it; the gateway implements it over a connection.
 */
public interface Session
{
    /**
     * @return the full address the session is bound to.
     */
    Jid jid();

    /**
     * Send bytes of XML to the client; copies them, so the caller may reuse its buffer. Called by the router
     * thread; must not block.
     *
     * @param buffer holding the XML.
     * @param offset of the XML.
     * @param length of the XML.
     */
    void deliver(DirectBuffer buffer, int offset, int length);

    /**
     * @return true if the session's outbound buffers have room: bulk senders (the offline store) wait
     * otherwise. Any thread.
     */
    boolean canAccept();

    /**
     * The router has handled this many of the stanzas the session counted for it: each is on a journal,
     * delivered to its recipient's connection, or answered (ARCHITECTURE invariant 5). Called by the router
     * thread; must not block.
     *
     * @param count the session's count at its request, as given to {@link StanzaSwitch#requestAck}.
     */
    void handled(long count);

    /**
     * Close the session because another one took its resource (RFC 6120 §7.7.2.2).
     */
    void replaced();
}
