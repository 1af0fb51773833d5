package org.stanzaswitch.gateway;

import io.netty.buffer.ByteBuf;
import org.agrona.DirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;
import org.stanzaswitch.codec.Bytes;
import org.stanzaswitch.codec.ElementFlyweight;
import org.stanzaswitch.codec.StartTagFlyweight;

import java.nio.charset.StandardCharsets;

/**
 * The inbound side of XEP-0198 stream management for one connection: the count of the client's stanzas that
 * an {@code <r/>} is answered with (through the switch, so that {@code <a h/>} counts only what it has handled:
 * journaled, delivered or answered, ARCHITECTURE invariant 5), and the parsing of the elements. Counters are
 * 32-bit on the wire and wrap (§4). The outbound side is {@link OutboundQueue}, on the router thread.
 * <p>
 * Inbound counting is on the connection's I/O thread; acknowledgements are written from the router thread
 * through the connection, never counted there.
 */
final class StreamManagement
{
    static final String NS = "urn:xmpp:sm:3";

    private static final byte[] NS_BYTES = Bytes.ascii(NS);
    private static final byte[] ENABLE = Bytes.ascii("enable");
    private static final byte[] RESUME = Bytes.ascii("resume");
    private static final byte[] PREVID = Bytes.ascii("previd");
    private static final byte[] TRUE = Bytes.ascii("true");
    private static final byte[] ONE = Bytes.ascii("1");
    private static final byte[] R = Bytes.ascii("r");
    private static final byte[] A = Bytes.ascii("a");
    private static final byte[] H = Bytes.ascii("h");
    private static final byte[] A_START = Bytes.ascii("<a xmlns='urn:xmpp:sm:3' h='");
    private static final byte[] A_END = Bytes.ascii("'/>");
    private static final UnsafeBuffer FAILED_UNEXPECTED = new UnsafeBuffer(Bytes.ascii(
        "<failed xmlns='urn:xmpp:sm:3'><unexpected-request xmlns='urn:ietf:params:xml:ns:xmpp-stanzas'/></failed>"));

    /** What an element in the stream management namespace asks for. */
    enum Request
    {
        ENABLE, ACK_REQUEST, ACK, RESUME, UNKNOWN
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
        if (element.localNameEquals(RESUME))
        {
            return Request.RESUME;
        }
        return element.localNameEquals(A) ? Request.ACK : Request.UNKNOWN;
    }

    /**
     * Start counting the client's stanzas (§3); the switch answers with {@code <enabled/>}.
     *
     * @return false if it was on already: the answer is {@link #unexpected()}.
     */
    boolean enable()
    {
        if (enabled)
        {
            return false;
        }
        enabled = true;
        return true;
    }

    /**
     * @return {@code <failed/>} for a request out of place (§3).
     */
    static DirectBuffer unexpected()
    {
        return FAILED_UNEXPECTED;
    }

    /**
     * @param enable the client's {@code <enable/>}.
     * @return true if it asks for a resumable stream (§5: 'true' or '1').
     */
    static boolean asksResume(final ElementFlyweight enable)
    {
        final int resume = enable.attributeIndex(RESUME);
        return resume != StartTagFlyweight.MISSING &&
            (enable.attributeValueEquals(resume, TRUE) || enable.attributeValueEquals(resume, ONE));
    }

    /**
     * @return the resumption id a {@code <resume/>} names, or null.
     */
    static String previd(final ElementFlyweight resume)
    {
        final int previd = resume.attributeIndex(PREVID);
        return previd == StartTagFlyweight.MISSING ? null : resume.buffer().getStringWithoutLengthUtf8(
            resume.attributeValueOffset(previd), resume.attributeValueLength(previd));
    }

    /**
     * Go on counting from where a resumed stream left off (§5: sequence numbers carry over).
     */
    void resumeFrom(final long count)
    {
        enabled = true;
        received = count;
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
     * @param element an {@code <a/>} or {@code <resume/>}.
     * @return its h, or -1 if it is not a 32-bit count (§4: a stream error).
     */
    static long h(final ElementFlyweight element)
    {
        final int h = element.attributeIndex(H);
        if (h == StartTagFlyweight.MISSING || element.attributeValueLength(h) == 0 ||
            element.attributeValueLength(h) > 10)
        {
            return -1;
        }
        long value = 0;
        for (int i = 0; i < element.attributeValueLength(h); i++)
        {
            final byte digit = element.buffer().getByte(element.attributeValueOffset(h) + i);
            if (digit < '0' || digit > '9')
            {
                return -1;
            }
            value = value * 10 + digit - '0';
        }
        return value <= 0xFFFF_FFFFL ? value : -1;
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
