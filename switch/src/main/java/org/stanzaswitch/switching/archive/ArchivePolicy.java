package org.stanzaswitch.switching.archive;

import org.stanzaswitch.codec.Jid;

/**
 * Whether a user's archive keeps the messages exchanged with a contact: XEP-0441 preferences.
 */
@FunctionalInterface
public interface ArchivePolicy
{
    /**
     * @param owner   the archive's owner, bare.
     * @param contact the other party, bare.
     * @return true if the message goes into the owner's archive.
     */
    boolean archives(Jid owner, Jid contact);
}
