package org.stanzaswitch.codec;

import java.nio.charset.StandardCharsets;

/**
 * An XMPP address in canonical form (RFC 7622): localpart enforced with the PRECIS UsernameCaseMapped
 * profile, domainpart as U-labels after UTS #46 mapping, resourcepart enforced with OpaqueString. Immutable.
 * <p>
 * Instances come from {@link JidParser} or a {@link JidCache}; within one cache the canonical instances are
 * interned, so {@code a.bare() == b.bare()} compares bare addresses without touching their text.
 */
public final class Jid
{
    private final String local;
    private final String domain;
    private final String resource;
    private final String text;
    private final byte[] utf8;
    private final Jid bare;

    Jid(final String local, final String domain, final String resource, final Jid bare)
    {
        this.local = local;
        this.domain = domain;
        this.resource = resource;
        final StringBuilder builder = new StringBuilder();
        if (local != null)
        {
            builder.append(local).append('@');
        }
        builder.append(domain);
        if (resource != null)
        {
            builder.append('/').append(resource);
        }
        this.text = builder.toString();
        this.utf8 = text.getBytes(StandardCharsets.UTF_8);
        this.bare = bare == null ? this : bare;
    }

    /**
     * Parse and canonicalise an address; for configuration and tests, where an exception is the right answer.
     *
     * @param text the address.
     * @return the canonical address.
     * @throws IllegalArgumentException naming the rule the address breaks.
     */
    public static Jid of(final String text)
    {
        final JidParser parser = new JidParser();
        final Jid jid = parser.parse(text);
        if (jid == null)
        {
            throw new IllegalArgumentException("invalid JID '" + text + "': " + parser.failureReason());
        }
        return jid;
    }

    /**
     * @return the localpart, or null if there is none.
     */
    public String local()
    {
        return local;
    }

    public String domain()
    {
        return domain;
    }

    /**
     * @return the resourcepart, or null if there is none.
     */
    public String resource()
    {
        return resource;
    }

    /**
     * @return the bare address (no resourcepart); this instance when it has none.
     */
    public Jid bare()
    {
        return bare;
    }

    public boolean isBare()
    {
        return resource == null;
    }

    /**
     * @return the canonical UTF-8 bytes; callers must not change them.
     */
    public byte[] utf8()
    {
        return utf8;
    }

    /**
     * @param other another address.
     * @return true if both have the same bare address; allocates nothing.
     */
    public boolean bareEquals(final Jid other)
    {
        return bare == other.bare || bare.text.equals(other.bare.text);
    }

    @Override
    public boolean equals(final Object other)
    {
        return this == other || (other instanceof Jid && text.equals(((Jid)other).text));
    }

    @Override
    public int hashCode()
    {
        return text.hashCode();
    }

    @Override
    public String toString()
    {
        return text;
    }
}
