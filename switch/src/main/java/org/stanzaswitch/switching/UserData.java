package org.stanzaswitch.switching;

import org.agrona.ExpandableArrayBuffer;
import org.agrona.concurrent.UnsafeBuffer;
import org.stanzaswitch.journal.Snapshot;

import java.util.HashMap;
import java.util.Map;
import java.util.Set;

/**
 * Pieces of XML the server keeps for each user, by key: {@code vcard} (XEP-0054), {@code private <ns>}
 * (XEP-0049) and {@code pep <node>} (XEP-0163, {@link PepNode}); and for each persistent XEP-0045 room, under
 * its JID, {@code muc} ({@link MucRoomStore}). Owned by the router thread.
 */
final class UserData
{
    private final Map<String, Map<String, byte[]>> byOwner = new HashMap<>();

    void put(final String owner, final String key, final byte[] xml)
    {
        if (xml.length == 0)
        {
            final Map<String, byte[]> data = byOwner.get(owner);
            if (data != null)
            {
                data.remove(key);
            }
            return;
        }
        byOwner.computeIfAbsent(owner, name -> new HashMap<>()).put(key, xml);
    }

    /**
     * @return the stored XML, or null.
     */
    byte[] get(final String owner, final String key)
    {
        final Map<String, byte[]> data = byOwner.get(owner);
        return data == null ? null : data.get(key);
    }

    /**
     * @return everyone who has something stored: account names, and room JIDs ({@link MucRoomStore}); a view.
     */
    Set<String> owners()
    {
        return byOwner.keySet();
    }

    /**
     * @return the keys of the owner's stored pieces; a view, not to be changed.
     */
    Set<String> keys(final String owner)
    {
        final Map<String, byte[]> data = byOwner.get(owner);
        return data == null ? Set.of() : data.keySet();
    }

    /**
     * Write each stored piece as the command that stores it.
     */
    void snapshot(final ExpandableArrayBuffer scratch, final Snapshot.Writer out)
    {
        final UnsafeBuffer xml = new UnsafeBuffer(0, 0);
        byOwner.forEach((owner, data) -> data.forEach((key, bytes) ->
        {
            xml.wrap(bytes);
            out.append(scratch, 0, UserDataCommand.encode(scratch, owner, key, xml, 0, bytes.length));
        }));
    }

    void deleteOwner(final String owner)
    {
        byOwner.remove(owner);
    }
}
