package org.stanzaswitch.switching.archive;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The per-owner archive index in mapped chunks: positions, binary search and removal behave as over one array,
 * across chunk and file boundaries, with owners interleaved, and chunks emptied go back for reuse.
 */
class OwnerArchiveTest
{
    /** Two chunks per file, so a few hundred entries cross many files. */
    private static final int SEGMENT = 2 * IndexChunks.CHUNK_BYTES;

    @TempDir
    Path directory;

    private IndexChunks store;

    private IndexChunks open() throws Exception
    {
        store = new IndexChunks(directory.resolve("index"), SEGMENT);
        return store;
    }

    @AfterEach
    void close()
    {
        if (store != null)
        {
            store.close();
        }
    }

    @Test
    @DisplayName("two owners filled in turn read back their own entries, found by index and absent between them")
    void shouldKeepInterleavedOwnersApart() throws Exception
    {
        final IndexChunks chunks = open();
        final OwnerArchive alice = new OwnerArchive(chunks);
        final OwnerArchive bob = new OwnerArchive(chunks);
        final int count = 5 * IndexChunks.ENTRIES + 7;
        for (int i = 0; i < count; i++)
        {
            alice.add(10L * i, i % 3);
            bob.add(10L * i + 5, 1000 + i);
        }

        assertThat(alice.size()).isEqualTo(count);
        assertThat(bob.size()).isEqualTo(count);
        assertThat(chunks.chunksInUse()).as("six chunks each").isEqualTo(12);
        for (int i = 0; i < count; i++)
        {
            assertThat(alice.indexAt(i)).isEqualTo(10L * i);
            assertThat(alice.withAt(i)).isEqualTo(i % 3);
            assertThat(bob.indexAt(i)).isEqualTo(10L * i + 5);
            assertThat(bob.withAt(i)).isEqualTo(1000 + i);
            assertThat(alice.positionOf(10L * i)).isEqualTo(i);
            assertThat(alice.positionOf(10L * i + 5)).as("bob's, not alice's").isEqualTo(-1);
        }
        assertThat(alice.positionOf(-1)).isEqualTo(-1);
        assertThat(alice.positionOf(10L * count)).isEqualTo(-1);
        try (Stream<Path> files = Files.list(directory.resolve("index")))
        {
            assertThat(files.count()).as("one file per two chunks").isEqualTo(6);
        }
    }

    @Test
    @DisplayName("removing up to an index keeps the rest in place and gives emptied chunks to the next owner")
    void shouldReuseChunksEmptiedByRemoval() throws Exception
    {
        final IndexChunks chunks = open();
        final OwnerArchive alice = new OwnerArchive(chunks);
        final int count = 3 * IndexChunks.ENTRIES;
        for (int i = 0; i < count; i++)
        {
            alice.add(i, i);
        }

        alice.removeUpTo(IndexChunks.ENTRIES + 9);
        assertThat(alice.size()).isEqualTo(count - IndexChunks.ENTRIES - 10);
        assertThat(alice.indexAt(0)).isEqualTo(IndexChunks.ENTRIES + 10);
        assertThat(alice.withAt(0)).isEqualTo(IndexChunks.ENTRIES + 10);
        assertThat(alice.positionOf(IndexChunks.ENTRIES + 9)).as("removed").isEqualTo(-1);
        assertThat(alice.positionOf(count - 1)).isEqualTo(alice.size() - 1);
        assertThat(chunks.chunksInUse()).as("the first chunk went back").isEqualTo(2);

        final OwnerArchive bob = new OwnerArchive(chunks);
        bob.add(7, 7);
        assertThat(chunks.chunksInUse()).as("bob's chunk is the released one").isEqualTo(3);
        assertThat(alice.indexAt(0)).as("bob's write does not touch alice's").isEqualTo(IndexChunks.ENTRIES + 10);

        alice.add(count, 1);
        assertThat(alice.indexAt(alice.size() - 1)).isEqualTo(count);
        alice.removeUpTo(Long.MAX_VALUE);
        assertThat(alice.size()).isZero();
        alice.add(count + 1, 2);
        assertThat(alice.size()).isEqualTo(1);
        assertThat(alice.indexAt(0)).isEqualTo(count + 1);
        assertThat(alice.withAt(0)).isEqualTo(2);

        alice.release();
        bob.release();
        assertThat(chunks.chunksInUse()).isZero();
    }

    @Test
    @DisplayName("the files are scratch: a stale one is cleared at open and all are gone after close")
    void shouldDeleteScratchFiles() throws Exception
    {
        final Path index = Files.createDirectories(directory.resolve("index"));
        Files.writeString(index.resolve("index-0.bin"), "left by a crash");

        final IndexChunks chunks = open();
        final OwnerArchive alice = new OwnerArchive(chunks);
        alice.add(1, 1);
        assertThat(alice.indexAt(0)).isEqualTo(1);
        assertThat(Files.size(index.resolve("index-0.bin"))).isEqualTo(SEGMENT);

        chunks.close();
        store = null;
        assertThat(index).doesNotExist();
    }
}
