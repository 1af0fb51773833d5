package org.stanzaswitch.switching;

import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;
import org.stanzaswitch.codec.ElementFlyweight;
import org.stanzaswitch.codec.Jid;
import org.stanzaswitch.codec.StanzaErrorCondition;
import org.stanzaswitch.journal.MessageRecord;
import org.stanzaswitch.switching.archive.ArchiveService;
import org.stanzaswitch.switching.archive.MessageArchive;
import org.stanzaswitch.switching.archive.StanzaIds;

/**
 * XEP-0313 archives of rooms: what a room says is kept once (§7.1.2, business rules for MUC archives) on the
 * message archive under the room's bare JID, which answers queries for it (§3.2). The same journal, index,
 * retention and ids as users' archives, so an id is unique across all of them. Owned by the router thread.
 */
final class MucArchive
{
    /** One archived message of a room, as {@link #newest} reads it. */
    @FunctionalInterface
    interface ArchivedMessage
    {
        /**
         * @param index  its archive index.
         * @param buffer holding the message as the room kept it.
         * @param offset of the message.
         * @param length of the message.
         * @param millis when the room received it.
         */
        void onMessage(long index, DirectBuffer buffer, int offset, int length, long millis);
    }

    private final MessageArchive archive;
    private final StanzaIds ids;
    private final ArchiveService service;
    private final MessageRecord record = new MessageRecord();

    MucArchive(final MessageArchive archive, final StanzaIds ids, final ArchiveService service)
    {
        this.archive = archive;
        this.ids = ids;
        this.service = service;
    }

    /**
     * Keep one message as the room sent it out, before any occupant gets it (ARCHITECTURE invariant 5).
     *
     * @param room    the room's bare JID.
     * @param stanza  holding the message from the occupant's room JID, without a {@code to}.
     * @param offset  of the message.
     * @param length  of the message.
     * @param millis  when the room received it.
     * @return its archive index, the UID its {@code <stanza-id/>} names.
     */
    long archive(final Jid room, final DirectBuffer stanza, final int offset, final int length, final long millis)
    {
        return archive.archive(room, room, MessageRecord.FLAG_SENDER_ARCHIVE, stanza, offset, length, millis);
    }

    /**
     * What the room said last, oldest first, as it was archived: the history of a room that comes back after a
     * restart (XEP-0045 §7.2.15), which memory alone would have lost.
     */
    void newest(final Jid room, final int count, final ArchivedMessage handler)
    {
        archive.readNewest(room.toString(), count, (index, buffer, offset, length) ->
        {
            record.wrap(buffer, offset);
            handler.onMessage(index, buffer, record.stanzaOffset(), record.stanzaLength(), record.receivedMillis());
        });
    }

    /**
     * @return bytes written: the XEP-0359 id of an archive index.
     */
    int writeId(final long index, final MutableDirectBuffer buffer, final int offset)
    {
        return ids.write(index, buffer, offset);
    }

    StanzaErrorCondition onIq(final Session requester, final Jid room, final ElementFlyweight iq, final boolean set)
    {
        return service.onRoomIq(requester, room, iq, set);
    }

    /**
     * The room is gone: a new room of the same name starts with an empty archive.
     */
    void delete(final Jid room)
    {
        archive.deleteOwner(room.toString());
    }
}
