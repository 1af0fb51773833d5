package org.stanzaswitch.switching;

import org.stanzaswitch.codec.ElementFlyweight;
import org.stanzaswitch.codec.Jid;
import org.stanzaswitch.codec.StanzaErrorCondition;

/**
 * A service on a subdomain of the server that answers IQ gets and sets and takes nothing else, listed among the
 * server's disco#items (XEP-0030 §4): the XEP-0065 proxy and the XEP-0363 upload service. Owned by the router
 * thread.
 */
interface IqService
{
    /**
     * @return the service's JID.
     */
    Jid address();

    /**
     * @return the name the server's disco#items gives it.
     */
    String name();

    /**
     * An IQ get or set to the service.
     *
     * @return null if answered, else the error to return.
     */
    StanzaErrorCondition onIq(Session sender, ElementFlyweight iq);
}
