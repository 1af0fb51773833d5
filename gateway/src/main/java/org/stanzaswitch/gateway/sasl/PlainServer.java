package org.stanzaswitch.gateway.sasl;

import org.stanzaswitch.switching.account.ScramCredentials;
import rocks.xmpp.precis.PrecisProfiles;

import java.nio.charset.StandardCharsets;

/**
 * SASL PLAIN (RFC 4616), offered only over TLS: {@code [authzid] NUL authcid NUL passwd}. The password is
 * checked against the stored SCRAM keys, so no clear password is ever kept.
 */
public final class PlainServer implements SaslMechanismServer
{
    private final CredentialSource credentials;
    private final String domain;

    public PlainServer(final CredentialSource credentials, final String domain)
    {
        this.credentials = credentials;
        this.domain = domain;
    }

    @Override
    public boolean derivesKeys()
    {
        return true;
    }

    @Override
    public SaslStep evaluate(final byte[] response)
    {
        final String message = new String(response, StandardCharsets.UTF_8);
        final int first = message.indexOf('\0');
        final int second = first < 0 ? -1 : message.indexOf('\0', first + 1);
        if (first < 0 || second < 0 || message.indexOf('\0', second + 1) >= 0)
        {
            return SaslStep.failure(SaslFailure.MALFORMED_REQUEST);
        }
        final String authzid = message.substring(0, first);
        final String username = Usernames.canonical(message.substring(first + 1, second), domain);
        final String password = message.substring(second + 1);
        if (username == null || password.isEmpty())
        {
            return SaslStep.failure(SaslFailure.NOT_AUTHORIZED);
        }
        final ScramCredentials stored = credentials.credentials(username);
        if (stored == null || !stored.matches(preparedPassword(password)))
        {
            return SaslStep.failure(SaslFailure.NOT_AUTHORIZED);
        }
        if (!Usernames.authzidAllowed(authzid, username, domain))
        {
            return SaslStep.failure(SaslFailure.INVALID_AUTHZID);
        }
        return SaslStep.success(username, null);
    }

    /**
     * RFC 8265 §4.2 OpaqueString, as for SCRAM (RFC 7677 §4 via RFC 5802's SASLprep successor).
     */
    public static String preparedPassword(final String password)
    {
        try
        {
            return PrecisProfiles.OPAQUE_STRING.enforce(password);
        }
        catch (final IllegalArgumentException ex)
        {
            return password;
        }
    }
}
