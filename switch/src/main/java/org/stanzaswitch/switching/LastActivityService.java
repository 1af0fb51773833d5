package org.stanzaswitch.switching;

import org.agrona.DirectBuffer;
import org.agrona.ExpandableArrayBuffer;
import org.stanzaswitch.codec.Bytes;
import org.stanzaswitch.codec.ElementFlyweight;
import org.stanzaswitch.codec.Jid;
import org.stanzaswitch.codec.StanzaErrorCondition;
import org.stanzaswitch.switching.account.Accounts;
import org.stanzaswitch.switching.roster.RosterItem;

/**
 * XEP-0012 Last Activity for local accounts: a user's last logout and the status they left with are kept on the
 * state journal when their last session ends (§3), answered as seconds ago (0 while they are connected), and
 * shown only to the user and to contacts with a subscription to their presence, at the bare JID and at a
 * resource (§3, §4). The server's own uptime (§5) is in {@link ServerServices}. Owned by the router thread.
 */
final class LastActivityService
{
    private static final byte[] GET = Bytes.ascii("get");

    private final StateWriter writer;
    private final LastActivity logouts;
    private final Accounts accounts;
    private final SessionRegistry sessions;
    private final ServerServices services;
    private final ExpandableArrayBuffer buffer = new ExpandableArrayBuffer(256);

    LastActivityService(final StateWriter writer, final SessionRegistry sessions, final ServerServices services)
    {
        this.writer = writer;
        this.logouts = writer.state().lastActivity();
        this.accounts = writer.state().accounts();
        this.sessions = sessions;
        this.services = services;
    }

    /**
     * A session ended; if it was its user's last, that is their logout.
     */
    void sessionEnded(final SessionState closed)
    {
        final Jid user = closed.session.jid().bare();
        if (sessions.bare(user).isEmpty() && accounts.exists(user.local()))
        {
            final String status = closed.unavailableStatus == null ? "" : closed.unavailableStatus;
            writer.write(buffer, LastActivity.encode(buffer, user.local(), System.currentTimeMillis(), status));
        }
    }

    /**
     * §3: a query to a local account's bare JID.
     *
     * @return the error to answer with, or null if answered.
     */
    StanzaErrorCondition onIq(final Session sender, final Jid owner, final ElementFlyweight iq)
    {
        if (!mayViewPresence(sender.jid(), owner))
        {
            return StanzaErrorCondition.FORBIDDEN;
        }
        if (!iq.attributeValueEquals(iq.typeIndex(), GET))
        {
            return StanzaErrorCondition.BAD_REQUEST;
        }
        long seconds = 0;
        String status = "";
        if (sessions.bare(owner).isEmpty())
        {
            final LastActivity.Logout logout = logouts.of(owner.local());
            if (logout == null)
            {
                return StanzaErrorCondition.ITEM_NOT_FOUND;
            }
            seconds = (System.currentTimeMillis() - logout.epochMillis()) / 1000;
            status = logout.status();
        }
        sender.deliver(buffer, 0, services.lastActivity(sender.jid(), owner, iq, buffer, seconds, status));
        return null;
    }

    /**
     * §4: a query reaches a resource only from those who may see its presence. The byte search keeps other IQs
     * between clients from being parsed.
     *
     * @return true if the IQ request is a last activity query the sender may not make of that resource.
     */
    boolean forbids(final Session sender, final Jid to, final ElementFlyweight iq, final DirectBuffer bytes,
        final int length)
    {
        return Bytes.contains(bytes, 0, length, ServerServices.LAST_BYTES) &&
            ServerServices.LAST.equals(services.payloadNamespace(iq)) && !mayViewPresence(sender.jid(), to.bare());
    }

    /**
     * The account itself, or a contact the owner's roster gives a subscription to its presence.
     */
    private boolean mayViewPresence(final Jid requester, final Jid owner)
    {
        final Jid bare = requester.bare();
        if (bare.equals(owner))
        {
            return true;
        }
        final RosterItem item = writer.state().rosters().item(owner.local(), bare.toString());
        return item != null && item.subscription().hasFrom();
    }
}
