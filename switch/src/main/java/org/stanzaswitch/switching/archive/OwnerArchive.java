package org.stanzaswitch.switching.archive;

import org.agrona.collections.IntArrayList;
import org.agrona.collections.LongArrayList;

/**
 * One user's archive index: the archive journal indexes of their messages in journal order (which is the
 * order received), and beside each the id of the bare JID the message was exchanged with, so that a query
 * by contact reads only that contact's records. Twelve bytes per message per owner, on the heap.
 */
final class OwnerArchive
{
    final LongArrayList indexes = new LongArrayList(16, -1);
    final IntArrayList with = new IntArrayList(16, -1);

    void add(final long index, final int withId)
    {
        indexes.addLong(index);
        with.addInt(withId);
    }

    int size()
    {
        return indexes.size();
    }

    long indexAt(final int position)
    {
        return indexes.getLong(position);
    }

    /**
     * @return the position of a journal index, or -1 if it is not in this archive.
     */
    int positionOf(final long index)
    {
        int low = 0;
        int high = indexes.size() - 1;
        while (low <= high)
        {
            final int mid = (low + high) >>> 1;
            final long value = indexes.getLong(mid);
            if (value < index)
            {
                low = mid + 1;
            }
            else if (value > index)
            {
                high = mid - 1;
            }
            else
            {
                return mid;
            }
        }
        return -1;
    }

    /**
     * Forget the entries up to and including a journal index: the owner's account was deleted then.
     */
    void removeUpTo(final long index)
    {
        int keep = 0;
        while (keep < indexes.size() && indexes.getLong(keep) <= index)
        {
            keep++;
        }
        final int remaining = indexes.size() - keep;
        for (int i = 0; i < remaining; i++)
        {
            indexes.setLong(i, indexes.getLong(keep + i));
            with.setInt(i, with.getInt(keep + i));
        }
        while (indexes.size() > remaining)
        {
            indexes.removeAt(indexes.size() - 1);
            with.removeAt(with.size() - 1);
        }
    }
}
