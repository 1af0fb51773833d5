package org.stanzaswitch.gateway.sasl;

import org.stanzaswitch.codec.JidParser;
import org.stanzaswitch.codec.Jid;

/**
 * Maps what a client sends as its SASL identities to the server's canonical forms: usernames through the
 * localpart's PRECIS profile (RFC 7622 §3.3, as XMPP servers apply it to SASL), authorization identities
 * through full JID parsing.
 */
final class Usernames
{
    private Usernames()
    {
    }

    /**
     * @return the canonical username, or null if it cannot be one.
     */
    static String canonical(final String username, final String domain)
    {
        if (username.isEmpty() || username.indexOf('@') >= 0 || username.indexOf('/') >= 0)
        {
            return null;
        }
        final Jid jid = new JidParser().parse(username + "@" + domain);
        return jid == null ? null : jid.local();
    }

    /**
     * RFC 6120 §6.3.8: an authorization identity other than the account's own bare JID is refused.
     *
     * @return true if the authzid is absent or names the authenticated account.
     */
    static boolean authzidAllowed(final String authzid, final String username, final String domain)
    {
        if (authzid == null || authzid.isEmpty())
        {
            return true;
        }
        final Jid jid = new JidParser().parse(authzid);
        return jid != null && jid.isBare() && username.equals(jid.local()) && domain.equals(jid.domain());
    }
}
