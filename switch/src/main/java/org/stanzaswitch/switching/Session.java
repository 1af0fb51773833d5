package org.stanzaswitch.switching;

import org.agrona.DirectBuffer;
import org.stanzaswitch.codec.Jid;

/**
 * A bound client session as the router sees it; the gateway implements it over a connection. The hooks of
 * stream management (XEP-0198), client state (XEP-0352) and binding do nothing by default, for sessions that
 * have no such protocol (an external component, a benchmark's sink).
 */
public interface Session
{
    /**
     * @return the full address the session is bound to; a component's is its domain.
     */
    Jid jid();

    /**
     * @return true for an external component (XEP-0114): it speaks for a domain, its stanzas carry their own
     *         {@code from}, and it is sent what is addressed to that domain.
     */
    default boolean isComponent()
    {
        return false;
    }

    /**
     * @return the {@code xml:lang} attribute the session's stream declared, ready to splice into a stanza that
     *         has none (RFC 6120 §4.7.4; see {@code StanzaSplicer.languageAttribute}), or null; read on the thread
     *         that offers the session's stanzas.
     */
    default byte[] languageAttribute()
    {
        return null;
    }

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
    default void handled(final long count)
    {
    }

    /**
     * XEP-0198 §3: stream management is on; from now on what is delivered is counted and kept until the
     * client acknowledges it, and the client is told with {@code <enabled/>}. Router thread.
     *
     * @param resumptionId the id to resume the stream with, or null if it cannot be resumed.
     * @param maxSeconds   how long a dropped stream stays resumable.
     */
    default void enableStreamManagement(final String resumptionId, final int maxSeconds)
    {
    }

    /**
     * XEP-0198 §4: the client has handled this many of the stanzas delivered (its h, 32 bits): they are
     * released. Router thread.
     *
     * @return false if h counts more than was delivered.
     */
    default boolean acknowledge(final long h)
    {
        return true;
    }

    /**
     * XEP-0198 §5: this (new, authenticated, unbound) session takes over a dropped one: its address, its
     * count of the client's stanzas, and what the client had not acknowledged (h), which is sent again after
     * {@code <resumed/>}. Router thread.
     *
     * @param previous the session resumed; it is not used again.
     * @param previd   the resumption id.
     * @param h        the client's count of stanzas it handled from the previous stream.
     */
    default void resume(final Session previous, final String previd, final long h)
    {
    }

    /**
     * XEP-0198 §5: resumption is refused (unknown or expired id, another account's); the client may bind.
     */
    default void resumeFailed()
    {
    }

    /**
     * Hand over what was delivered but never acknowledged, oldest first, and forget it: the session is over
     * and these go to offline storage (XEP-0198 §5, §6). Router thread.
     */
    default void drainUnacknowledged(final UnacknowledgedHandler handler)
    {
    }

    /**
     * Show what was delivered but not yet acknowledged, oldest first, keeping it. Router thread.
     */
    default void peekUnacknowledged(final UnacknowledgedHandler handler)
    {
    }

    /** Receives a stanza the client never acknowledged. */
    @FunctionalInterface
    interface UnacknowledgedHandler
    {
        void onStanza(DirectBuffer buffer, int offset, int length);
    }

    /**
     * XEP-0352: the client says whether a user is looking at it; inactive clients may be sent less, later.
     * Router thread, in order with the stanzas around it.
     */
    default void clientActive(final boolean active)
    {
    }

    /**
     * Close the session because another one took its resource (RFC 6120 §7.7.2.2).
     */
    void replaced();

    /**
     * Close the session because its account was deleted (by the operator, or in band by the client itself, whose
     * own stream ends after the answer). Router thread. Only client sessions have accounts.
     */
    default void accountDeleted()
    {
    }

    /**
     * RFC 6120 §7.7.2.2: the router's answer to {@link StanzaSwitch#sessionOpened}. Accepted: the session is
     * bound (any session that had the resource is {@link #replaced()}). Refused: the resource is in use and the
     * policy is to keep it with the session that has it; this session stays unbound and may ask for another.
     * Router thread.
     */
    default void bindDecided(final boolean accepted)
    {
    }
}
