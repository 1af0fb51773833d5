package org.stanzaswitch.gateway;

import io.netty.buffer.ByteBuf;
import org.agrona.DirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;
import org.stanzaswitch.codec.Bytes;
import org.stanzaswitch.codec.ElementFlyweight;
import org.stanzaswitch.codec.StartTagFlyweight;

import java.nio.charset.StandardCharsets;

/**
 * The acknowledgement part of XEP-0198 stream management for one connection: {@code <enable/>},
 * the client's {@code <r/>} answered with an {@code <a h/>} that counts only what the switch has handled
 * (journaled, delivered or answered: ARCHITECTURE invariant 5), and the client's {@code <a h/>} checked against
 * a number. Counters are 32-bit and wrap (§4). Resumption, and with it the outbound queue that the client's acks
 * release, is not offered yet.
 * <p>
 * Inbound counting is on the connection's I/O thread; acknowledgements are written from the router thread
 * through the connection, never counted there.
 */
final class StreamManagement
{
    static final String NS = "urn:xmpp:sm:3";

    private static final byte[] NS_BYTES = Bytes.ascii(NS);
    private static final byte[] ENABLE = Bytes.ascii("enable");
    private static final byte[] R = Bytes.ascii("r");
    private static final byte[] A = Bytes.ascii("a");
    private static final byte[] H = Bytes.ascii("h");
    private static final UnsafeBuffer ENABLED = new UnsafeBuffer(Bytes.ascii("<enabled xmlns='urn:xmpp:sm:3'/>"));
    private static final byte[] A_START = Bytes.ascii("<a xmlns='urn:xmpp:sm:3' h='");
    private static final byte[] A_END = Bytes.ascii("'/>");
    private static final UnsafeBuffer FAILED_UNEXPECTED = new UnsafeBuffer(Bytes.ascii(
        "<failed xmlns='urn:xmpp:sm:3'><unexpected-request xmlns='urn:ietf:params:xml:ns:xmpp-stanzas'/></failed>"));

    /** What an element in the stream management namespace asks for. */
    enum Request
    {
        ENABLE, ACK_REQUEST, ACK, UNKNOWN
    }

    private boolean enabled;
    private long received;

    static boolean isStreamManagement(final ElementFlyweight element)
    {
        return element.namespaceEquals(NS_BYTES);
    }

    static Request request(final ElementFlyweight element)
    {
        if (element.localNameEquals(ENABLE))
        {
            return Request.ENABLE;
        }
        if (element.localNameEquals(R))
        {
            return Request.ACK_REQUEST;
        }
        return element.localNameEquals(A) ? Request.ACK : Request.UNKNOWN;
    }

    /**
     * @return the reply to {@code <enable/>}: enabled once, failed if asked again (§3).
     */
    DirectBuffer enable()
    {
        if (enabled)
        {
            return FAILED_UNEXPECTED;
        }
        enabled = true;
        return ENABLED;
    }

    boolean enabled()
    {
        return enabled;
    }

    /**
     * Count a stanza the client sent that the switch took.
     */
    void onReceived()
    {
        if (enabled)
        {
            received++;
        }
    }

    /**
     * @return the client's stanzas counted so far: what an {@code <r/>} now asks to be acknowledged.
     */
    long received()
    {
        return received;
    }

    /**
     * @param ack the client's {@code <a/>}.
     * @return false if its h is not a 32-bit count (§4: a stream error).
     */
    static boolean isValidAck(final ElementFlyweight ack)
    {
        final int h = ack.attributeIndex(H);
        if (h == StartTagFlyweight.MISSING || ack.attributeValueLength(h) == 0 || ack.attributeValueLength(h) > 10)
        {
            return false;
        }
        long value = 0;
        for (int i = 0; i < ack.attributeValueLength(h); i++)
        {
            final byte digit = ack.buffer().getByte(ack.attributeValueOffset(h) + i);
            if (digit < '0' || digit > '9')
            {
                return false;
            }
            value = value * 10 + digit - '0';
        }
        return value <= 0xFFFF_FFFFL;
    }

    /**
     * @param count  handled stanzas, as counted on this connection.
     * @param out    to write the {@code <a/>} into.
     */
    static void writeAck(final long count, final ByteBuf out)
    {
        out.writeBytes(A_START);
        final long h = count & 0xFFFF_FFFFL;
        out.writeCharSequence(Long.toString(h), StandardCharsets.US_ASCII);
        out.writeBytes(A_END);
    }
}
