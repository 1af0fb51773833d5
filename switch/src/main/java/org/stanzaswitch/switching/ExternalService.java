package org.stanzaswitch.switching;

/**
 * One service outside XMPP that clients learn of from the server (XEP-0215), typically a STUN or TURN server for
 * calls. Credentials are either fixed ({@code username}, {@code password}) or made per request from a secret
 * shared with the service, time-limited as coturn's {@code use-auth-secret} reads them ({@code secret}).
 *
 * @param type       the registered type: {@code stun}, {@code turn}, {@code turns}, ...
 * @param host       a host name or IP address.
 * @param port       the port, or 0 to leave it out.
 * @param transport  {@code udp} or {@code tcp}, or null.
 * @param name       a label for people, or null.
 * @param username   a fixed username, or null.
 * @param password   a fixed password, or null.
 * @param secret     the shared secret time-limited credentials are made from, or null.
 * @param ttlSeconds how long made credentials hold.
 */
public record ExternalService(
    String type,
    String host,
    int port,
    String transport,
    String name,
    String username,
    String password,
    String secret,
    long ttlSeconds)
{
    /** A day, as coturn's examples and Prosody's default. */
    public static final long DEFAULT_TTL_SECONDS = 86_400;

    public ExternalService
    {
        if (type == null || type.isEmpty() || host == null || host.isEmpty())
        {
            throw new IllegalArgumentException("an external service needs a type and a host");
        }
        if (port < 0 || port > 65535 || ttlSeconds < 1)
        {
            throw new IllegalArgumentException("port 0-65535 and a ttl of at least a second");
        }
        if (secret != null && (username != null || password != null))
        {
            throw new IllegalArgumentException("either a secret or a fixed username and password, not both");
        }
    }

    /**
     * @return whether the service asks for credentials.
     */
    public boolean restricted()
    {
        return secret != null || username != null || password != null;
    }
}
