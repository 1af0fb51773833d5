package org.stanzaswitch.gateway.sasl;

import org.stanzaswitch.switching.account.ScramCredentials;

/**
 * Where the mechanisms find an account's credentials by canonical username; null if there is no account.
 */
@FunctionalInterface
public interface CredentialSource
{
    ScramCredentials credentials(String username);
}
