package org.stanzaswitch.gateway.sasl;

/**
 * The outcome of one step of a SASL exchange (RFC 6120 §6.4): a challenge, success with the authenticated
 * username, or failure.
 */
public final class SaslStep
{
    private final byte[] data;
    private final String username;
    private final SaslFailure failure;

    private SaslStep(final byte[] data, final String username, final SaslFailure failure)
    {
        this.data = data;
        this.username = username;
        this.failure = failure;
    }

    public static SaslStep challenge(final byte[] data)
    {
        return new SaslStep(data, null, null);
    }

    public static SaslStep success(final String username, final byte[] additionalData)
    {
        return new SaslStep(additionalData, username, null);
    }

    public static SaslStep failure(final SaslFailure failure)
    {
        return new SaslStep(null, null, failure);
    }

    public boolean isSuccess()
    {
        return username != null;
    }

    public boolean isFailure()
    {
        return failure != null;
    }

    /**
     * @return challenge or additional success data, possibly null.
     */
    public byte[] data()
    {
        return data;
    }

    public String username()
    {
        return username;
    }

    public SaslFailure failure()
    {
        return failure;
    }
}
