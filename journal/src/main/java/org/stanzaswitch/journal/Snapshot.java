package org.stanzaswitch.journal;

import org.agrona.DirectBuffer;
import org.agrona.IoUtil;
import org.agrona.concurrent.UnsafeBuffer;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.zip.CRC32C;

/**
 * A snapshot of a state machine: records that rebuild the state as it was after a journal index, so startup
 * applies the snapshot and replays only the journal after that index (ARCHITECTURE invariant 4). The records
 * are the state machine's own commands, one per piece of state, so applying a snapshot is the same code as
 * applying the journal. Little-endian layout:
 * <pre>
 *   header:  magic "SSSN" | version (i32) | journal index (i64)
 *   records: length (i32) | bytes, ...
 *   trailer: -1 (i32) | record count (i64) | CRC32C of everything before it (i32)
 * </pre>
 * A snapshot is written to a temporary file, forced to disk and renamed over the last one, so a crash while
 * writing leaves the previous snapshot whole; one that fails its check is not used at all.
 */
public final class Snapshot
{
    /** What {@link #read} returns when there is no usable snapshot: replay the whole journal. */
    public static final long NONE = Long.MIN_VALUE;

    private static final int MAGIC = 0x4E535353; // "SSSN" little-endian
    private static final int VERSION = 1;
    private static final int HEADER_LENGTH = 16;
    private static final int TRAILER_LENGTH = 16;
    private static final int END_OF_RECORDS = -1;

    private Snapshot()
    {
    }

    /**
     * Start writing a snapshot; nothing replaces the current one until {@link Writer#commit()}.
     *
     * @param file         where the snapshot lives.
     * @param journalIndex the last journal record the state includes.
     * @return the writer, to append the records to.
     */
    public static Writer write(final Path file, final long journalIndex)
    {
        return new Writer(file, journalIndex);
    }

    /**
     * Apply a snapshot's records, if there is a whole one.
     *
     * @param file    where the snapshot lives.
     * @param handler told of each record, with index -1.
     * @return the journal index the snapshot covers, or {@link #NONE} if the file is missing or fails its check
     *         (then the handler was told of nothing).
     * @throws UncheckedIOException if the file exists but cannot be read.
     */
    public static long read(final Path file, final RecordHandler handler)
    {
        final FileChannel channel;
        try
        {
            channel = FileChannel.open(file, StandardOpenOption.READ);
        }
        catch (final NoSuchFileException ex)
        {
            return NONE;
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException(ex);
        }
        MappedByteBuffer mapped = null;
        try (channel)
        {
            final long size = channel.size();
            if (size < HEADER_LENGTH + TRAILER_LENGTH || size > Integer.MAX_VALUE)
            {
                return NONE;
            }
            mapped = channel.map(FileChannel.MapMode.READ_ONLY, 0, size);
            return apply(new UnsafeBuffer(mapped), (int)size, handler);
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException(ex);
        }
        finally
        {
            if (mapped != null)
            {
                IoUtil.unmap(mapped);
            }
        }
    }

    /**
     * Recovery: apply the snapshot, if there is a whole one, and position the journal to replay what follows it.
     *
     * @param file    where the snapshot lives.
     * @param journal the journal the snapshot was taken from; afterwards {@link Journal#drain} replays the rest.
     * @param handler told of the snapshot's records.
     * @return the journal index the snapshot covers, or {@link #NONE} (then the journal replays from its start).
     * @throws IllegalStateException if the snapshot covers a record the journal does not hold: the two do not
     *                               belong together, and guessing would lose or double state.
     */
    public static long restore(final Path file, final Journal journal, final RecordHandler handler)
    {
        final long covered = read(file, handler);
        if (covered != NONE && !journal.seekAfter(covered))
        {
            throw new IllegalStateException("the snapshot " + file + " covers journal index " + covered +
                " which the journal does not hold; move the snapshot aside to rebuild from the journal alone");
        }
        return covered;
    }

    private static long apply(final UnsafeBuffer buffer, final int size, final RecordHandler handler)
    {
        final int trailer = size - TRAILER_LENGTH;
        final CRC32C crc = new CRC32C();
        crc.update(buffer.byteBuffer().duplicate().position(0).limit(size - 4));
        if (buffer.getInt(0, ByteOrder.LITTLE_ENDIAN) != MAGIC ||
            buffer.getInt(4, ByteOrder.LITTLE_ENDIAN) != VERSION ||
            buffer.getInt(trailer, ByteOrder.LITTLE_ENDIAN) != END_OF_RECORDS ||
            buffer.getInt(size - 4, ByteOrder.LITTLE_ENDIAN) != (int)crc.getValue())
        {
            return NONE;
        }
        // The checksum held, so the lengths are the ones written: walking them cannot leave the file.
        int at = HEADER_LENGTH;
        while (at < trailer)
        {
            final int length = buffer.getInt(at, ByteOrder.LITTLE_ENDIAN);
            handler.onRecord(-1, buffer, at + 4, length);
            at += 4 + length;
        }
        return buffer.getLong(8, ByteOrder.LITTLE_ENDIAN);
    }

    /**
     * Writes one snapshot: {@link #append} each record, then {@link #commit()}; {@link #close()} without a
     * commit abandons it.
     */
    public static final class Writer implements AutoCloseable
    {
        private final Path file;
        private final Path temporary;
        private final FileChannel channel;
        private final ByteBuffer block = ByteBuffer.allocateDirect(64 * 1024).order(ByteOrder.LITTLE_ENDIAN);
        private final CRC32C crc = new CRC32C();
        private long records;
        private boolean committed;

        private Writer(final Path file, final long journalIndex)
        {
            this.file = file;
            this.temporary = file.resolveSibling(file.getFileName() + ".tmp");
            try
            {
                Files.createDirectories(file.toAbsolutePath().getParent());
                channel = FileChannel.open(temporary, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                    StandardOpenOption.TRUNCATE_EXISTING);
            }
            catch (final IOException ex)
            {
                throw new UncheckedIOException(ex);
            }
            block.putInt(MAGIC).putInt(VERSION).putLong(journalIndex);
        }

        /**
         * @param buffer holding the record.
         * @param offset of the record.
         * @param length of the record.
         * @return this writer.
         */
        public Writer append(final DirectBuffer buffer, final int offset, final int length)
        {
            room(4);
            block.putInt(length);
            int done = 0;
            while (done < length)
            {
                room(1);
                final int chunk = Math.min(length - done, block.remaining());
                buffer.getBytes(offset + done, block, block.position(), chunk);
                block.position(block.position() + chunk);
                done += chunk;
            }
            records++;
            return this;
        }

        /**
         * Seal the snapshot, force it to disk and put it in place of the previous one.
         */
        public void commit()
        {
            room(TRAILER_LENGTH);
            block.putInt(END_OF_RECORDS).putLong(records);
            flush();
            block.putInt((int)crc.getValue());
            try
            {
                block.flip();
                channel.write(block);
                channel.force(true);
                channel.close();
                Files.move(temporary, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
                forceDirectory(file.toAbsolutePath().getParent());
                committed = true;
            }
            catch (final IOException ex)
            {
                throw new UncheckedIOException(ex);
            }
        }

        /**
         * @return the records appended so far.
         */
        public long records()
        {
            return records;
        }

        private void room(final int bytes)
        {
            if (block.remaining() < bytes)
            {
                flush();
            }
        }

        private void flush()
        {
            block.flip();
            crc.update(block.duplicate());
            try
            {
                while (block.hasRemaining())
                {
                    channel.write(block);
                }
            }
            catch (final IOException ex)
            {
                throw new UncheckedIOException(ex);
            }
            block.clear();
        }

        @Override
        public void close()
        {
            if (!committed)
            {
                try
                {
                    channel.close();
                    Files.deleteIfExists(temporary);
                }
                catch (final IOException ex)
                {
                    throw new UncheckedIOException(ex);
                }
            }
        }

        private static void forceDirectory(final Path directory) throws IOException
        {
            // The rename is durable only once the directory entry is on disk.
            try (FileChannel dir = FileChannel.open(directory, StandardOpenOption.READ))
            {
                dir.force(true);
            }
        }
    }
}
