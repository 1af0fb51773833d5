package org.stanzaswitch.gateway.sasl;

/**
 * The SASL failure conditions of RFC 6120 §6.5, with their element names.
 */
public enum SaslFailure
{
    ABORTED("aborted"),
    INCORRECT_ENCODING("incorrect-encoding"),
    INVALID_AUTHZID("invalid-authzid"),
    INVALID_MECHANISM("invalid-mechanism"),
    MALFORMED_REQUEST("malformed-request"),
    MECHANISM_TOO_WEAK("mechanism-too-weak"),
    NOT_AUTHORIZED("not-authorized"),
    TEMPORARY_AUTH_FAILURE("temporary-auth-failure");

    private final String elementName;

    SaslFailure(final String elementName)
    {
        this.elementName = elementName;
    }

    public String elementName()
    {
        return elementName;
    }
}
