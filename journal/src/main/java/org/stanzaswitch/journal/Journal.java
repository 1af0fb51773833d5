package org.stanzaswitch.journal;

import net.openhft.chronicle.bytes.Bytes;
import net.openhft.chronicle.core.time.TimeProvider;
import net.openhft.chronicle.queue.ExcerptAppender;
import net.openhft.chronicle.queue.ExcerptTailer;
import net.openhft.chronicle.queue.RollCycle;
import net.openhft.chronicle.queue.RollCycles;
import net.openhft.chronicle.queue.impl.single.SingleChronicleQueue;
import net.openhft.chronicle.queue.impl.single.SingleChronicleQueueBuilder;
import net.openhft.chronicle.wire.DocumentContext;
import org.agrona.DirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;

import java.io.File;
import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;

/**
 * An append-only journal of opaque records on Chronicle Queue: the state commands (ARCHITECTURE invariant 4),
 * the offline messages and the message archive each live in one. Several processes may append to one journal
 * (the server and the account commands of the CLI) and any number may read it, while it is written.
 * <p>
 * A record is on the memory-mapped file when {@link #append} returns, so it survives {@code kill -9} of the
 * process (not a power cut: that needs the OS to flush, which {@link #sync()} asks for). A record the process
 * was killed in the middle of writing is never seen by readers: Chronicle publishes a record's header last.
 * <p>
 * Appends copy the record once into the mapped file and reads hand out a view of the mapped file, so neither
 * allocates. One owning thread at a time (see {@link #handOver()}).
 */
public final class Journal implements AutoCloseable
{
    private static final int DRAIN_BATCH = 1024;
    private static final long LOCK_TAKEOVER_MS = 2_000;

    private final SingleChronicleQueue queue;
    private final ExcerptAppender appender;
    private final ExcerptTailer tailer;
    private final ExcerptTailer seeker;
    private final UnsafeBuffer view = new UnsafeBuffer(0, 0);
    private final AppendAdvice advice = new AppendAdvice();

    private Journal(final SingleChronicleQueue queue, final boolean readOnly)
    {
        this.queue = queue;
        this.appender = readOnly ? null : queue.createAppender();
        this.tailer = queue.createTailer();
        this.seeker = queue.createTailer();
    }

    /**
     * @param directory where the journal's files live; created if missing.
     * @return the open journal, positioned to read from its first record.
     */
    public static Journal open(final Path directory)
    {
        return new Journal(builder(directory).build(), false);
    }

    /**
     * @param directory where the journal's files live; created if missing.
     * @param clock     the time that decides which day's file a record goes to: retention tests write past days.
     * @return the open journal, positioned to read from its first record.
     */
    public static Journal open(final Path directory, final TimeProvider clock)
    {
        return new Journal(builder(directory).timeProvider(clock).build(), false);
    }

    /**
     * Open a journal another process writes, for reading only: what analytics consumers use.
     *
     * @param directory where the journal's files live; must exist.
     * @return the open journal, positioned to read from its first record.
     */
    public static Journal openReadOnly(final Path directory)
    {
        return new Journal(builder(directory).readOnly(true).build(), true);
    }

    private static SingleChronicleQueueBuilder builder(final Path directory)
    {
        // A writer killed holding the write lock leaves it taken; the next one waits this long before it takes
        // it over. Chronicle's 10 s default, per journal, made a restart after kill -9 take most of a minute;
        // a live writer holds the lock for microseconds (records are small), so 2 s is far from its use.
        return SingleChronicleQueueBuilder.single(directory.toFile()).rollCycle(RollCycles.FAST_DAILY)
            .timeoutMS(LOCK_TAKEOVER_MS);
    }

    /**
     * @param buffer holding the record; backed by a byte array or by memory.
     * @param offset of the record.
     * @param length of the record.
     * @return the index the record was written at.
     */
    public long append(final DirectBuffer buffer, final int offset, final int length)
    {
        try (DocumentContext context = appender.writingDocument())
        {
            final Bytes<?> bytes = context.wire().bytes();
            write(bytes, buffer, offset, length);
            advice.afterAppend(bytes);
            return context.index();
        }
    }

    /**
     * Append a record in two parts, a header and a body that lives elsewhere (a stanza in its ring slot), so
     * the body is copied once, into the journal.
     *
     * @return the index the record was written at.
     */
    public long append(
        final DirectBuffer header,
        final int headerOffset,
        final int headerLength,
        final DirectBuffer body,
        final int bodyOffset,
        final int bodyLength)
    {
        try (DocumentContext context = appender.writingDocument())
        {
            final Bytes<?> bytes = context.wire().bytes();
            write(bytes, header, headerOffset, headerLength);
            write(bytes, body, bodyOffset, bodyLength);
            advice.afterAppend(bytes);
            return context.index();
        }
    }

    private static void write(final Bytes<?> bytes, final DirectBuffer buffer, final int offset, final int length)
    {
        final byte[] array = buffer.byteArray();
        if (array != null)
        {
            bytes.write(array, buffer.wrapAdjustment() + offset, length);
        }
        else
        {
            for (int i = 0; i < length; i++)
            {
                bytes.writeByte(buffer.getByte(offset + i));
            }
        }
    }

    /**
     * @return the index of the oldest record still in the journal (retention deletes whole days), or
     * {@link Long#MAX_VALUE} if it is empty.
     */
    public long firstIndex()
    {
        return queue.firstIndex();
    }

    /**
     * @return the index of the last record this journal appended.
     */
    public long lastAppendedIndex()
    {
        return appender.lastIndexAppended();
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
        while (count < limit && readNext(tailer, handler))
        {
            count++;
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
     * Move where {@link #poll} reads next.
     *
     * @param index of the record to read next; it must exist.
     * @return false if there is no such record.
     */
    public boolean seek(final long index)
    {
        return tailer.moveToIndex(index);
    }

    /**
     * Move where {@link #poll} reads next to the record after one: where a replay resumes after a snapshot.
     *
     * @param index of a record in the journal.
     * @return false if there is no such record: then it reads from the first record.
     */
    public boolean seekAfter(final long index)
    {
        if (!tailer.moveToIndex(index))
        {
            tailer.toStart();
            return false;
        }
        try (DocumentContext skipped = tailer.readingDocument())
        {
            return skipped.isPresent();
        }
    }

    /**
     * Move {@link #poll} past the records present now, to read only what is appended from here on.
     */
    public void seekToEnd()
    {
        tailer.toEnd();
    }

    /**
     * Read one record by its index, without moving where {@link #poll} reads.
     *
     * @param index   of the record.
     * @param handler told of the record if it exists.
     * @return false if there is no record at that index (never written, or expired).
     */
    public boolean read(final long index, final RecordHandler handler)
    {
        return seeker.moveToIndex(index) && readNext(seeker, handler);
    }

    private boolean readNext(final ExcerptTailer from, final RecordHandler handler)
    {
        try (DocumentContext context = from.readingDocument())
        {
            if (!context.isPresent())
            {
                return false;
            }
            final Bytes<?> bytes = context.wire().bytes();
            final int length = (int)bytes.readRemaining();
            view.wrap(bytes.addressForRead(bytes.readPosition()), length);
            handler.onRecord(context.index(), view, 0, length);
            return true;
        }
    }

    /**
     * Retention: delete the journal's files of whole days that ended before a moment. The live file is never
     * deleted; a reader still on a deleted file keeps it mapped until it moves on.
     *
     * @param epochMillis files whose day ended at or before this are deleted.
     * @return the number of files deleted.
     */
    public int deleteCyclesBefore(final long epochMillis)
    {
        final RollCycle rollCycle = queue.rollCycle();
        final DateTimeFormatter names = DateTimeFormatter.ofPattern(rollCycle.format()).withZone(ZoneOffset.UTC);
        int deleted = 0;
        final int current = queue.cycle();
        for (final long cycle : queue.listCyclesBetween(queue.firstCycle(), current))
        {
            final long cycleEnd = (cycle + 1) * rollCycle.lengthInMillis();
            if (cycle == current || cycleEnd > epochMillis)
            {
                break;
            }
            final String name = names.format(Instant.ofEpochMilli(cycle * rollCycle.lengthInMillis()));
            if (new File(queue.file(), name + SingleChronicleQueue.SUFFIX).delete())
            {
                deleted++;
            }
        }
        queue.refreshDirectoryListing();
        return deleted;
    }

    /**
     * Hand the journal to another thread: the thread that opened and replayed it gives it to the one that
     * goes on polling and appending.
     */
    public void handOver()
    {
        if (appender != null)
        {
            appender.singleThreadedCheckReset();
        }
        tailer.singleThreadedCheckReset();
        seeker.singleThreadedCheckReset();
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
        if (appender != null)
        {
            appender.close();
        }
        tailer.close();
        seeker.close();
        queue.close();
    }
}
