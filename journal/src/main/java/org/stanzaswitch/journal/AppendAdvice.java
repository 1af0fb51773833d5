package org.stanzaswitch.journal;

import net.openhft.chronicle.bytes.Bytes;
import net.openhft.chronicle.bytes.BytesStore;
import net.openhft.chronicle.bytes.MappedBytesStore;

/**
 * Keeps a journal's appends from stalling on readahead ({@link Readahead}): Chronicle grows a journal as a sparse
 * file and maps it a chunk at a time; the part of each chunk beyond the writer when it first appends there loses
 * readahead. The part written before keeps it, for the readers of old records.
 */
final class AppendAdvice
{
    private BytesStore<?, ?> advised;

    /**
     * Called after each append: advises a chunk once, at the writer's first append into it.
     *
     * @param bytes the appender's bytes, positioned after the record just written.
     */
    void afterAppend(final Bytes<?> bytes)
    {
        final BytesStore<?, ?> store = bytes.bytesStore();
        if (store != advised)
        {
            advised = store;
            if (store instanceof MappedBytesStore)
            {
                final long from = store.addressForRead(bytes.writePosition());
                final long end = store.addressForRead(store.start()) + store.realCapacity();
                Readahead.disable(from, end - from);
            }
        }
    }
}
