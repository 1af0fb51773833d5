package org.stanzaswitch.switching.roster;

/**
 * The subscription states of RFC 6121 §2.1.2.5, as seen from the roster's owner: {@code to} means the owner
 * receives the contact's presence, {@code from} that the contact receives the owner's.
 */
public enum Subscription
{
    NONE("none"),
    TO("to"),
    FROM("from"),
    BOTH("both");

    private final String value;

    Subscription(final String value)
    {
        this.value = value;
    }

    public String value()
    {
        return value;
    }

    public boolean hasTo()
    {
        return this == TO || this == BOTH;
    }

    public boolean hasFrom()
    {
        return this == FROM || this == BOTH;
    }

    public Subscription withTo(final boolean to)
    {
        return of(to, hasFrom());
    }

    public Subscription withFrom(final boolean from)
    {
        return of(hasTo(), from);
    }

    static Subscription of(final boolean to, final boolean from)
    {
        return to ? (from ? BOTH : TO) : (from ? FROM : NONE);
    }
}
