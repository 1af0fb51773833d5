package org.stanzaswitch.switching;

import org.stanzaswitch.codec.Jid;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The bound sessions of this node by full and by bare JID. Owned by the router thread.
 */
final class SessionRegistry
{
    private final Map<Jid, List<SessionState>> byBare = new HashMap<>();
    private final Map<Jid, SessionState> byFull = new HashMap<>();

    /**
     * @return the session it replaces, or null.
     */
    SessionState add(final Session session)
    {
        final SessionState previous = byFull.get(session.jid());
        if (previous != null)
        {
            remove(previous);
        }
        final SessionState state = new SessionState(session);
        byFull.put(session.jid(), state);
        byBare.computeIfAbsent(session.jid().bare(), bare -> new ArrayList<>(2)).add(state);
        return previous;
    }

    void remove(final SessionState state)
    {
        final Jid full = state.session.jid();
        byFull.remove(full);
        final List<SessionState> list = byBare.get(full.bare());
        if (list != null)
        {
            list.remove(state);
            if (list.isEmpty())
            {
                byBare.remove(full.bare());
            }
        }
    }

    SessionState full(final Jid full)
    {
        return byFull.get(full);
    }

    List<SessionState> bare(final Jid bare)
    {
        final List<SessionState> list = byBare.get(bare);
        return list == null ? Collections.emptyList() : list;
    }
}
