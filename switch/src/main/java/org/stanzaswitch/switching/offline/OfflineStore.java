package org.stanzaswitch.switching.offline;

import org.agrona.DirectBuffer;
import org.agrona.ExpandableArrayBuffer;
import org.agrona.collections.LongArrayList;
import org.stanzaswitch.codec.Jid;
import org.stanzaswitch.journal.Journal;
import org.stanzaswitch.journal.MessageRecord;
import org.stanzaswitch.journal.OwnerMark;
import org.stanzaswitch.journal.RecordHandler;
import org.stanzaswitch.switching.Session;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.logging.Logger;

/**
 * Messages kept for users with no available resource (XEP-0160): each is a record on the offline journal
 * before the sender learns it was accepted (ARCHITECTURE invariant 5), and is delivered, in order, on the
 * user's next available presence of non-negative priority; a delivered mark on the journal then takes them
 * out of the pending set. Startup rebuilds the pending set from the journal. Owned by the router thread.
 */
public final class OfflineStore implements AutoCloseable
{
    private static final Logger LOG = Logger.getLogger(OfflineStore.class.getName());

    private final Journal journal;
    private final int quota;
    private final Map<String, LongArrayList> pending = new HashMap<>();
    private final Map<String, Session> draining = new HashMap<>();
    /** Users whose delivery was under way when their connection dropped, waiting for the stream to resume. */
    private final Set<String> paused = new HashSet<>();
    private final MessageRecord record = new MessageRecord();
    private final ExpandableArrayBuffer header = new ExpandableArrayBuffer(256);
    private final RecordHandler deliverer = this::deliverRecord;
    private Expiry expiry = (buffer, offset, length, nowMillis) -> false;
    private Session recipient;

    /**
     * @param directory of the offline journal.
     * @param quota     the most messages kept for one user.
     */
    /** Decides whether a stored message has expired by the time it would be delivered. */
    @FunctionalInterface
    public interface Expiry
    {
        /**
         * @return true to drop the stored message instead of delivering it.
         */
        boolean expired(DirectBuffer buffer, int offset, int length, long nowMillis);
    }

    public OfflineStore(final Path directory, final int quota)
    {
        this.journal = Journal.open(directory);
        this.quota = quota;
    }

    /**
     * Rebuild the pending set from the journal; once, before the router starts.
     */
    public void replay()
    {
        journal.drain(this::onReplay);
        LOG.info(() -> "offline: " + pending.values().stream().mapToInt(LongArrayList::size).sum() +
            " messages pending for " + pending.size() + " users");
    }

    /**
     * Hand the store to the router thread.
     */
    public void handOver()
    {
        journal.handOver();
    }

    private void onReplay(final long index, final DirectBuffer buffer, final int offset, final int length)
    {
        final byte type = buffer.getByte(offset);
        if (type == MessageRecord.MESSAGE)
        {
            pendingFor(record.wrap(buffer, offset).to()).addLong(index);
        }
        else if (type == OwnerMark.DELIVERED)
        {
            final String owner = OwnerMark.owner(buffer, offset);
            final long upTo = OwnerMark.upToIndex(buffer, offset);
            final LongArrayList list = pending.get(owner);
            if (list != null)
            {
                list.removeIfLong(index1 -> index1 <= upTo);
                if (list.isEmpty())
                {
                    pending.remove(owner);
                }
            }
        }
        else
        {
            LOG.warning("offline: skipping a record of unknown type " + type + " at index " + index);
        }
    }

    private LongArrayList pendingFor(final String owner)
    {
        LongArrayList list = pending.get(owner);
        if (list == null)
        {
            list = new LongArrayList(8, -1);
            pending.put(owner, list);
        }
        return list;
    }

    /**
     * Keep a message for a user.
     *
     * @param from     the sender's bare JID.
     * @param to       the recipient's bare JID.
     * @param stanza   holding the message as it will be delivered (with its delay stamp).
     * @param offset   of the message.
     * @param length   of the message.
     * @param received when it was received, ms since the epoch.
     * @return false if the user's store is full (XEP-0160 §3: the sender gets service-unavailable).
     */
    public boolean store(
        final Jid from, final Jid to, final DirectBuffer stanza, final int offset, final int length,
        final long received)
    {
        final LongArrayList list = pendingFor(to.toString());
        if (list.size() >= quota)
        {
            return false;
        }
        final byte[] fromBytes = from.utf8();
        final byte[] toBytes = to.utf8();
        header.checkLimit(MessageRecord.maxLength(fromBytes.length, toBytes.length, 0));
        final int headerLength = MessageRecord.encodeHeader(header, 0, received, 0, fromBytes, toBytes, length);
        list.addLong(journal.append(header, 0, headerLength, stanza, offset, length));
        return true;
    }

    /**
     * @return the number of messages kept for a user.
     */
    public int pendingCount(final Jid bare)
    {
        final LongArrayList list = pending.get(bare.toString());
        return list == null ? 0 : list.size();
    }

    /**
     * Start delivering a user's messages to the session that became available, oldest first, as fast as the
     * session takes them (a long backlog must not trip the slow-reader cut-off); {@link #continueDelivery}
     * goes on where the session's buffers stopped it. Delivered messages are marked on the journal after their
     * writes, so a crash in between delivers them again rather than never.
     *
     * @param session the user's session that sent available presence.
     */
    public void deliver(final Session session)
    {
        final String owner = session.jid().bare().toString();
        paused.remove(owner);
        if (pending.containsKey(owner) && !draining.containsKey(owner))
        {
            draining.put(owner, session);
            drain(owner, session);
        }
    }

    /**
     * @return true while a user's backlog is being delivered: new messages for them queue behind it, in order.
     */
    public boolean isDelivering(final Jid bare)
    {
        return !draining.isEmpty() && draining.containsKey(bare.toString()) ||
            !paused.isEmpty() && paused.contains(bare.toString());
    }

    /**
     * Go on with the deliveries that waited for their sessions to drain; called when the router is idle.
     */
    public void continueDelivery()
    {
        if (draining.isEmpty())
        {
            return;
        }
        for (final Map.Entry<String, Session> entry : List.copyOf(draining.entrySet()))
        {
            drain(entry.getKey(), entry.getValue());
        }
    }

    /**
     * A session went away: what it was not given stays pending for the user's next presence.
     */
    public void sessionClosed(final Session session)
    {
        draining.remove(session.jid().bare().toString(), session);
        paused.remove(session.jid().bare().toString());
    }

    /**
     * A session's connection dropped and it may be resumed (XEP-0198): its delivery waits, and new messages for
     * the user keep queueing behind what is pending, so order holds when the stream comes back.
     */
    public void sessionDetached(final Session session)
    {
        final String owner = session.jid().bare().toString();
        if (draining.remove(owner, session))
        {
            paused.add(owner);
        }
    }

    /**
     * The stream came back on a new connection: delivery goes on where it stopped.
     */
    public void sessionResumed(final Session session)
    {
        final String owner = session.jid().bare().toString();
        if (paused.remove(owner) && pending.containsKey(owner))
        {
            draining.put(owner, session);
            drain(owner, session);
        }
    }

    private void drain(final String owner, final Session session)
    {
        final LongArrayList list = pending.get(owner);
        int delivered = 0;
        recipient = session;
        while (delivered < list.size() && session.canAccept())
        {
            journal.read(list.getLong(delivered++), deliverer);
        }
        recipient = null;
        if (delivered > 0)
        {
            markDelivered(owner, list.getLong(delivered - 1));
            removeFirst(list, delivered);
        }
        if (list.isEmpty())
        {
            pending.remove(owner);
            draining.remove(owner);
        }
    }

    private static void removeFirst(final LongArrayList list, final int count)
    {
        final int remaining = list.size() - count;
        for (int i = 0; i < remaining; i++)
        {
            list.setLong(i, list.getLong(count + i));
        }
        while (list.size() > remaining)
        {
            list.removeAt(list.size() - 1);
        }
    }

    /**
     * @param expiry consulted for each stored message as it is delivered (XEP-0079 expire-at).
     */
    public void expireWith(final Expiry expiry)
    {
        this.expiry = expiry;
    }

    private void deliverRecord(final long index, final DirectBuffer buffer, final int offset, final int length)
    {
        record.wrap(buffer, offset);
        if (!expiry.expired(buffer, record.stanzaOffset(), record.stanzaLength(), System.currentTimeMillis()))
        {
            recipient.deliver(buffer, record.stanzaOffset(), record.stanzaLength());
        }
    }

    /**
     * Drop a user's messages: their account is gone.
     */
    public void deleteOwner(final Jid bare)
    {
        final String owner = bare.toString();
        draining.remove(owner);
        final LongArrayList list = pending.remove(owner);
        if (list != null && !list.isEmpty())
        {
            markDelivered(owner, list.getLong(list.size() - 1));
        }
    }

    private void markDelivered(final String owner, final long upTo)
    {
        journal.append(header, 0,
            OwnerMark.encode(header, OwnerMark.DELIVERED, owner.getBytes(StandardCharsets.UTF_8), upTo));
    }

    @Override
    public void close()
    {
        journal.close();
    }
}
