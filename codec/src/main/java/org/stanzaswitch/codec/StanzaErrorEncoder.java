package org.stanzaswitch.codec;

import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;

/**
 * Writes the error reply to a stanza (RFC 6120 §8.3): same element and id, {@code to} and {@code from}
 * swapped, {@code type='error'}, and an {@code <error/>} child with the defined condition. The original
 * payload is not echoed (§8.3.1 makes that optional), which keeps a reply no larger than a few hundred bytes.
 * Not thread safe.
 */
public final class StanzaErrorEncoder
{
    private static final byte[] ERROR = Bytes.ascii("error");
    private static final byte[] TYPE = Bytes.ascii("type");
    private static final byte[] ID = Bytes.ascii("id");
    private static final byte[] FROM = Bytes.ascii("from");
    private static final byte[] TO = Bytes.ascii("to");
    private static final byte[] TEXT = Bytes.ascii("text");
    private static final byte[] XMLNS = Bytes.ascii("xmlns");
    private static final byte[] STANZAS_NS = Bytes.ascii(XmppNamespaces.STANZA_ERRORS);

    private final XmlEncoder encoder = new XmlEncoder();
    private final byte[][] elementNames = {Bytes.ascii("message"), Bytes.ascii("presence"), Bytes.ascii("iq")};

    /**
     * @param stanza    the stanza that failed; must be a message, presence or iq.
     * @param from      the address the reply comes from: the failed stanza's {@code to}, or the server's
     *                  domain when it had none.
     * @param condition the defined condition.
     * @param text      descriptive text, or null.
     * @param buffer    to write into.
     * @param offset    where to write.
     * @return bytes written.
     */
    public int encode(
        final ElementFlyweight stanza,
        final Jid from,
        final StanzaErrorCondition condition,
        final CharSequence text,
        final MutableDirectBuffer buffer,
        final int offset)
    {
        return encode(stanza, from, condition, text, null, buffer, offset);
    }

    /**
     * As {@link #encode(ElementFlyweight, Jid, StanzaErrorCondition, CharSequence, MutableDirectBuffer, int)},
     * with an application-specific condition (RFC 6120 §8.3.3.1 allows one), such as XEP-0191's
     * {@code <blocked/>}.
     *
     * @param applicationCondition the element's XML, or null.
     */
    public int encode(
        final ElementFlyweight stanza,
        final Jid from,
        final StanzaErrorCondition condition,
        final CharSequence text,
        final DirectBuffer applicationCondition,
        final MutableDirectBuffer buffer,
        final int offset)
    {
        encoder.wrap(buffer, offset).start(elementNames[stanza.kind().ordinal()]);
        copyAttribute(stanza, stanza.idIndex(), ID);
        encoder.attribute(FROM, from.toString());
        copyAttribute(stanza, stanza.fromIndex(), TO);
        encoder.attribute(TYPE, ERROR)
            .start(ERROR).attribute(TYPE, condition.defaultType().valueBytes())
            .start(condition.elementNameBytes()).attribute(XMLNS, STANZAS_NS).end();
        if (text != null)
        {
            encoder.start(TEXT).attribute(XMLNS, STANZAS_NS).text(text).end();
        }
        if (applicationCondition != null)
        {
            encoder.raw(applicationCondition, 0, applicationCondition.capacity());
        }
        return encoder.end().end().length();
    }

    private void copyAttribute(final ElementFlyweight stanza, final int index, final byte[] name)
    {
        if (index != StartTagFlyweight.MISSING)
        {
            encoder.attributeCopied(name, stanza.buffer(), stanza.attributeValueOffset(index),
                stanza.attributeValueLength(index));
        }
    }
}
