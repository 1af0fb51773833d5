package org.stanzaswitch.switching;

import org.agrona.DirectBuffer;
import org.agrona.ExpandableArrayBuffer;
import org.stanzaswitch.codec.Bytes;
import org.stanzaswitch.codec.ChildElements;
import org.stanzaswitch.codec.ElementFlyweight;
import org.stanzaswitch.codec.Jid;
import org.stanzaswitch.codec.JidCache;
import org.stanzaswitch.codec.StanzaErrorCondition;
import org.stanzaswitch.codec.StanzaSplicer;
import org.stanzaswitch.codec.StartTagFlyweight;
import org.stanzaswitch.codec.XmlEncoder;
import org.stanzaswitch.codec.XmppTime;
import org.stanzaswitch.journal.MessageRecord;
import org.stanzaswitch.switching.account.Accounts;
import org.stanzaswitch.switching.archive.ArchivePolicy;
import org.stanzaswitch.switching.archive.MessageArchive;
import org.stanzaswitch.switching.archive.StanzaIds;
import org.stanzaswitch.switching.offline.OfflineStore;

import java.util.List;

/**
 * A message's way to a local user (RFC 6121 §8.5): archived for sender and recipient where XEP-0313 and their
 * preferences say so, marked with its archive id (XEP-0359) for the recipient, then delivered to the
 * addressed or the most available resources, or kept offline (XEP-0160, with a XEP-0203 delay stamp). Each
 * journal write happens before the message goes out or is acknowledged (ARCHITECTURE invariant 5).
 * Owned by the router thread.
 */
final class MessageDelivery
{
    private static final byte[] HEADLINE = Bytes.ascii("headline");
    private static final byte[] ERROR = Bytes.ascii("error");
    private static final byte[] GROUPCHAT = Bytes.ascii("groupchat");
    private static final byte[] BODY = Bytes.ascii("body");
    private static final byte[] CLIENT_NS = Bytes.ascii("jabber:client");
    private static final byte[] HINTS_NS = Bytes.ascii("urn:xmpp:hints");
    private static final byte[] NO_STORE = Bytes.ascii("no-store");
    private static final byte[] NO_PERMANENT_STORE = Bytes.ascii("no-permanent-store");
    private static final byte[] STORE = Bytes.ascii("store");
    private static final byte[] CHAT_STATES_NS = Bytes.ascii("http://jabber.org/protocol/chatstates");
    private static final byte[] XMLNS = Bytes.ascii("xmlns");
    private static final byte[] STANZA_ID = Bytes.ascii("stanza-id");
    private static final byte[] SID_NS = Bytes.ascii("urn:xmpp:sid:0");
    private static final byte[] BY = Bytes.ascii("by");
    private static final byte[] ID = Bytes.ascii("id");
    private static final byte[] DELAY = Bytes.ascii("delay");
    private static final byte[] DELAY_NS = Bytes.ascii("urn:xmpp:delay");
    private static final byte[] FROM = Bytes.ascii("from");
    private static final byte[] STAMP = Bytes.ascii("stamp");
    private static final byte[] CHAT = Bytes.ascii("chat");
    private static final byte[] PRIVATE = Bytes.ascii("private");
    private static final byte[] AMP = Bytes.ascii("amp");
    private static final byte[] AMP_NS = Bytes.ascii(Amp.NS);
    private static final byte[] CARBONS_NS = Bytes.ascii(Carbons.CARBONS_NS);
    private static final byte[] RECEIPTS_NS = Bytes.ascii("urn:xmpp:receipts");
    private static final byte[] MARKERS_NS = Bytes.ascii("urn:xmpp:chat-markers:0");

    private final Jid domain;
    private final Accounts accounts;
    private final SessionRegistry sessions;
    private final MessageArchive archive;
    private final ArchivePolicy policy;
    private final StanzaIds ids;
    private final OfflineStore offline;
    private final Carbons carbons;
    private final Amp amp;
    private final PushNotifications push;
    private final ChildElements children = new ChildElements();
    private final JidCache jids = new JidCache(1024);
    private final XmlEncoder xml = new XmlEncoder();
    private final ExpandableArrayBuffer child = new ExpandableArrayBuffer(256);
    private final ExpandableArrayBuffer copy = new ExpandableArrayBuffer(4096);
    private final ExpandableArrayBuffer value = new ExpandableArrayBuffer(64);
    private final ExpandableArrayBuffer stripped = new ExpandableArrayBuffer(1024);
    private boolean hasBody;
    private boolean storeHint;
    private boolean noStoreHint;
    private boolean onlyChatStates;
    private boolean privateHint;
    private boolean ampRules;
    /** Whether the message being delivered reached a connected stream, not only ones waiting to be resumed. */
    private boolean reachedConnected;
    private boolean instantMessagingPayload;
    private long deliveries;
    private int lastSpliceLength;
    private int forgedStanzaIdOffset;
    private int forgedStanzaIdLength;

    MessageDelivery(
        final Jid domain,
        final Accounts accounts,
        final SessionRegistry sessions,
        final MessageArchive archive,
        final ArchivePolicy policy,
        final StanzaIds ids,
        final OfflineStore offline,
        final Carbons carbons,
        final PushNotifications push,
        final Amp amp)
    {
        this.push = push;
        this.amp = amp;
        this.carbons = carbons;
        this.domain = domain;
        this.accounts = accounts;
        this.sessions = sessions;
        this.archive = archive;
        this.policy = policy;
        this.ids = ids;
        this.offline = offline;
    }

    /**
     * @param sender the sending session.
     * @param target the addressee, a local account's bare or full JID.
     * @param stanza the message, stamped with its sender.
     * @return null if delivered, kept or dropped as the rules say; else the error to return to the sender.
     */
    StanzaErrorCondition deliver(final Session sender, final Jid target, final ElementFlyweight stanza)
    {
        final int type = stanza.typeIndex();
        final boolean error = stanza.attributeValueEquals(type, ERROR);
        if (!accounts.exists(target.local()))
        {
            // RFC 6121 §8.5.1: no such user.
            return error ? null : StanzaErrorCondition.SERVICE_UNAVAILABLE;
        }
        final boolean headline = stanza.attributeValueEquals(type, HEADLINE);
        final boolean groupchat = stanza.attributeValueEquals(type, GROUPCHAT);
        final boolean conversation = !error && !headline && !groupchat;
        if (conversation)
        {
            scanPayload(stanza, target.bare());
            while (forgedStanzaIdLength > 0)
            {
                stripForgedStanzaId(stanza);
                scanPayload(stanza, target.bare());
            }
        }
        final Jid to = target.bare();
        // Where it goes is decided before anything is done with it: XEP-0079 rules may stop it first.
        final boolean behindBacklog = conversation && !onlyChatStates && offline.isDelivering(to);
        final SessionState addressed = behindBacklog || target.isBare() ? null : sessions.full(target);
        final List<SessionState> resources = sessions.bare(to);
        final int best = addressed != null || behindBacklog ? Integer.MIN_VALUE : highestPriority(resources);
        final boolean direct = addressed != null || best != Integer.MIN_VALUE && !groupchat;
        if (conversation && ampRules)
        {
            final String disposition = direct ? Amp.DIRECT :
                behindBacklog || conversation && !onlyChatStates && !noStoreHint ? Amp.STORED : Amp.NONE;
            final String reached =
                addressed != null ? target.resource() : direct ? bestResource(resources, best) : null;
            if (amp.apply(sender, target, stanza, disposition, reached) == Amp.DONE)
            {
                return null;
            }
        }
        final long received = System.currentTimeMillis();
        final Jid from = sender.jid().bare();
        final boolean namespaceDeclared = stanza.attributeIndex(XMLNS) != StartTagFlyweight.MISSING;
        final int flags = conversation ? archiveFlags(from, to, namespaceDeclared) : 0;
        final long uid = flags == 0 ? -1 :
            archive.archive(from, to, flags, stanza.buffer(), stanza.offset(), stanza.length(), received);
        // XEP-0280 §6.1: chat, normal with a body, or instant-messaging payloads; never <private/>.
        final boolean carbonCopied = conversation && !privateHint &&
            (stanza.attributeValueEquals(type, CHAT) || hasBody || instantMessagingPayload);
        if (carbonCopied)
        {
            carbons.sent(sender, stanza, namespaceDeclared);
        }
        int childLength = 0;
        if ((flags & MessageRecord.FLAG_RECIPIENT_ARCHIVE) != 0)
        {
            // XEP-0313 §3: the recipient learns where the message is archived; the sender's copy stays as sent.
            childLength = stanzaId(to, uid, xml.wrap(child, 0)).length();
        }

        if (behindBacklog)
        {
            // The user's backlog is still going out: a new message waits behind it, so order holds.
            return keepOffline(sender, stanza, from, to, received, childLength);
        }
        final long delivery = ++deliveries;
        reachedConnected = false;
        if (addressed != null)
        {
            send(addressed, delivery, sender, stanza, childLength);
        }
        else if (best != Integer.MIN_VALUE && !groupchat)
        {
            // RFC 6121 §8.5.2.1: chat and normal to the most available resources, headline to all of them.
            // Indexed loops on the message path: an iterator per message is garbage per message.
            for (int i = 0; i < resources.size(); i++)
            {
                final SessionState resource = resources.get(i);
                if (resource.available && resource.priority >= 0 && (headline || resource.priority == best))
                {
                    send(resource, delivery, sender, stanza, childLength);
                }
            }
        }
        if (direct)
        {
            if (!reachedConnected && hasBody)
            {
                // XEP-0357 §7: every stream it went to waits to be resumed; the user's phone may be asleep.
                push.messageWaiting(to, sender.jid());
            }
            if (carbonCopied)
            {
                carbonsReceived(to, delivery, stanza, childLength, namespaceDeclared);
            }
            return null;
        }
        if (!conversation)
        {
            // RFC 6121 §8.5.2.2: headlines and errors vanish, groupchat bounces.
            return groupchat ? StanzaErrorCondition.SERVICE_UNAVAILABLE : null;
        }
        if (onlyChatStates)
        {
            // XEP-0160 §4: a chat state alone is not worth keeping, nor an error.
            return null;
        }
        if (noStoreHint)
        {
            return StanzaErrorCondition.SERVICE_UNAVAILABLE;
        }
        return keepOffline(sender, stanza, from, to, received, childLength);
    }

    /**
     * XEP-0313 §7.1.1: conversation messages with a body are archived, unless a XEP-0334 hint says otherwise, for
     * each party whose XEP-0441 preferences keep it.
     *
     * @return {@link MessageRecord} flags saying whose archives keep the message; 0 for none.
     */
    private int archiveFlags(final Jid from, final Jid to, final boolean namespaceDeclared)
    {
        if (!(hasBody || storeHint) || noStoreHint)
        {
            return 0;
        }
        final int flags = (policy.archives(from, to) ? MessageRecord.FLAG_SENDER_ARCHIVE : 0) |
            (policy.archives(to, from) ? MessageRecord.FLAG_RECIPIENT_ARCHIVE : 0);
        return flags == 0 || !namespaceDeclared ? flags : flags | MessageRecord.FLAG_NAMESPACE_DECLARED;
    }

    /**
     * The recipient's other resources see what their account received, as the recipient got it.
     */
    private void carbonsReceived(
        final Jid to, final long delivery, final ElementFlyweight stanza, final int childLength,
        final boolean namespaceDeclared)
    {
        final DirectBuffer delivered = childLength == 0 ? stanza.buffer() : copy;
        final int offset = childLength == 0 ? stanza.offset() : 0;
        final int length = childLength == 0 ? stanza.length() : lastSpliceLength;
        carbons.received(to, delivery, stanza, delivered, offset, length, namespaceDeclared);
    }

    private StanzaErrorCondition keepOffline(
        final Session sender,
        final ElementFlyweight stanza,
        final Jid from,
        final Jid to,
        final long received,
        final int stanzaIdLength)
    {
        final int childLength = stanzaIdLength + writeDelay(stanzaIdLength, received);
        final int length = splice(sender, stanza, childLength);
        if (!offline.store(from, to, copy, 0, length, received))
        {
            return StanzaErrorCondition.SERVICE_UNAVAILABLE;
        }
        if (hasBody)
        {
            // XEP-0357 §7: the user is offline; their registered devices hear of it.
            push.messageWaiting(to, sender.jid());
        }
        return null;
    }

    /**
     * XEP-0198 §5: a message the user's client never acknowledged, from a stream that ended, is kept for them
     * like any message to an offline user (chat and normal, not a lone chat state). It is already archived and
     * carries its sender's address, so it is only stamped and stored.
     *
     * @param owner   the user it was delivered to.
     * @param message the message as it was delivered.
     */
    void returnToOffline(final Jid owner, final ElementFlyweight message)
    {
        final int type = message.typeIndex();
        if (message.attributeValueEquals(type, ERROR) || message.attributeValueEquals(type, HEADLINE) ||
            message.attributeValueEquals(type, GROUPCHAT) || message.fromIndex() == StartTagFlyweight.MISSING)
        {
            return;
        }
        scanPayload(message, owner);
        if (onlyChatStates || noStoreHint)
        {
            return;
        }
        final int from = message.fromIndex();
        final int senderLength = message.decodeAttributeValue(from, value, 0);
        final Jid sender = jids.lookup(value, 0, senderLength);
        if (sender == null)
        {
            return;
        }
        final long received = System.currentTimeMillis();
        final int childLength = writeDelay(0, received);
        copy.checkLimit(StanzaSplicer.maxLength(message, sender.utf8()) + childLength + message.nameLength() + 3);
        final int length = StanzaSplicer.splice(message, sender.utf8(), child, 0, childLength, copy, 0);
        offline.store(sender.bare(), owner, copy, 0, length, received);
    }

    /**
     * XEP-0203 §3, XEP-0160 §3: the stamp of a message kept offline, written into the child buffer.
     *
     * @return bytes written at the offset.
     */
    private int writeDelay(final int offset, final long received)
    {
        xml.wrap(child, offset).start(DELAY).attribute(XMLNS, DELAY_NS).attribute(FROM, domain.utf8());
        final int stampLength = XmppTime.write(received, value, 0);
        return xml.attribute(STAMP, value, 0, stampLength).text("Offline Storage").end().length();
    }

    /**
     * @return the resource a message to the bare JID reaches first: one of those with the highest priority.
     */
    private static String bestResource(final List<SessionState> resources, final int best)
    {
        for (int i = 0; i < resources.size(); i++)
        {
            final SessionState resource = resources.get(i);
            if (resource.available && resource.priority == best)
            {
                return resource.session.jid().resource();
            }
        }
        return null;
    }

    /**
     * A session became available with non-negative priority: it gets what was kept for its user.
     */
    void onAvailable(final SessionState session)
    {
        if (session.priority >= 0)
        {
            offline.deliver(session.session);
        }
    }

    private XmlEncoder stanzaId(final Jid owner, final long uid, final XmlEncoder encoder)
    {
        final int idLength = ids.write(uid, value, 0);
        return encoder.start(STANZA_ID).attribute(XMLNS, SID_NS).attribute(BY, owner.utf8())
            .attribute(ID, value, 0, idLength).end();
    }

    private void send(
        final SessionState to, final long delivery, final Session sender, final ElementFlyweight stanza,
        final int childLength)
    {
        to.lastDelivery = delivery;
        reachedConnected |= to.detachedAtMillis < 0;
        if (childLength == 0)
        {
            to.session.deliver(stanza.buffer(), stanza.offset(), stanza.length());
            return;
        }
        to.session.deliver(copy, 0, splice(sender, stanza, childLength));
    }

    private int splice(final Session sender, final ElementFlyweight stanza, final int childLength)
    {
        final byte[] from = sender.jid().utf8();
        copy.checkLimit(StanzaSplicer.maxLength(stanza, from) + childLength + stanza.nameLength() + 3);
        lastSpliceLength = StanzaSplicer.splice(stanza, from, child, 0, childLength, copy, 0);
        return lastSpliceLength;
    }

    private static int highestPriority(final List<SessionState> resources)
    {
        int best = Integer.MIN_VALUE;
        for (int i = 0; i < resources.size(); i++)
        {
            final SessionState resource = resources.get(i);
            if (resource.available && resource.priority >= 0)
            {
                best = Math.max(best, resource.priority);
            }
        }
        return best;
    }

    /**
     * XEP-0359 §5: a {@code <stanza-id/>} claiming to be from the recipient's archive did not come from it;
     * it goes before the server adds its own. Rare, so the stanza is rewritten into a scratch buffer.
     */
    private void stripForgedStanzaId(final ElementFlyweight stanza)
    {
        final DirectBuffer source = stanza.buffer();
        final int start = stanza.offset();
        final int before = forgedStanzaIdOffset - start;
        final int after = start + stanza.length() - (forgedStanzaIdOffset + forgedStanzaIdLength);
        stripped.putBytes(0, source, start, before);
        stripped.putBytes(before, source, forgedStanzaIdOffset + forgedStanzaIdLength, after);
        stanza.wrap(stripped, 0, before + after, stanza.namespaceBuffer(), stanza.namespaceOffset(),
            stanza.namespaceLength());
    }

    private void scanPayload(final ElementFlyweight stanza, final Jid recipient)
    {
        forgedStanzaIdLength = 0;
        privateHint = false;
        ampRules = false;
        instantMessagingPayload = false;
        hasBody = false;
        storeHint = false;
        noStoreHint = false;
        boolean chatState = false;
        boolean other = false;
        children.wrap(stanza);
        while (children.next())
        {
            if (children.is(BODY, CLIENT_NS))
            {
                hasBody = true;
            }
            else if (children.is(NO_STORE, HINTS_NS) || children.is(NO_PERMANENT_STORE, HINTS_NS))
            {
                // XEP-0334 hints say how to treat the rest of the payload; they are not payload themselves.
                noStoreHint = true;
                continue;
            }
            else if (children.is(STORE, HINTS_NS))
            {
                storeHint = true;
                continue;
            }
            else if (children.is(STANZA_ID, SID_NS) && isBy(recipient))
            {
                forgedStanzaIdOffset = children.childOffset();
                forgedStanzaIdLength = children.childLength();
                continue;
            }
            else if (children.is(PRIVATE, CARBONS_NS))
            {
                privateHint = true;
                continue;
            }
            else if (children.is(AMP, AMP_NS))
            {
                ampRules = true;
                continue;
            }
            else if (isChatState())
            {
                chatState = true;
                instantMessagingPayload = true;
                continue;
            }
            else if (declaresNamespace(RECEIPTS_NS) || declaresNamespace(MARKERS_NS))
            {
                instantMessagingPayload = true;
            }
            other = true;
        }
        onlyChatStates = chatState && !other;
    }

    private boolean isBy(final Jid recipient)
    {
        final StartTagFlyweight tag = children.tag();
        final int by = tag.attributeIndex(BY);
        return by != StartTagFlyweight.MISSING &&
            Bytes.equals(tag.buffer(), tag.attributeValueOffset(by), tag.attributeValueLength(by), recipient.utf8());
    }

    private boolean isChatState()
    {
        return declaresNamespace(CHAT_STATES_NS);
    }

    private boolean declaresNamespace(final byte[] namespace)
    {
        final StartTagFlyweight tag = children.tag();
        for (int a = 0; a < tag.attributeCount(); a++)
        {
            if (Bytes.equals(tag.buffer(), tag.attributeValueOffset(a), tag.attributeValueLength(a), namespace))
            {
                return true;
            }
        }
        return false;
    }
}
