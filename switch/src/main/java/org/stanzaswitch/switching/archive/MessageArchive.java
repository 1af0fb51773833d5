package org.stanzaswitch.switching.archive;

import net.openhft.chronicle.core.time.SystemTimeProvider;
import net.openhft.chronicle.core.time.TimeProvider;
import org.agrona.DirectBuffer;
import org.agrona.ExpandableArrayBuffer;
import org.agrona.collections.Object2IntHashMap;
import org.stanzaswitch.codec.Jid;
import org.stanzaswitch.journal.Journal;
import org.stanzaswitch.journal.MessageRecord;
import org.stanzaswitch.journal.OwnerMark;
import org.stanzaswitch.journal.RecordHandler;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.logging.Logger;

/**
 * The message archive (XEP-0313) of every local user: one record per message on the archive journal, shared by
 * the sender's and the recipient's archives, and a per-owner index so a page costs O(page) reads (ARCHITECTURE
 * invariant 5: the record is on the journal before the message is acknowledged or delivered). The index is kept
 * in memory-mapped scratch files ({@link IndexChunks}) and rebuilt from the journal at startup. Owned by the
 * router thread.
 */
public final class MessageArchive implements AutoCloseable
{
    private static final Logger LOG = Logger.getLogger(MessageArchive.class.getName());

    private final Journal journal;
    private final IndexChunks indexChunks;
    private final Map<String, OwnerArchive> owners = new HashMap<>();
    private final Object2IntHashMap<String> contactIds = new Object2IntHashMap<>(-1);
    private final MessageRecord record = new MessageRecord();
    private final ExpandableArrayBuffer header = new ExpandableArrayBuffer(256);
    private final TimestampReader timestamps = new TimestampReader();

    /**
     * @param directory      of the archive journal.
     * @param indexDirectory for the index's scratch files, emptied at open and at close.
     */
    public MessageArchive(final Path directory, final Path indexDirectory)
    {
        this(directory, indexDirectory, SystemTimeProvider.CLOCK);
    }

    /**
     * @param directory      of the archive journal.
     * @param indexDirectory for the index's scratch files, emptied at open and at close.
     * @param clock          the time that decides which day's file a record goes to: retention tests archive past
     *                       days.
     */
    public MessageArchive(final Path directory, final Path indexDirectory, final TimeProvider clock)
    {
        this(directory, indexDirectory, clock, IndexChunks.DEFAULT_SEGMENT_BYTES);
    }

    MessageArchive(
        final Path directory, final Path indexDirectory, final TimeProvider clock, final int indexSegmentBytes)
    {
        journal = Journal.open(directory, clock);
        indexChunks = new IndexChunks(indexDirectory, indexSegmentBytes);
    }

    /**
     * Rebuild the index from the journal; once, before the router starts.
     */
    public void replay()
    {
        final int records = journal.drain(this::index);
        LOG.info(() -> "archive: " + records + " records, " + owners.size() + " owners");
    }

    /**
     * Hand the archive to the router thread.
     */
    public void handOver()
    {
        journal.handOver();
    }

    private void index(final long index, final DirectBuffer buffer, final int offset, final int length)
    {
        final byte type = buffer.getByte(offset);
        if (type == MessageRecord.MESSAGE)
        {
            record.wrap(buffer, offset);
            final String from = record.from();
            final String to = record.to();
            if ((record.flags() & MessageRecord.FLAG_SENDER_ARCHIVE) != 0)
            {
                owner(from).add(index, contactId(to));
            }
            if ((record.flags() & MessageRecord.FLAG_RECIPIENT_ARCHIVE) != 0)
            {
                owner(to).add(index, contactId(from));
            }
        }
        else if (type == OwnerMark.OWNER_DELETED)
        {
            final OwnerArchive archive = owners.get(OwnerMark.owner(buffer, offset));
            if (archive != null)
            {
                archive.removeUpTo(OwnerMark.upToIndex(buffer, offset));
            }
        }
        else
        {
            LOG.warning("archive: skipping a record of unknown type " + type + " at index " + index);
        }
    }

    private OwnerArchive owner(final String bare)
    {
        OwnerArchive archive = owners.get(bare);
        if (archive == null)
        {
            archive = new OwnerArchive(indexChunks);
            owners.put(bare, archive);
        }
        return archive;
    }

    private int contactId(final String bare)
    {
        int id = contactIds.getValue(bare);
        if (id == -1)
        {
            id = contactIds.size();
            contactIds.put(bare, id);
        }
        return id;
    }

    /**
     * Archive one message for its sender, its recipient, or both.
     *
     * @param from     the sender's bare JID.
     * @param to       the recipient's bare JID.
     * @param flags    {@link MessageRecord} flags saying whose archives hold it and how the stanza is written.
     * @param stanza   holding the message as routed.
     * @param offset   of the message.
     * @param length   of the message.
     * @param received when the server received it, ms since the epoch.
     * @return the journal index, the message's archive UID.
     */
    public long archive(
        final Jid from,
        final Jid to,
        final int flags,
        final DirectBuffer stanza,
        final int offset,
        final int length,
        final long received)
    {
        final byte[] fromBytes = from.utf8();
        final byte[] toBytes = to.utf8();
        header.checkLimit(MessageRecord.maxLength(fromBytes.length, toBytes.length, 0));
        final int headerLength = MessageRecord.encodeHeader(header, 0, received, flags, fromBytes, toBytes, length);
        final long index = journal.append(header, 0, headerLength, stanza, offset, length);
        if ((flags & MessageRecord.FLAG_SENDER_ARCHIVE) != 0)
        {
            owner(from.toString()).add(index, contactId(to.toString()));
        }
        if ((flags & MessageRecord.FLAG_RECIPIENT_ARCHIVE) != 0)
        {
            owner(to.toString()).add(index, contactId(from.toString()));
        }
        return index;
    }

    /**
     * Delete a user's archive: their account is gone. Their records stay on the journal (the other party's
     * archive may share them) until retention rolls them away; a tombstone keeps them out of the index.
     *
     * @param bare the owner's bare JID.
     */
    public void deleteOwner(final String bare)
    {
        final OwnerArchive archive = owners.remove(bare);
        if (archive == null)
        {
            return;
        }
        if (archive.size() > 0)
        {
            final int length = OwnerMark.encode(header, OwnerMark.OWNER_DELETED,
                bare.getBytes(StandardCharsets.UTF_8), archive.indexAt(archive.size() - 1));
            journal.append(header, 0, length);
        }
        archive.release();
    }

    /**
     * Retention: drop the journal's days that ended before a moment, and their entries from every index.
     *
     * @param beforeMillis the oldest moment kept.
     * @return files deleted.
     */
    public int expire(final long beforeMillis)
    {
        final int deleted = journal.deleteCyclesBefore(beforeMillis);
        if (deleted > 0)
        {
            final long first = journal.firstIndex();
            for (final OwnerArchive archive : owners.values())
            {
                archive.removeUpTo(first - 1);
            }
        }
        return deleted;
    }

    /**
     * Read an owner's newest messages, oldest first: what a room shows those who join it (XEP-0045 §7.2.15).
     *
     * @param owner   the owner's bare JID.
     * @param count   the most to read.
     * @param handler given each record.
     */
    public void readNewest(final String owner, final int count, final RecordHandler handler)
    {
        final OwnerArchive archive = owners.get(owner);
        if (archive == null)
        {
            return;
        }
        for (int position = Math.max(0, archive.size() - count); position < archive.size(); position++)
        {
            journal.read(archive.indexAt(position), handler);
        }
    }

    /**
     * @return the archive of an owner, or null if they have none.
     */
    OwnerArchive ownerArchive(final String bare)
    {
        return owners.get(bare);
    }

    /**
     * @return the id the index uses for a contact's bare JID, or -1 if no message was ever exchanged with it.
     */
    int knownContactId(final String bare)
    {
        return contactIds.getValue(bare);
    }

    /**
     * @return the time the message at an index was received, ms since the epoch, or -1 if it has expired.
     */
    long receivedAt(final long index)
    {
        timestamps.received = -1;
        journal.read(index, timestamps);
        return timestamps.received;
    }

    /**
     * Read one archived message.
     *
     * @return false if it has expired.
     */
    boolean read(final long index, final RecordHandler handler)
    {
        return journal.read(index, handler);
    }

    @Override
    public void close()
    {
        journal.close();
        indexChunks.close();
    }

    private static final class TimestampReader implements RecordHandler
    {
        private final MessageRecord record = new MessageRecord();
        long received;

        @Override
        public void onRecord(final long index, final DirectBuffer buffer, final int offset, final int length)
        {
            received = record.wrap(buffer, offset).receivedMillis();
        }
    }
}
