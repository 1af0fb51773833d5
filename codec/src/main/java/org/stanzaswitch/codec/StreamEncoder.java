package org.stanzaswitch.codec;

import org.agrona.MutableDirectBuffer;

/**
 * Writes what a server sends at stream level (RFC 6120 §4): the response stream header, stream errors and
 * the stream close. Not thread safe: one per writing thread.
 */
public final class StreamEncoder
{
    private static final byte[] XML_DECLARATION = Bytes.ascii("<?xml version='1.0'?>");
    private static final byte[] STREAM = Bytes.ascii("stream:stream");
    private static final byte[] STREAM_ERROR = Bytes.ascii("stream:error");
    private static final byte[] STREAM_CLOSE = Bytes.ascii("</stream:stream>");
    private static final byte[] TEXT = Bytes.ascii("text");
    private static final byte[] XMLNS = Bytes.ascii("xmlns");
    private static final byte[] XMLNS_STREAM = Bytes.ascii("xmlns:stream");
    private static final byte[] STREAMS_NS = Bytes.ascii(XmppNamespaces.STREAMS);
    private static final byte[] STREAM_ERRORS_NS = Bytes.ascii(XmppNamespaces.STREAM_ERRORS);
    private static final byte[] ID = Bytes.ascii("id");
    private static final byte[] FROM = Bytes.ascii("from");
    private static final byte[] TO = Bytes.ascii("to");
    private static final byte[] VERSION = Bytes.ascii("version");
    private static final byte[] VERSION_1_0 = Bytes.ascii("1.0");
    private static final byte[] XML_LANG = Bytes.ascii("xml:lang");

    private final XmlEncoder encoder = new XmlEncoder();

    /**
     * The response stream header of RFC 6120 §4.7, with the XML declaration.
     *
     * @param buffer           to write into.
     * @param offset           where to write.
     * @param contentNamespace {@code jabber:client} or {@code jabber:server}, as bytes.
     * @param id               the stream id, unpredictable (RFC 6120 §4.7.3).
     * @param from             the domain the server speaks for.
     * @param to               the initiating entity's address, or null to leave it out.
     * @param lang             the default language.
     * @return bytes written.
     */
    public int header(
        final MutableDirectBuffer buffer,
        final int offset,
        final byte[] contentNamespace,
        final CharSequence id,
        final CharSequence from,
        final CharSequence to,
        final CharSequence lang)
    {
        buffer.putBytes(offset, XML_DECLARATION);
        encoder.wrap(buffer, offset + XML_DECLARATION.length)
            .start(STREAM)
            .attribute(XMLNS, contentNamespace)
            .attribute(XMLNS_STREAM, STREAMS_NS)
            .attribute(ID, id)
            .attribute(FROM, from);
        if (to != null)
        {
            encoder.attribute(TO, to);
        }
        encoder.attribute(VERSION, VERSION_1_0).attribute(XML_LANG, lang).endStartTagOnly();
        return XML_DECLARATION.length + encoder.length();
    }

    /**
     * A stream error (RFC 6120 §4.9.2) followed by the close of the stream.
     *
     * @param buffer    to write into.
     * @param offset    where to write.
     * @param condition the defined condition.
     * @param text      descriptive text, or null.
     * @return bytes written.
     */
    public int error(
        final MutableDirectBuffer buffer, final int offset, final StreamErrorCondition condition,
        final CharSequence text)
    {
        encoder.wrap(buffer, offset)
            .start(STREAM_ERROR)
            .start(condition.elementNameBytes()).attribute(XMLNS, STREAM_ERRORS_NS).end();
        if (text != null)
        {
            encoder.start(TEXT).attribute(XMLNS, STREAM_ERRORS_NS).text(text).end();
        }
        encoder.end();
        final int length = encoder.length();
        buffer.putBytes(offset + length, STREAM_CLOSE);
        return length + STREAM_CLOSE.length;
    }

    /**
     * @param buffer to write into.
     * @param offset where to write.
     * @return bytes written: the closing tag of the stream (RFC 6120 §4.4).
     */
    public int close(final MutableDirectBuffer buffer, final int offset)
    {
        buffer.putBytes(offset, STREAM_CLOSE);
        return STREAM_CLOSE.length;
    }
}
