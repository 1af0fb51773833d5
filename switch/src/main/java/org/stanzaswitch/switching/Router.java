package org.stanzaswitch.switching;

import com.lmax.disruptor.EventHandler;
import com.lmax.disruptor.TimeoutException;
import org.agrona.DirectBuffer;
import org.agrona.ExpandableArrayBuffer;
import org.agrona.concurrent.UnsafeBuffer;
import org.stanzaswitch.codec.Bytes;
import org.stanzaswitch.codec.ElementFlyweight;
import org.stanzaswitch.codec.Jid;
import org.stanzaswitch.codec.JidCache;
import org.stanzaswitch.codec.StanzaErrorCondition;
import org.stanzaswitch.codec.StanzaErrorEncoder;
import org.stanzaswitch.codec.StanzaKind;
import org.stanzaswitch.codec.StartTagFlyweight;
import org.stanzaswitch.codec.XmppNamespaces;
import org.stanzaswitch.journal.StateJournal;
import org.stanzaswitch.switching.account.Accounts;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The single writer of session and presence state: takes stanzas off the inbound ring and routes them by the
 * rules of RFC 6121 §8 to local sessions, the server's own services, or back as errors. Also applies the state
 * journal's commands, so accounts added by the CLI while the server runs take effect within one poll.
 */
public final class Router implements EventHandler<StanzaEvent>
{
    private static final UnsafeBuffer CLIENT_NS = new UnsafeBuffer(Bytes.ascii(XmppNamespaces.CLIENT));
    private static final byte[] HEADLINE = Bytes.ascii("headline");
    private static final byte[] ERROR = Bytes.ascii("error");
    private static final byte[] GROUPCHAT = Bytes.ascii("groupchat");
    private static final byte[] UNAVAILABLE = Bytes.ascii("unavailable");
    private static final byte[] GET = Bytes.ascii("get");
    private static final byte[] SET = Bytes.ascii("set");
    private static final int JOURNAL_POLL_LIMIT = 256;

    private final Jid domain;
    private final Accounts accounts;
    private final StateJournal journal;
    private final ServerServices services;
    private final ElementFlyweight stanza = new ElementFlyweight(64);
    private final JidCache jids = new JidCache(16 * 1024);
    private final StanzaErrorEncoder errorEncoder = new StanzaErrorEncoder();
    private final ExpandableArrayBuffer scratch = new ExpandableArrayBuffer(4096);
    private final ExpandableArrayBuffer decoded = new ExpandableArrayBuffer(3072);
    private final Map<Jid, List<SessionState>> sessionsByBare = new HashMap<>();
    private final Map<Jid, SessionState> sessionsByFull = new HashMap<>();

    /**
     * @param domain   the domain served.
     * @param accounts the account state this router keeps current.
     * @param journal  the state journal to apply; polled on this router's thread.
     */
    public Router(final Jid domain, final Accounts accounts, final StateJournal journal)
    {
        this.domain = domain;
        this.accounts = accounts;
        this.journal = journal;
        this.services = new ServerServices(domain);
    }

    /**
     * Apply what the journal holds; called once before the ring starts, so that startup is a full replay.
     *
     * @return commands applied.
     */
    public int replayJournal()
    {
        int total = 0;
        int applied;
        while ((applied = journal.poll(accounts, JOURNAL_POLL_LIMIT)) > 0)
        {
            total += applied;
        }
        return total;
    }

    @Override
    public void onEvent(final StanzaEvent event, final long sequence, final boolean endOfBatch)
    {
        switch (event.type)
        {
            case StanzaEvent.STANZA:
                onStanza(event.session, event.stanza, event.length);
                break;
            case StanzaEvent.SESSION_OPENED:
                onSessionOpened(event.session);
                break;
            default:
                onSessionClosed(event.session);
                break;
        }
        event.clear();
        if (endOfBatch)
        {
            journal.poll(accounts, JOURNAL_POLL_LIMIT);
        }
    }

    @Override
    public void onTimeout(final long sequence) throws TimeoutException
    {
        journal.poll(accounts, JOURNAL_POLL_LIMIT);
    }

    private void onSessionOpened(final Session session)
    {
        final Jid full = session.jid();
        final SessionState previous = sessionsByFull.get(full);
        if (previous != null)
        {
            removeSession(previous);
            previous.session.replaced();
        }
        final SessionState state = new SessionState(session);
        sessionsByFull.put(full, state);
        sessionsByBare.computeIfAbsent(full.bare(), bare -> new ArrayList<>(2)).add(state);
    }

    private void onSessionClosed(final Session session)
    {
        final SessionState state = sessionsByFull.get(session.jid());
        if (state != null && state.session == session)
        {
            removeSession(state);
            if (state.available)
            {
                broadcastUnavailable(session);
            }
        }
    }

    private void removeSession(final SessionState state)
    {
        final Jid full = state.session.jid();
        sessionsByFull.remove(full);
        final List<SessionState> list = sessionsByBare.get(full.bare());
        if (list != null)
        {
            list.remove(state);
            if (list.isEmpty())
            {
                sessionsByBare.remove(full.bare());
            }
        }
    }

    private void broadcastUnavailable(final Session session)
    {
        final int length = services.unavailablePresence(session.jid(), scratch);
        final List<SessionState> others = sessionsByBare.get(session.jid().bare());
        if (others != null)
        {
            for (final SessionState other : others)
            {
                if (other.available)
                {
                    other.session.deliver(scratch, 0, length);
                }
            }
        }
    }

    private void onStanza(final Session sender, final DirectBuffer buffer, final int length)
    {
        // The gateway lets only jabber:client stanzas onto the ring.
        stanza.wrap(buffer, 0, length, CLIENT_NS, 0, CLIENT_NS.capacity());
        final StanzaKind kind = stanza.kind();
        final int toIndex = stanza.toIndex();
        final Jid to = toIndex == StartTagFlyweight.MISSING ? null : resolve(toIndex);
        if (toIndex != StartTagFlyweight.MISSING && to == null)
        {
            bounce(sender, StanzaErrorCondition.JID_MALFORMED);
            return;
        }
        switch (kind)
        {
            case MESSAGE:
                routeMessage(sender, to, buffer, length);
                break;
            case PRESENCE:
                routePresence(sender, to, buffer, length);
                break;
            default:
                routeIq(sender, to, buffer, length);
                break;
        }
    }

    private Jid resolve(final int attributeIndex)
    {
        final int offset = stanza.attributeValueOffset(attributeIndex);
        final int length = stanza.attributeValueLength(attributeIndex);
        if (!stanza.attributeValueNeedsDecoding(attributeIndex))
        {
            return jids.lookup(stanza.buffer(), offset, length);
        }
        final int decodedLength = stanza.decodeAttributeValue(attributeIndex, decoded, 0);
        return jids.lookup(decoded, 0, decodedLength);
    }

    private void routeMessage(final Session sender, final Jid to, final DirectBuffer buffer, final int length)
    {
        final int type = stanza.typeIndex();
        if (stanza.attributeValueEquals(type, ERROR) && to == null)
        {
            return;
        }
        final Jid target = to == null ? sender.jid().bare() : to;
        if (!isLocal(target))
        {
            bounce(sender, StanzaErrorCondition.REMOTE_SERVER_NOT_FOUND);
            return;
        }
        if (target.local() == null)
        {
            // RFC 6121 §8.5.1: a message to the server itself; there is nothing here that takes one.
            bounceUnlessError(sender, type, StanzaErrorCondition.SERVICE_UNAVAILABLE);
            return;
        }
        if (!target.isBare())
        {
            final SessionState session = sessionsByFull.get(target);
            if (session != null)
            {
                session.session.deliver(buffer, 0, length);
                return;
            }
        }
        deliverToBare(sender, target.bare(), type, buffer, length);
    }

    /**
     * RFC 6121 §8.5.2: chat and normal go to the available resources of highest non-negative priority,
     * headline to all of them, groupchat and anything undeliverable bounce.
     */
    private void deliverToBare(
        final Session sender, final Jid bare, final int type, final DirectBuffer buffer, final int length)
    {
        final boolean exists = accounts.exists(bare.local());
        final List<SessionState> sessions = exists ? sessionsByBare.get(bare) : null;
        final boolean headline = stanza.attributeValueEquals(type, HEADLINE);
        int best = Integer.MIN_VALUE;
        if (sessions != null)
        {
            for (final SessionState state : sessions)
            {
                if (state.available && state.priority >= 0)
                {
                    best = Math.max(best, state.priority);
                }
            }
        }
        if (best == Integer.MIN_VALUE || stanza.attributeValueEquals(type, GROUPCHAT))
        {
            // RFC 6121 §8.5.2.2.1: no offline storage yet, so chat and normal messages are returned.
            if (!headline)
            {
                bounceUnlessError(sender, type, StanzaErrorCondition.SERVICE_UNAVAILABLE);
            }
            return;
        }
        for (final SessionState state : sessions)
        {
            if (state.available && state.priority >= 0 && (headline || state.priority == best))
            {
                state.session.deliver(buffer, 0, length);
            }
        }
    }

    private void routePresence(final Session sender, final Jid to, final DirectBuffer buffer, final int length)
    {
        if (to == null)
        {
            broadcastPresence(sender, buffer, length);
            return;
        }
        if (!isLocal(to) || to.local() == null)
        {
            return;
        }
        // RFC 6121 §4.6: directed presence to a local user's available resources.
        final List<SessionState> sessions = sessionsByBare.get(to.bare());
        if (sessions != null)
        {
            for (final SessionState state : sessions)
            {
                if (to.isBare() || state.session.jid().equals(to))
                {
                    state.session.deliver(buffer, 0, length);
                }
            }
        }
    }

    /**
     * RFC 6121 §4.2 and §4.4: broadcast presence updates the session and goes to the user's other available
     * resources; a session's first available presence is answered with theirs.
     */
    private void broadcastPresence(final Session sender, final DirectBuffer buffer, final int length)
    {
        final SessionState state = sessionsByFull.get(sender.jid());
        if (state == null)
        {
            return;
        }
        final boolean wasAvailable = state.available;
        state.available = stanza.typeIndex() == StartTagFlyweight.MISSING;
        if (state.available)
        {
            state.priority = services.priorityOf(stanza);
            state.rememberPresence(buffer, length);
        }
        else if (!stanza.attributeValueEquals(stanza.typeIndex(), UNAVAILABLE))
        {
            return;
        }
        for (final SessionState sibling : sessionsByBare.get(sender.jid().bare()))
        {
            if (sibling != state && sibling.available)
            {
                sibling.session.deliver(buffer, 0, length);
                if (state.available && !wasAvailable)
                {
                    sender.deliver(sibling.lastPresence(), 0, sibling.lastPresenceLength());
                }
            }
        }
    }

    private void routeIq(final Session sender, final Jid to, final DirectBuffer buffer, final int length)
    {
        final int type = stanza.typeIndex();
        final boolean request = stanza.attributeValueEquals(type, GET) || stanza.attributeValueEquals(type, SET);
        if (to == null || to.equals(domain) || (to.isBare() && to.equals(sender.jid().bare())))
        {
            if (request)
            {
                final int replyLength = services.handle(sender.jid(), to, stanza, scratch);
                if (replyLength > 0)
                {
                    sender.deliver(scratch, 0, replyLength);
                }
                else
                {
                    bounce(sender, StanzaErrorCondition.SERVICE_UNAVAILABLE);
                }
            }
            return;
        }
        if (!isLocal(to))
        {
            bounceUnlessResult(sender, request, StanzaErrorCondition.REMOTE_SERVER_NOT_FOUND);
            return;
        }
        final SessionState session = to.isBare() ? null : sessionsByFull.get(to);
        if (session != null)
        {
            session.session.deliver(buffer, 0, length);
            return;
        }
        // RFC 6121 §8.5.3.2.1 and §8.5.2.1.3: an IQ to an unavailable resource or another user's bare JID.
        bounceUnlessResult(sender, request, StanzaErrorCondition.SERVICE_UNAVAILABLE);
    }

    private boolean isLocal(final Jid jid)
    {
        return jid.domain().equals(domain.domain());
    }

    private void bounceUnlessError(final Session sender, final int type, final StanzaErrorCondition condition)
    {
        // RFC 6120 §8.3.1: never answer an error with an error.
        if (!stanza.attributeValueEquals(type, ERROR))
        {
            bounce(sender, condition);
        }
    }

    private void bounceUnlessResult(final Session sender, final boolean request, final StanzaErrorCondition condition)
    {
        if (request)
        {
            bounce(sender, condition);
        }
    }

    private void bounce(final Session sender, final StanzaErrorCondition condition)
    {
        final int toIndex = stanza.toIndex();
        final Jid from = toIndex == StartTagFlyweight.MISSING ? domain : resolve(toIndex);
        final int length = errorEncoder.encode(stanza, from == null ? domain : from, condition, null, scratch, 0);
        sender.deliver(scratch, 0, length);
    }
}
