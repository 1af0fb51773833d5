package org.stanzaswitch.codec;

import org.agrona.DirectBuffer;

/**
 * Namespace names of RFC 6120 and RFC 6121 that the codec checks, as ASCII bytes for comparison in place.
 */
public final class XmppNamespaces
{
    public static final String STREAMS = "http://etherx.jabber.org/streams";
    public static final String CLIENT = "jabber:client";
    public static final String SERVER = "jabber:server";
    public static final String STREAM_ERRORS = "urn:ietf:params:xml:ns:xmpp-streams";
    public static final String STANZA_ERRORS = "urn:ietf:params:xml:ns:xmpp-stanzas";
    public static final String XML = "http://www.w3.org/XML/1998/namespace";

    static final byte[] STREAMS_BYTES = Bytes.ascii(STREAMS);
    static final byte[] CLIENT_BYTES = Bytes.ascii(CLIENT);
    static final byte[] SERVER_BYTES = Bytes.ascii(SERVER);

    private XmppNamespaces()
    {
    }

    /**
     * @param buffer holding a namespace name.
     * @param offset of the name.
     * @param length of the name.
     * @return true for {@code jabber:client} or {@code jabber:server}, the namespaces of stanzas.
     */
    public static boolean isStanzaNamespace(final DirectBuffer buffer, final int offset, final int length)
    {
        return Bytes.equals(buffer, offset, length, CLIENT_BYTES) ||
            Bytes.equals(buffer, offset, length, SERVER_BYTES);
    }
}
