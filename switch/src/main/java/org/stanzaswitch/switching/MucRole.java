package org.stanzaswitch.switching;

import java.util.Locale;

/**
 * XEP-0045 §5.1 roles: what an occupant may do while in the room, lowest first.
 */
enum MucRole
{
    NONE, VISITOR, PARTICIPANT, MODERATOR;

    String value()
    {
        return name().toLowerCase(Locale.ROOT);
    }

    static MucRole of(final String value)
    {
        for (final MucRole role : values())
        {
            if (role.value().equals(value))
            {
                return role;
            }
        }
        return null;
    }
}
