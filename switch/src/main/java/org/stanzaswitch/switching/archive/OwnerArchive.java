package org.stanzaswitch.switching.archive;

import org.agrona.collections.IntArrayList;

/**
 * One user's archive index: the archive journal indexes of their messages in journal order (which is the
 * order received), and beside each the id of the bare JID the message was exchanged with, so that a query
 * by contact reads only that contact's records. The entries live in {@link IndexChunks}, outside the heap;
 * the heap holds the list of this owner's chunks, four bytes per {@value IndexChunks#ENTRIES} messages.
 */
final class OwnerArchive
{
    private final IndexChunks store;
    private final IntArrayList chunks = new IntArrayList(4, -1);
    /** Where position 0 is in the first chunk: entries before it were removed. */
    private int first;
    /** Entries written, counted from the start of the first chunk. */
    private int end;

    OwnerArchive(final IndexChunks store)
    {
        this.store = store;
    }

    void add(final long index, final int withId)
    {
        if ((end & IndexChunks.SLOT_MASK) == 0)
        {
            chunks.addInt(store.allocate());
        }
        store.put(chunks.getInt(end >>> IndexChunks.SHIFT), end & IndexChunks.SLOT_MASK, index, withId);
        end++;
    }

    int size()
    {
        return end - first;
    }

    /**
     * @return the journal index of the entry at a position, 0 being the oldest.
     */
    long indexAt(final int position)
    {
        final int entry = first + position;
        return store.journalIndex(chunks.getInt(entry >>> IndexChunks.SHIFT), entry & IndexChunks.SLOT_MASK);
    }

    /**
     * @return the contact id of the entry at a position.
     */
    int withAt(final int position)
    {
        final int entry = first + position;
        return store.contactId(chunks.getInt(entry >>> IndexChunks.SHIFT), entry & IndexChunks.SLOT_MASK);
    }

    /**
     * @return the position of a journal index, or -1 if it is not in this archive.
     */
    int positionOf(final long index)
    {
        final int position = positionAfter(index - 1);
        return position < size() && indexAt(position) == index ? position : -1;
    }

    /**
     * Forget the entries up to and including a journal index: the owner's account was deleted then, or the
     * journal's file that held them expired. Chunks left empty go back to the store.
     */
    void removeUpTo(final long index)
    {
        first += positionAfter(index);
        final int emptyChunks = first >>> IndexChunks.SHIFT;
        if (emptyChunks > 0)
        {
            for (int i = 0; i < emptyChunks; i++)
            {
                store.release(chunks.removeAt(0));
            }
            first -= emptyChunks << IndexChunks.SHIFT;
            end -= emptyChunks << IndexChunks.SHIFT;
        }
    }

    /**
     * Give every chunk back: the owner is gone.
     */
    void release()
    {
        for (int i = 0; i < chunks.size(); i++)
        {
            store.release(chunks.getInt(i));
        }
        chunks.clear();
        first = 0;
        end = 0;
    }

    /**
     * @return the first position whose journal index is greater than the one given (size() if none is).
     */
    private int positionAfter(final long index)
    {
        int low = 0;
        int high = size();
        while (low < high)
        {
            final int mid = (low + high) >>> 1;
            if (indexAt(mid) <= index)
            {
                low = mid + 1;
            }
            else
            {
                high = mid;
            }
        }
        return low;
    }
}
