package org.stanzaswitch.journal;

import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class SnapshotTest
{
    @TempDir
    Path directory;

    private static UnsafeBuffer bytes(final String text)
    {
        return new UnsafeBuffer(text.getBytes(StandardCharsets.UTF_8));
    }

    private static void write(final Path file, final long index, final String... records)
    {
        try (Snapshot.Writer writer = Snapshot.write(file, index))
        {
            for (final String record : records)
            {
                writer.append(bytes(record), 0, record.length());
            }
            writer.commit();
        }
    }

    private static List<String> read(final Path file, final long[] index)
    {
        final List<String> records = new ArrayList<>();
        index[0] = Snapshot.read(file, (recordIndex, buffer, offset, length) ->
        {
            assertThat(recordIndex).isEqualTo(-1);
            records.add(buffer.getStringWithoutLengthUtf8(offset, length));
        });
        return records;
    }

    @Test
    @DisplayName("records come back in order with the journal index, including records larger than a write block")
    void shouldRoundTrip()
    {
        final Path file = directory.resolve("state.snapshot");
        final char[] big = new char[200_000];
        Arrays.fill(big, 'x');
        write(file, 42, "one", "", new String(big), "four");

        final long[] index = new long[1];
        assertThat(read(file, index)).containsExactly("one", "", new String(big), "four");
        assertThat(index[0]).isEqualTo(42);
        assertThat(directory.resolve("state.snapshot.tmp")).doesNotExist();
    }

    @Test
    @DisplayName("no file, a flipped byte or a torn file: no records at all, so recovery replays the whole journal")
    void shouldRefuseWhatFailsItsCheck() throws IOException
    {
        final Path file = directory.resolve("state.snapshot");
        final long[] index = new long[1];
        assertThat(read(file, index)).isEmpty();
        assertThat(index[0]).isEqualTo(Snapshot.NONE);

        write(file, 7, "alpha", "beta", "gamma");
        final byte[] whole = Files.readAllBytes(file);
        for (final int at : new int[]{0, 5, 18, whole.length / 2, whole.length - 1})
        {
            final byte[] damaged = whole.clone();
            damaged[at] ^= 0x20;
            Files.write(file, damaged);
            assertThat(read(file, index)).as("byte %d flipped", at).isEmpty();
            assertThat(index[0]).isEqualTo(Snapshot.NONE);
        }
        for (final int length : new int[]{0, 10, whole.length - 1})
        {
            Files.write(file, Arrays.copyOf(whole, length));
            assertThat(read(file, index)).as("torn at %d bytes", length).isEmpty();
        }
    }

    @Test
    @DisplayName("a snapshot abandoned half way (a crash while writing) leaves the previous one in place")
    void shouldKeepThePreviousSnapshotUntilCommit() throws IOException
    {
        final Path file = directory.resolve("state.snapshot");
        write(file, 1, "old");
        try (Snapshot.Writer writer = Snapshot.write(file, 2))
        {
            writer.append(bytes("new"), 0, 3);
        }
        final long[] index = new long[1];
        assertThat(read(file, index)).containsExactly("old");
        assertThat(index[0]).isEqualTo(1);
        assertThat(directory.resolve("state.snapshot.tmp")).doesNotExist();

        // A process killed mid-write leaves its temporary file behind; the next writer starts it afresh.
        try (RandomAccessFile torn = new RandomAccessFile(directory.resolve("state.snapshot.tmp").toFile(), "rw"))
        {
            torn.write(new byte[100]);
        }
        write(file, 3, "newer");
        assertThat(read(file, index)).containsExactly("newer");
        assertThat(index[0]).isEqualTo(3);
    }

    @Test
    @DisplayName("restore applies the snapshot and positions the journal on the first record after it")
    void shouldResumeTheJournalAfterTheSnapshot()
    {
        final Path file = directory.resolve("state.snapshot");
        try (Journal journal = Journal.open(directory.resolve("journal")))
        {
            journal.append(bytes("c1"), 0, 2);
            final long second = journal.append(bytes("c2"), 0, 2);
            journal.append(bytes("c3"), 0, 2);
            write(file, second, "state-after-c2");

            final List<String> seen = new ArrayList<>();
            final RecordHandler handler = (index, buffer, offset, length) ->
                seen.add(buffer.getStringWithoutLengthUtf8(offset, length));
            assertThat(Snapshot.restore(file, journal, handler)).isEqualTo(second);
            journal.drain(handler);
            assertThat(seen).containsExactly("state-after-c2", "c3");
        }
    }

    @Test
    @DisplayName("a snapshot of another journal (an index this one does not hold) stops recovery with a clear error")
    void shouldRefuseASnapshotOfAnotherJournal()
    {
        final Path file = directory.resolve("state.snapshot");
        try (Journal journal = Journal.open(directory.resolve("journal")))
        {
            final long only = journal.append(bytes("c1"), 0, 2);
            write(file, only + 1000, "foreign");
            assertThatThrownBy(() -> Snapshot.restore(file, journal, (index, buffer, offset, length) -> { }))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("move the snapshot aside");
        }
    }
}
