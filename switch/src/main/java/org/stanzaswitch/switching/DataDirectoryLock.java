package org.stanzaswitch.switching;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * One switch per data directory: a second server started on the same journals would route and journal beside
 * the first, and empty the archive index's scratch files under it. An exclusive lock on {@code switch.lock},
 * taken before any journal is opened and held until the switch closes; the operating system drops it when the
 * process dies, even by {@code kill -9}, so a crash never leaves the directory locked. The account commands
 * of the command line write the state journal beside a running server, as Chronicle Queue allows, and do not
 * take it.
 */
final class DataDirectoryLock implements AutoCloseable
{
    static final String FILE_NAME = "switch.lock";

    private final FileChannel channel;
    private final FileLock lock;

    private DataDirectoryLock(final FileChannel channel, final FileLock lock)
    {
        this.channel = channel;
        this.lock = lock;
    }

    /**
     * @param dataDir the switch's data directory, created if missing.
     * @return the lock, held until closed.
     * @throws DataDirectoryInUseException if another switch holds it.
     */
    static DataDirectoryLock acquire(final Path dataDir)
    {
        final Path file = dataDir.resolve(FILE_NAME);
        FileChannel channel = null;
        try
        {
            Files.createDirectories(dataDir);
            channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.READ);
            final FileLock lock = tryLock(channel);
            if (lock == null)
            {
                throw new DataDirectoryInUseException("data directory " + dataDir.toAbsolutePath() +
                    " is in use by another Stanza Switch (" + holder(channel) + ")");
            }
            channel.truncate(0);
            channel.write(ByteBuffer.wrap(
                Long.toString(ProcessHandle.current().pid()).getBytes(StandardCharsets.US_ASCII)), 0);
            return new DataDirectoryLock(channel, lock);
        }
        catch (final IOException ex)
        {
            closeQuietly(channel);
            throw new UncheckedIOException("cannot lock " + file, ex);
        }
        catch (final RuntimeException ex)
        {
            closeQuietly(channel);
            throw ex;
        }
    }

    private static FileLock tryLock(final FileChannel channel) throws IOException
    {
        try
        {
            return channel.tryLock();
        }
        catch (final OverlappingFileLockException ex)
        {
            // Held by this process already: another switch in the same JVM.
            return null;
        }
    }

    private static String holder(final FileChannel channel) throws IOException
    {
        final ByteBuffer pid = ByteBuffer.allocate(20);
        channel.read(pid, 0);
        pid.flip();
        final String text = StandardCharsets.US_ASCII.decode(pid).toString().trim();
        return text.isEmpty() ? "pid unknown" : "pid " + text;
    }

    private static void closeQuietly(final FileChannel channel)
    {
        if (channel != null)
        {
            try
            {
                channel.close();
            }
            catch (final IOException ignored)
            {
                // Already failing; the first error is the one to report.
            }
        }
    }

    @Override
    public void close()
    {
        try
        {
            lock.release();
            channel.close();
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException(ex);
        }
    }
}
