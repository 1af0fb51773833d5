package org.stanzaswitch.switching.roster;

import org.agrona.DirectBuffer;
import org.agrona.ExpandableArrayBuffer;
import org.stanzaswitch.journal.Snapshot;

import java.util.Collection;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Every user's roster, rebuilt from the state journal's roster commands, with the per-user version of
 * RFC 6121 §2.6 (a counter: each change is one higher). Owned by the router thread.
 */
public final class Rosters
{
    private final Map<String, Map<String, RosterItem>> byOwner = new HashMap<>();
    private final Map<String, Long> versions = new HashMap<>();

    /**
     * Apply one roster command from the journal.
     */
    public void apply(final DirectBuffer buffer, final int offset)
    {
        final RosterCommand.Decoded command = RosterCommand.decode(buffer, offset);
        final Map<String, RosterItem> roster = byOwner.computeIfAbsent(command.owner(), owner -> new LinkedHashMap<>());
        if (command.type() == RosterCommand.REMOVE_ITEM)
        {
            roster.remove(command.contact());
        }
        else
        {
            roster.put(command.contact(), command.item());
        }
        versions.put(command.owner(), command.version());
    }

    /**
     * Write each roster item as the command that sets it, at its owner's current version; an owner whose
     * items are all gone keeps its version through the removal of nothing.
     */
    public void snapshot(final ExpandableArrayBuffer scratch, final Snapshot.Writer out)
    {
        versions.forEach((owner, version) ->
        {
            final Collection<RosterItem> roster = items(owner);
            if (roster.isEmpty())
            {
                out.append(scratch, 0, RosterCommand.encodeRemove(scratch, owner, "", version));
            }
            for (final RosterItem item : roster)
            {
                out.append(scratch, 0, RosterCommand.encodeSet(scratch, owner, item, version));
            }
        });
    }

    /**
     * Forget a deleted account's roster.
     */
    public void deleteOwner(final String owner)
    {
        byOwner.remove(owner);
        versions.remove(owner);
    }

    public Collection<RosterItem> items(final String owner)
    {
        final Map<String, RosterItem> roster = byOwner.get(owner);
        return roster == null ? Collections.emptyList() : roster.values();
    }

    /**
     * @return the owner's item for a contact's bare JID, or null.
     */
    public RosterItem item(final String owner, final String contact)
    {
        final Map<String, RosterItem> roster = byOwner.get(owner);
        return roster == null ? null : roster.get(contact);
    }

    public long version(final String owner)
    {
        return versions.getOrDefault(owner, 0L);
    }
}
