package org.stanzaswitch.gateway.sasl;

/**
 * The server side of one SASL mechanism for one authentication attempt. Not thread safe: owned by the
 * connection's I/O thread.
 */
public interface SaslMechanismServer
{
    /**
     * @param response the client's initial response or response, decoded from base64; empty if none was sent.
     * @return what to send next.
     */
    SaslStep evaluate(byte[] response);

    /**
     * @return true if {@link #evaluate} derives a key from a password (thousands of hash rounds): it then runs
     *         off the I/O thread, so that one login does not stall every other connection on that thread.
     */
    default boolean derivesKeys()
    {
        return false;
    }
}
