package org.stanzaswitch.switching;

/**
 * A XEP-0065 SOCKS5 bytestreams proxy that the transport runs beside the switch: where clients connect, and
 * the activation the router asks of it once the initiator has sent {@code <activate/>}. Called from the router
 * thread; implementations hand the work to their own threads.
 */
public interface BytestreamProxy
{
    /**
     * @return the host clients connect to, as it goes in {@code <streamhost host=''/>}.
     */
    String host();

    /**
     * @return the port clients connect to.
     */
    int port();

    /**
     * Join the two connections that asked for this destination, so bytes flow between them (§6.3.4).
     *
     * @param destination SHA-1 of session id, initiator and target JIDs, in lower-case hex (§5.3.2).
     * @return true if both ends were connected and are now joined.
     */
    boolean activate(String destination);
}
