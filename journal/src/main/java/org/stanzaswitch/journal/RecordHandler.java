package org.stanzaswitch.journal;

import org.agrona.DirectBuffer;

/**
 * Receives the records of a journal in the order they were appended.
 */
@FunctionalInterface
public interface RecordHandler
{
    /**
     * @param index  the record's position in the journal, increasing.
     * @param buffer holding the record; valid only during the call.
     * @param offset of the record.
     * @param length of the record.
     */
    void onRecord(long index, DirectBuffer buffer, int offset, int length);
}
