package org.stanzaswitch.switching;

import org.agrona.DirectBuffer;
import org.agrona.ExpandableArrayBuffer;
import org.stanzaswitch.codec.Bytes;
import org.stanzaswitch.codec.ElementFlyweight;
import org.stanzaswitch.codec.Jid;
import org.stanzaswitch.codec.StanzaErrorCondition;
import org.stanzaswitch.codec.XmlEncoder;
import org.stanzaswitch.codec.XmlReader;

import java.util.List;

/**
 * XEP-0280 Message Carbons: resources that enable them get a forwarded copy of the messages their account
 * sends from other resources ({@code <sent/>}) and receives on other resources ({@code <received/>}), for
 * messages eligible by §6.1 and without {@code <private/>} (§8). Owned by the router thread.
 */
final class Carbons
{
    static final String CARBONS_NS = "urn:xmpp:carbons:2";

    private static final byte[] CARBONS_NS_BYTES = Bytes.ascii(CARBONS_NS);
    private static final byte[] FORWARD_NS = Bytes.ascii("urn:xmpp:forward:0");
    private static final byte[] CLIENT_NS = Bytes.ascii("jabber:client");
    private static final byte[] MESSAGE = Bytes.ascii("message");
    private static final byte[] FORWARDED = Bytes.ascii("forwarded");
    private static final byte[] SENT = Bytes.ascii("sent");
    private static final byte[] RECEIVED = Bytes.ascii("received");
    private static final byte[] XMLNS = Bytes.ascii("xmlns");
    private static final byte[] TO = Bytes.ascii("to");
    private static final byte[] FROM = Bytes.ascii("from");
    private static final byte[] TYPE = Bytes.ascii("type");
    private static final byte[] RESULT = Bytes.ascii("result");

    private final SessionRegistry sessions;
    private final XmlReader reader = new XmlReader();
    private final XmlEncoder xml = new XmlEncoder();
    private final ExpandableArrayBuffer out = new ExpandableArrayBuffer(4096);

    Carbons(final SessionRegistry sessions)
    {
        this.sessions = sessions;
    }

    /**
     * §4-§5: enable or disable carbons for the requesting resource.
     *
     * @return null if answered, else the error to return.
     */
    StanzaErrorCondition onIq(final SessionState requester, final ElementFlyweight iq, final boolean set)
    {
        reader.wrap(iq);
        reader.next();
        reader.next();
        final String request = reader.localName();
        if (!set || !"enable".equals(request) && !"disable".equals(request))
        {
            return StanzaErrorCondition.BAD_REQUEST;
        }
        requester.carbons = "enable".equals(request);
        final Jid jid = requester.session.jid();
        xml.wrap(out, 0).startIqReply(iq);
        requester.session.deliver(out, 0, xml.attribute(FROM, jid.bare().utf8()).attribute(TO, jid.toString())
            .attribute(TYPE, RESULT).end().length());
        return null;
    }

    /**
     * §7: copies of a message a user's resource sent, to the user's other carbons-enabled resources.
     *
     * @param sender            the sending session.
     * @param stanza            the message as sent, {@code from} stamped.
     * @param namespaceDeclared whether the message's start tag declares its namespace.
     */
    void sent(final Session sender, final ElementFlyweight stanza, final boolean namespaceDeclared)
    {
        final List<SessionState> resources = sessions.bare(sender.jid().bare());
        for (int i = 0; i < resources.size(); i++)
        {
            final SessionState resource = resources.get(i);
            if (resource.carbons && resource.session != sender)
            {
                forward(resource.session, SENT, stanza, stanza.buffer(), stanza.offset(), stanza.length(),
                    namespaceDeclared);
            }
        }
    }

    /**
     * §6: a copy of a message a user received, to each of the user's carbons-enabled resources that did not
     * get the message itself.
     *
     * @param recipient the receiving account's bare JID.
     * @param delivery  the number of this delivery: resources marked with it got the message itself.
     * @param stanza    the message as routed, for its type.
     * @param message   holding the message as the recipient got it (with its stanza-id).
     */
    void received(
        final Jid recipient,
        final long delivery,
        final ElementFlyweight stanza,
        final DirectBuffer message,
        final int offset,
        final int length,
        final boolean namespaceDeclared)
    {
        final List<SessionState> resources = sessions.bare(recipient);
        for (int i = 0; i < resources.size(); i++)
        {
            final SessionState resource = resources.get(i);
            if (resource.carbons && resource.lastDelivery != delivery)
            {
                forward(resource.session, RECEIVED, stanza, message, offset, length, namespaceDeclared);
            }
        }
    }

    private void forward(
        final Session to,
        final byte[] direction,
        final ElementFlyweight stanza,
        final DirectBuffer message,
        final int offset,
        final int length,
        final boolean namespaceDeclared)
    {
        final Jid jid = to.jid();
        xml.wrap(out, 0).start(MESSAGE).attribute(FROM, jid.bare().utf8()).attribute(TO, jid.toString());
        final int type = stanza.typeIndex();
        if (type >= 0)
        {
            // §6: the wrapper keeps the type, so that clients file the copy with the conversation.
            xml.attributeCopied(TYPE, stanza.buffer(), stanza.attributeValueOffset(type),
                stanza.attributeValueLength(type));
        }
        xml.start(direction).attribute(XMLNS, CARBONS_NS_BYTES).start(FORWARDED).attribute(XMLNS, FORWARD_NS);
        if (namespaceDeclared)
        {
            xml.raw(message, offset, length);
        }
        else
        {
            xml.rawDeclaringNamespace(message, offset, length, CLIENT_NS);
        }
        to.deliver(out, 0, xml.end().end().end().length());
    }
}
