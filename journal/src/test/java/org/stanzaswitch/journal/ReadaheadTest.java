package org.stanzaswitch.journal;

import org.agrona.IoUtil;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

class ReadaheadTest
{
    @TempDir
    Path directory;

    @Test
    @DisplayName("a sparse mapped file of a size that is not whole pages (the archive index's) is advised whole")
    void shouldAdviseAWholeMapping() throws IOException
    {
        assumeTrue(Files.isReadable(MappingFlags.SMAPS), "the kernel's view of mappings is Linux's");
        final Path file = directory.resolve("segment.bin");
        final UnsafeBuffer segment = new UnsafeBuffer(IoUtil.mapNewFile(file.toFile(), 3 * 1024 * 1024 + 768, false));
        try
        {
            assertThat(MappingFlags.byFileOffset(file.toString()::equals).get(0L)).doesNotContain("rr");
            Readahead.disable(segment.addressOffset(), segment.capacity());
            assertThat(MappingFlags.byFileOffset(file.toString()::equals))
                .as("one mapping, advised from its first page to its last")
                .containsOnlyKeys(0L)
                .hasEntrySatisfying(0L, flags -> assertThat(flags).contains("rr"));
        }
        finally
        {
            IoUtil.unmap(segment.byteBuffer());
        }
    }
}
