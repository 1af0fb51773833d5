package org.stanzaswitch.switching;

import java.util.Locale;

/**
 * XEP-0045 §5.2 affiliations: a user's lasting standing with a room, lowest first.
 */
enum MucAffiliation
{
    OUTCAST, NONE, MEMBER, ADMIN, OWNER;

    String value()
    {
        return name().toLowerCase(Locale.ROOT);
    }

    static MucAffiliation of(final String value)
    {
        for (final MucAffiliation affiliation : values())
        {
            if (affiliation.value().equals(value))
            {
                return affiliation;
            }
        }
        return null;
    }

    boolean atLeast(final MucAffiliation other)
    {
        return compareTo(other) >= 0;
    }
}
