package org.stanzaswitch.switching.archive;

import org.agrona.IoUtil;
import org.agrona.collections.IntArrayList;
import org.agrona.concurrent.UnsafeBuffer;
import org.stanzaswitch.journal.Readahead;

import java.io.File;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The storage under every owner's archive index: fixed chunks of {@link #ENTRIES} entries (a journal index and a
 * contact id each) in memory-mapped files, outside the Java heap. An index held on the heap costs the collector
 * twelve bytes per message per owner for as long as the archive keeps them, and its growth copies whole arrays
 * (a hundred megabytes at a few million messages); mapped, the pages are the kernel's, cached while queries read
 * them and written back or dropped under memory pressure. The files are scratch: the index is rebuilt from the
 * archive journal at every start, so they are deleted on open and on close. Owned by the router thread.
 */
final class IndexChunks implements AutoCloseable
{
    /** Entries per chunk; a power of two, so a position splits into a chunk and a slot with a shift. */
    static final int ENTRIES = 64;
    static final int SHIFT = Integer.numberOfTrailingZeros(ENTRIES);
    static final int SLOT_MASK = ENTRIES - 1;
    /** Journal indexes first, then contact ids, so a binary search reads contiguous longs. */
    private static final int CONTACTS_OFFSET = ENTRIES * Long.BYTES;
    static final int CHUNK_BYTES = CONTACTS_OFFSET + ENTRIES * Integer.BYTES;
    /** 64 MiB rounded down to whole chunks: one file mapped per 87,381 chunks, 5.6 million entries. */
    static final int DEFAULT_SEGMENT_BYTES = (64 << 20) / CHUNK_BYTES * CHUNK_BYTES;

    private final File directory;
    private final int chunksPerSegment;
    private final List<UnsafeBuffer> segments = new ArrayList<>();
    private final IntArrayList released = new IntArrayList(16, -1);
    private int nextChunk;

    /**
     * @param directory    for the files; emptied first.
     * @param segmentBytes size of each file, a multiple of {@link #CHUNK_BYTES}.
     */
    IndexChunks(final Path directory, final int segmentBytes)
    {
        if (segmentBytes < CHUNK_BYTES || segmentBytes % CHUNK_BYTES != 0)
        {
            throw new IllegalArgumentException("segment of " + segmentBytes + " bytes is not whole chunks of " +
                CHUNK_BYTES);
        }
        this.directory = directory.toFile();
        this.chunksPerSegment = segmentBytes / CHUNK_BYTES;
        IoUtil.delete(this.directory, true);
        IoUtil.ensureDirectoryExists(this.directory, "archive index");
    }

    /**
     * @return the id of a chunk to fill: one released before, or a new one.
     */
    int allocate()
    {
        if (!released.isEmpty())
        {
            return released.popInt();
        }
        final int chunk = nextChunk;
        if (chunk / chunksPerSegment == segments.size())
        {
            mapSegment();
        }
        nextChunk++;
        return chunk;
    }

    /**
     * Give a chunk back for another owner to fill; its entries are not read again.
     */
    void release(final int chunk)
    {
        released.addInt(chunk);
    }

    void put(final int chunk, final int slot, final long journalIndex, final int contactId)
    {
        final UnsafeBuffer segment = segment(chunk);
        final int base = offset(chunk);
        segment.putLong(base + slot * Long.BYTES, journalIndex);
        segment.putInt(base + CONTACTS_OFFSET + slot * Integer.BYTES, contactId);
    }

    long journalIndex(final int chunk, final int slot)
    {
        return segment(chunk).getLong(offset(chunk) + slot * Long.BYTES);
    }

    int contactId(final int chunk, final int slot)
    {
        return segment(chunk).getInt(offset(chunk) + CONTACTS_OFFSET + slot * Integer.BYTES);
    }

    private UnsafeBuffer segment(final int chunk)
    {
        return segments.get(chunk / chunksPerSegment);
    }

    private int offset(final int chunk)
    {
        return (chunk % chunksPerSegment) * CHUNK_BYTES;
    }

    /**
     * @return chunks handed out and not released.
     */
    int chunksInUse()
    {
        return nextChunk - released.size();
    }

    private void mapSegment()
    {
        final File file = new File(directory, "index-" + segments.size() + ".bin");
        // Sparse: a page takes disk and memory only once an entry is written to it, a page at a time (no
        // readahead: the router writes here).
        final UnsafeBuffer segment =
            new UnsafeBuffer(IoUtil.mapNewFile(file, (long)chunksPerSegment * CHUNK_BYTES, false));
        Readahead.disable(segment.addressOffset(), segment.capacity());
        segments.add(segment);
    }

    @Override
    public void close()
    {
        segments.forEach(segment -> IoUtil.unmap(segment.byteBuffer()));
        segments.clear();
        IoUtil.delete(directory, true);
    }
}
