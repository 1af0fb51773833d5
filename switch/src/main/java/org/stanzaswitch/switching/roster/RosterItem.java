package org.stanzaswitch.switching.roster;

import org.stanzaswitch.codec.Jid;

import java.util.List;

/**
 * One contact on a user's roster (RFC 6121 §2.1.2): its bare JID, name and groups, the subscription state,
 * whether the owner's subscription request is pending ({@code ask}), whether the contact's request to the
 * owner awaits an answer, whether the owner has pre-approved one (§3.4), and whether the item is hidden: a
 * contact's pending request to someone who has no item for them is kept here, but stays out of the roster
 * and its pushes until approved (§3.1.3, §3.1.5). Immutable: a change is a new item, journaled as a command. The
 * contact is kept parsed, so presence broadcast never parses it again.
 */
public record RosterItem(
    Jid contact,
    String name,
    List<String> groups,
    Subscription subscription,
    boolean ask,
    boolean pendingIn,
    boolean approved,
    boolean hidden)
{
    public RosterItem withSubscription(final Subscription value)
    {
        return new RosterItem(contact, name, groups, value, ask, pendingIn, approved, hidden);
    }

    public RosterItem withAsk(final boolean value)
    {
        return new RosterItem(contact, name, groups, subscription, value, pendingIn, approved, hidden);
    }

    public RosterItem withPendingIn(final boolean value)
    {
        return new RosterItem(contact, name, groups, subscription, ask, value, approved, hidden);
    }

    public RosterItem withApproved(final boolean value)
    {
        return new RosterItem(contact, name, groups, subscription, ask, pendingIn, value, hidden);
    }

    public RosterItem withHidden(final boolean value)
    {
        return new RosterItem(contact, name, groups, subscription, ask, pendingIn, approved, value);
    }

    /**
     * @return true if nothing but the entry itself remains: no subscription, request or approval.
     */
    public boolean isBare()
    {
        return subscription == Subscription.NONE && !ask && !pendingIn && !approved;
    }
}
