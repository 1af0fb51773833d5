package org.stanzaswitch.switching;

import org.agrona.DirectBuffer;
import org.agrona.ExpandableArrayBuffer;
import org.stanzaswitch.codec.Bytes;
import org.stanzaswitch.codec.Jid;
import org.stanzaswitch.codec.XmlEncoder;
import org.stanzaswitch.switching.account.Accounts;
import org.stanzaswitch.switching.roster.RosterItem;
import org.stanzaswitch.switching.roster.Subscription;

import java.util.List;

/**
 * Presence subscriptions (RFC 6121 §3) between local users, with pre-approval (§3.4), and presence broadcast
 * to contacts (§4): an available presence goes to the contacts subscribed to the user, a first one also
 * fetches the presence of the contacts the user is subscribed to and the subscription requests that wait for
 * an answer, and going offline tells the subscribers. Every state change goes through the
 * {@link RosterService}, so it is journaled and pushed. Owned by the router thread.
 */
final class PresenceService
{
    private static final byte[] PRESENCE = Bytes.ascii("presence");
    private static final byte[] FROM = Bytes.ascii("from");
    private static final byte[] TO = Bytes.ascii("to");
    private static final byte[] TYPE = Bytes.ascii("type");

    private final Accounts accounts;
    private final RosterService roster;
    private final SessionRegistry sessions;
    private final BlockLists blockLists;
    private final ExpandableArrayBuffer out = new ExpandableArrayBuffer(512);
    private final XmlEncoder xml = new XmlEncoder();

    PresenceService(
        final Accounts accounts, final RosterService roster, final SessionRegistry sessions,
        final BlockLists blockLists)
    {
        this.accounts = accounts;
        this.roster = roster;
        this.sessions = sessions;
        this.blockLists = blockLists;
        roster.beforeRemove(this::cancel);
    }

    /**
     * RFC 6121 §3.1.2 and §3.1.3: the user asks to see the contact's presence.
     *
     * @return true if that made the user a subscriber: the contact had approved in advance (§3.4).
     */
    boolean subscribe(final Jid user, final Jid contact)
    {
        final RosterItem mine = itemOrNew(user, contact);
        if (!mine.subscription().hasTo() && !mine.ask())
        {
            roster.store(user, mine.withAsk(true));
        }
        if (!accounts.exists(contact.local()))
        {
            // §3.1.3: no such contact; answer on its behalf.
            unsubscribed(contact, user);
            return false;
        }
        final RosterItem theirs = itemOrNew(contact, user);
        if (theirs.subscription().hasFrom())
        {
            subscribedArrives(user, contact);
        }
        else if (theirs.approved())
        {
            roster.store(contact, theirs.withSubscription(theirs.subscription().withFrom(true)).withApproved(false));
            subscribedArrives(user, contact);
            return true;
        }
        else
        {
            if (!theirs.pendingIn())
            {
                // §3.1.3: the request is kept, but someone who is not on the contact's roster only joins it on
                // approval (§3.1.5), so the contact's clients see one roster push, with the subscription.
                final RosterItem existing = roster.rosters().item(contact.local(), user.toString());
                roster.store(contact, theirs.withPendingIn(true).withHidden(existing == null || existing.hidden()));
            }
            deliverToAvailable(contact, presence(user, contact, "subscribe"));
        }
        return false;
    }

    /**
     * RFC 6121 §3.1.5 and §3.4: the contact approves the user's request, or pre-approves one to come.
     *
     * @return true if that made the user a subscriber, false for a pre-approval or nothing to approve.
     */
    boolean subscribed(final Jid contact, final Jid user)
    {
        final RosterItem theirs = itemOrNew(contact, user);
        if (theirs.pendingIn())
        {
            roster.store(contact, theirs.withSubscription(theirs.subscription().withFrom(true)).withPendingIn(false)
                .withHidden(false));
            subscribedArrives(user, contact);
            return true;
        }
        if (!theirs.subscription().hasFrom() && !theirs.approved())
        {
            roster.store(contact, theirs.withApproved(true).withHidden(false));
        }
        return false;
    }

    /**
     * RFC 6121 §3.1.6: the approval reaches the user, who now sees the contact's presence.
     */
    private void subscribedArrives(final Jid user, final Jid contact)
    {
        final RosterItem mine = roster.rosters().item(user.local(), contact.toString());
        if (mine == null || !mine.ask())
        {
            return;
        }
        roster.store(user, mine.withSubscription(mine.subscription().withTo(true)).withAsk(false));
        deliverToAvailable(user, presence(contact, user, "subscribed"));
        final List<SessionState> contactSessions = sessions.bare(contact);
        for (int i = 0; i < contactSessions.size(); i++)
        {
            final SessionState contactSession = contactSessions.get(i);
            if (contactSession.available)
            {
                deliverToAvailable(user, contactSession.lastPresence(), contactSession.lastPresenceLength());
            }
        }
    }

    /**
     * RFC 6121 §3.3: the user stops seeing the contact's presence.
     */
    void unsubscribe(final Jid user, final Jid contact)
    {
        final RosterItem mine = roster.rosters().item(user.local(), contact.toString());
        if (mine != null && (mine.subscription().hasTo() || mine.ask()))
        {
            roster.store(user, mine.withSubscription(mine.subscription().withTo(false)).withAsk(false));
        }
        final RosterItem theirs = roster.rosters().item(contact.local(), user.toString());
        if (theirs != null && (theirs.subscription().hasFrom() || theirs.pendingIn()))
        {
            roster.store(contact, theirs.withSubscription(theirs.subscription().withFrom(false)).withPendingIn(false));
            deliverToAvailable(contact, presence(user, contact, "unsubscribe"));
            sendUnavailable(contact, user);
        }
    }

    /**
     * RFC 6121 §3.2: the contact cancels (or denies) the user's subscription to the contact's presence.
     */
    void unsubscribed(final Jid contact, final Jid user)
    {
        final RosterItem theirs = roster.rosters().item(contact.local(), user.toString());
        if (theirs != null && (theirs.subscription().hasFrom() || theirs.pendingIn() || theirs.approved()))
        {
            final boolean wasSubscribed = theirs.subscription().hasFrom();
            roster.store(contact, theirs.withSubscription(theirs.subscription().withFrom(false))
                .withPendingIn(false).withApproved(false));
            if (wasSubscribed)
            {
                sendUnavailable(contact, user);
            }
        }
        final RosterItem mine = roster.rosters().item(user.local(), contact.toString());
        if (mine != null && (mine.subscription().hasTo() || mine.ask()))
        {
            roster.store(user, mine.withSubscription(mine.subscription().withTo(false)).withAsk(false));
            deliverToAvailable(user, presence(contact, user, "unsubscribed"));
        }
    }

    /**
     * RFC 6121 §2.5.2: removing a contact cancels both directions before the item goes.
     */
    private void cancel(final Jid owner, final RosterItem item)
    {
        final Jid contact = item.contact();
        if (contact.local() == null || !accounts.exists(contact.local()))
        {
            return;
        }
        if (item.subscription().hasTo() || item.ask())
        {
            unsubscribe(owner, contact);
        }
        if (item.subscription().hasFrom() || item.pendingIn() || item.approved())
        {
            unsubscribed(owner, contact);
        }
    }

    /**
     * RFC 6121 §4.2 and §4.4: an available presence goes to every subscribed contact; the first one of a
     * session also brings it the presence of the contacts it may see and the requests awaiting its answer.
     */
    void available(final SessionState session, final boolean initial, final DirectBuffer presence, final int length)
    {
        final Jid user = session.session.jid();
        for (final RosterItem item : roster.rosters().items(user.local()))
        {
            final Jid contact = item.contact();
            if (blockLists.isBlocked(user.local(), contact) || blockLists.isBlocked(contact.local(), user))
            {
                continue;
            }
            if (item.subscription().hasFrom())
            {
                deliverToAvailable(contact, presence, length);
            }
            if (initial && item.subscription().hasTo())
            {
                final List<SessionState> contactSessions = sessions.bare(contact);
                for (int i = 0; i < contactSessions.size(); i++)
                {
                    final SessionState contactSession = contactSessions.get(i);
                    if (contactSession.available)
                    {
                        session.session.deliver(contactSession.lastPresence(), 0, contactSession.lastPresenceLength());
                    }
                }
            }
            if (initial && item.pendingIn())
            {
                final int requestLength = presence(contact, user.bare(), "subscribe");
                session.session.deliver(out, 0, requestLength);
            }
        }
    }

    /**
     * RFC 6121 §4.5: unavailable presence goes to every subscribed contact.
     */
    void unavailable(final Jid user, final DirectBuffer presence, final int length)
    {
        for (final RosterItem item : roster.rosters().items(user.local()))
        {
            final Jid contact = item.contact();
            if (item.subscription().hasFrom() && !blockLists.isBlocked(user.local(), contact))
            {
                deliverToAvailable(contact, presence, length);
            }
        }
    }

    private void sendUnavailable(final Jid contact, final Jid user)
    {
        final List<SessionState> contactSessions = sessions.bare(contact);
        for (int i = 0; i < contactSessions.size(); i++)
        {
            final SessionState contactSession = contactSessions.get(i);
            if (contactSession.available)
            {
                final int length = xml.wrap(out, 0).start(PRESENCE)
                    .attribute(FROM, contactSession.session.jid().toString())
                    .attribute(TO, user.toString())
                    .attribute(TYPE, "unavailable").end().length();
                deliverToAvailable(user, out, length);
            }
        }
    }

    private RosterItem itemOrNew(final Jid owner, final Jid contact)
    {
        final RosterItem item = roster.rosters().item(owner.local(), contact.toString());
        return item != null ? item :
            new RosterItem(contact, null, List.of(), Subscription.NONE, false, false, false, false);
    }

    private int presence(final Jid from, final Jid to, final String type)
    {
        return xml.wrap(out, 0).start(PRESENCE)
            .attribute(FROM, from.toString()).attribute(TO, to.toString()).attribute(TYPE, type).end().length();
    }

    private void deliverToAvailable(final Jid bare, final int length)
    {
        deliverToAvailable(bare, out, length);
    }

    private void deliverToAvailable(final Jid bare, final DirectBuffer buffer, final int length)
    {
        final List<SessionState> resources = sessions.bare(bare);
        for (int i = 0; i < resources.size(); i++)
        {
            final SessionState session = resources.get(i);
            if (session.available)
            {
                session.session.deliver(buffer, 0, length);
            }
        }
    }
}
