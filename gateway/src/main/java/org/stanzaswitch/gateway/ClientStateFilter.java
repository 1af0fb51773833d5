package org.stanzaswitch.gateway;

import org.agrona.DirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;
import org.stanzaswitch.codec.Bytes;
import org.stanzaswitch.codec.ChildElements;
import org.stanzaswitch.codec.ElementFlyweight;
import org.stanzaswitch.codec.StanzaKind;
import org.stanzaswitch.codec.XmppNamespaces;
import org.stanzaswitch.switching.Session;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * XEP-0352 Client State Indication for one stream: while the client says it is inactive (a phone in a pocket),
 * presence is held back and only the latest from each address is kept, and messages that carry no body (chat
 * states, receipts, markers) wait too, up to a bound; anything else is urgent and takes everything held out
 * with it, in order, as does the client's {@code <active/>}. Owned by the router thread, which does all
 * delivering; copies only while inactive.
 */
final class ClientStateFilter
{
    private static final UnsafeBuffer CLIENT_NS = new UnsafeBuffer(Bytes.ascii(XmppNamespaces.CLIENT));
    private static final byte[] BODY = Bytes.ascii("body");
    private static final byte[] CLIENT_NS_BYTES = Bytes.ascii(XmppNamespaces.CLIENT);
    private static final int MAX_HELD_MESSAGES = 100;

    private final ElementFlyweight stanza = new ElementFlyweight(32);
    private final ChildElements children = new ChildElements();
    private final Map<String, byte[]> latestPresence = new LinkedHashMap<>();
    private final List<byte[]> heldMessages = new ArrayList<>();
    private final UnsafeBuffer view = new UnsafeBuffer(0, 0);
    private boolean inactive;

    void inactive(final boolean value)
    {
        inactive = value;
    }

    boolean isInactive()
    {
        return inactive;
    }

    /**
     * @return true if the stanza is held back; false if it is to go now, after whatever {@link #flush} gives.
     */
    boolean hold(final DirectBuffer buffer, final int offset, final int length)
    {
        if (!inactive)
        {
            return false;
        }
        stanza.wrap(buffer, offset, length, CLIENT_NS, 0, CLIENT_NS.capacity());
        if (stanza.kind() == StanzaKind.PRESENCE)
        {
            final int from = stanza.fromIndex();
            final String key = from < 0 ? "" :
                buffer.getStringWithoutLengthUtf8(stanza.attributeValueOffset(from), stanza.attributeValueLength(from));
            latestPresence.remove(key);
            latestPresence.put(key, copy(buffer, offset, length));
            return true;
        }
        if (stanza.kind() == StanzaKind.MESSAGE && !hasBody() && heldMessages.size() < MAX_HELD_MESSAGES)
        {
            heldMessages.add(copy(buffer, offset, length));
            return true;
        }
        return false;
    }

    private boolean hasBody()
    {
        children.wrap(stanza);
        while (children.next())
        {
            if (children.is(BODY, CLIENT_NS_BYTES))
            {
                return true;
            }
        }
        return false;
    }

    /**
     * Give what is held, presence first (the latest of each address), then the messages in order, and forget it.
     */
    void flush(final Session.UnacknowledgedHandler to)
    {
        if (latestPresence.isEmpty() && heldMessages.isEmpty())
        {
            return;
        }
        for (final byte[] presence : latestPresence.values())
        {
            view.wrap(presence);
            to.onStanza(view, 0, presence.length);
        }
        for (final byte[] message : heldMessages)
        {
            view.wrap(message);
            to.onStanza(view, 0, message.length);
        }
        latestPresence.clear();
        heldMessages.clear();
    }

    private static byte[] copy(final DirectBuffer buffer, final int offset, final int length)
    {
        final byte[] bytes = new byte[length];
        buffer.getBytes(offset, bytes);
        return bytes;
    }
}
