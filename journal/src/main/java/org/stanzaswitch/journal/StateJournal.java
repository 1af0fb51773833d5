package org.stanzaswitch.journal;

import net.openhft.chronicle.queue.ChronicleQueue;
import net.openhft.chronicle.queue.ExcerptAppender;
import net.openhft.chronicle.queue.ExcerptTailer;
import net.openhft.chronicle.queue.RollCycles;
import net.openhft.chronicle.queue.impl.single.SingleChronicleQueueBuilder;
import org.agrona.DirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;

import java.nio.file.Path;

/**
 * A journal of durable state commands on Chronicle Queue (ARCHITECTURE invariant 4): each command is appended
 * as one opaque record, and the state machine is rebuilt by reading them all back in order. Several processes
 * may append to one journal (the server and the account commands of the CLI); each reader tails it.
 * <p>
 * A record is on the memory-mapped file when {@link #append} returns, so it survives {@code kill -9} of the
 * process (not a power cut: that needs the OS to flush, which {@link #sync()} asks for).
 * <p>
 * One owning thread at a time (see {@link #handOver()}). Records are state commands, rare next to stanzas, so
 * each append and read copies through a small array rather than keeping buffers that Chronicle would tie to
 * a thread.
 */
public final class StateJournal implements AutoCloseable
{
    private static final int DRAIN_BATCH = 1024;

    private final ChronicleQueue queue;
    private final ExcerptAppender appender;
    private final ExcerptTailer tailer;
    private final UnsafeBuffer view = new UnsafeBuffer(new byte[0]);

    private StateJournal(final ChronicleQueue queue)
    {
        this.queue = queue;
        this.appender = queue.createAppender();
        this.tailer = queue.createTailer();
    }

    /**
     * @param directory where the journal's files live; created if missing.
     * @return the open journal, positioned to read from its first record.
     */
    public static StateJournal open(final Path directory)
    {
        return new StateJournal(SingleChronicleQueueBuilder.single(directory.toFile())
            .rollCycle(RollCycles.FAST_DAILY)
            .build());
    }

    /**
     * @param buffer holding the record.
     * @param offset of the record.
     * @param length of the record.
     * @return the index the record was written at.
     */
    public long append(final DirectBuffer buffer, final int offset, final int length)
    {
        final byte[] record = new byte[length];
        buffer.getBytes(offset, record);
        try (var context = appender.writingDocument())
        {
            context.wire().bytes().write(record);
            return context.index();
        }
    }

    /**
     * Read the records appended since the last poll, by this process or any other.
     *
     * @param handler told of each record.
     * @param limit   the most records to read in this call.
     * @return the number of records read.
     */
    public int poll(final RecordHandler handler, final int limit)
    {
        int count = 0;
        while (count < limit)
        {
            try (var context = tailer.readingDocument())
            {
                if (!context.isPresent())
                {
                    break;
                }
                final var bytes = context.wire().bytes();
                final byte[] copy = new byte[(int)bytes.readRemaining()];
                bytes.read(copy);
                view.wrap(copy);
                handler.onRecord(context.index(), view, 0, copy.length);
                count++;
            }
        }
        return count;
    }

    /**
     * Read everything appended so far, by this process or any other: a replay at startup, or catching up
     * after an append of one's own.
     *
     * @param handler told of each record.
     * @return the number of records read.
     */
    public int drain(final RecordHandler handler)
    {
        int total = 0;
        int read;
        while ((read = poll(handler, DRAIN_BATCH)) > 0)
        {
            total += read;
        }
        return total;
    }

    /**
     * Hand the journal to another thread: the thread that opened and replayed it gives it to the one that
     * goes on polling and appending.
     */
    public void handOver()
    {
        appender.singleThreadedCheckReset();
        tailer.singleThreadedCheckReset();
    }

    /**
     * Ask the operating system to write the journal's pages to disk.
     */
    public void sync()
    {
        appender.sync();
    }

    @Override
    public void close()
    {
        appender.close();
        tailer.close();
        queue.close();
    }
}
