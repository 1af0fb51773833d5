package org.stanzaswitch.journal;

import org.agrona.DirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import net.openhft.chronicle.core.time.SetTimeProvider;
import net.openhft.chronicle.queue.ChronicleQueue;
import net.openhft.chronicle.queue.ExcerptAppender;
import net.openhft.chronicle.queue.RollCycles;
import net.openhft.chronicle.queue.impl.single.SingleChronicleQueue;
import net.openhft.chronicle.queue.impl.single.SingleChronicleQueueBuilder;
import net.openhft.chronicle.wire.DocumentContext;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.lang.management.ManagementFactory;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

class JournalTest
{
    @TempDir
    Path directory;

    private static UnsafeBuffer bytes(final String text)
    {
        return new UnsafeBuffer(text.getBytes(StandardCharsets.UTF_8));
    }

    private static String text(final DirectBuffer buffer, final int offset, final int length)
    {
        return buffer.getStringWithoutLengthUtf8(offset, length);
    }

    private static List<String> drain(final Journal journal)
    {
        final List<String> records = new ArrayList<>();
        journal.drain((index, buffer, offset, length) -> records.add(text(buffer, offset, length)));
        return records;
    }

    @Test
    @DisplayName("records come back in order, whole or in two parts, by poll and by index, across reopening")
    void shouldAppendAndRead()
    {
        final long second;
        try (Journal journal = Journal.open(directory))
        {
            journal.append(bytes("one"), 0, 3);
            second = journal.append(bytes("<head>"), 0, 6, bytes("xx<body/>xx"), 2, 7);
            final UnsafeBuffer direct = new UnsafeBuffer(ByteBuffer.allocateDirect(5));
            direct.putStringWithoutLengthAscii(0, "three");
            journal.append(direct, 0, 5);
            assertThat(drain(journal)).containsExactly("one", "<head><body/>", "three");
            final List<String> byIndex = new ArrayList<>();
            assertThat(journal.read(second,
                (index, buffer, offset, length) -> byIndex.add(text(buffer, offset, length))))
                .isTrue();
            assertThat(byIndex).containsExactly("<head><body/>");
            assertThat(journal.read(second + 100, (index, buffer, offset, length) -> byIndex.add("none"))).isFalse();
        }
        try (Journal reopened = Journal.open(directory))
        {
            assertThat(drain(reopened)).containsExactly("one", "<head><body/>", "three");
            reopened.seek(second);
            assertThat(drain(reopened)).containsExactly("<head><body/>", "three");
        }
    }

    @Test
    @DisplayName("retention deletes the files of whole days that ended before the cut, never today's")
    void shouldDeleteWholeOldDays()
    {
        final long day = TimeUnit.DAYS.toMillis(1);
        final long today = System.currentTimeMillis() / day * day;
        final SetTimeProvider clock = new SetTimeProvider(today - 3 * day + 1000);
        try (Journal journal = Journal.open(directory, clock))
        {
            journal.append(bytes("three days ago"), 0, 14);
            clock.currentTimeMillis(today - 2 * day + 1000);
            journal.append(bytes("two days ago"), 0, 12);
            clock.currentTimeMillis(today + 1000);
            journal.append(bytes("today"), 0, 5);
            assertThat(journal.deleteCyclesBefore(today - day)).isEqualTo(2);
            assertThat(journal.deleteCyclesBefore(today + day)).as("today's file is live").isZero();
        }
        try (Journal journal = Journal.open(directory, clock))
        {
            assertThat(drain(journal)).containsExactly("today");
        }
    }

    @Test
    @DisplayName("a reader in read-only mode sees what a writer appends while it reads")
    void shouldTailAWriter()
    {
        try (Journal writer = Journal.open(directory); Journal reader = Journal.openReadOnly(directory))
        {
            writer.append(bytes("a"), 0, 1);
            assertThat(drain(reader)).containsExactly("a");
            writer.append(bytes("b"), 0, 1);
            assertThat(drain(reader)).containsExactly("b");
        }
    }

    @Test
    @DisplayName("beyond its writer a journal's mapping is advised for random access: a write fault there fills one " +
        "page, not the disk's readahead window, on the router's thread")
    void shouldAdviseNoReadaheadBeyondTheWriter() throws IOException
    {
        assumeTrue(Files.isReadable(MappingFlags.SMAPS), "the kernel's view of mappings is Linux's");
        try (Journal journal = Journal.open(directory))
        {
            journal.append(bytes("one"), 0, 3);
            final Map<Long, List<String>> flagsByOffset = MappingFlags.byFileOffset(
                path -> path.startsWith(directory.toString()) && path.endsWith(SingleChronicleQueue.SUFFIX));
            assertThat(flagsByOffset).as("the journal file is mapped").isNotEmpty();
            assertThat(flagsByOffset.get(0L)).as("the written head reads ahead as before").doesNotContain("rr");
            assertThat(flagsByOffset.values()).as("the rest of the chunk is advised MADV_RANDOM")
                .anySatisfy(flags -> assertThat(flags).contains("rr"));
        }
    }

    @Test
    @DisplayName("a record torn by kill -9 mid-write is never read; the next writer recovers and goes on after it")
    void shouldRecoverFromATornRecord() throws Exception
    {
        final List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(ManagementFactory.getRuntimeMXBean().getInputArguments().stream()
            .filter(argument -> argument.startsWith("--add-") || argument.startsWith("-Dchronicle")).toList());
        command.addAll(List.of("-cp", System.getProperty("java.class.path"), TornWriter.class.getName(),
            directory.toString()));
        final Process writer = new ProcessBuilder(command).redirectErrorStream(true).start();
        try (BufferedReader out = new BufferedReader(new InputStreamReader(writer.getInputStream(),
            StandardCharsets.UTF_8)))
        {
            String line;
            while ((line = out.readLine()) != null && !line.equals(TornWriter.READY))
            {
                continue;
            }
            assertThat(line).isEqualTo(TornWriter.READY);
            writer.destroyForcibly();
            assertThat(writer.waitFor(30, TimeUnit.SECONDS)).isTrue();
        }
        try (Journal journal = Journal.open(directory))
        {
            assertThat(drain(journal)).containsExactly("kept");
            journal.append(bytes("after"), 0, 5);
            assertThat(drain(journal)).containsExactly("after");
        }
        try (Journal journal = Journal.open(directory))
        {
            assertThat(drain(journal)).containsExactly("kept", "after");
        }
    }

    /**
     * Appends one record, then starts a second and never finishes it, waiting to be killed.
     */
    public static final class TornWriter
    {
        static final String READY = "torn record open";

        public static void main(final String[] args) throws Exception
        {
            try (ChronicleQueue queue = SingleChronicleQueueBuilder.single(args[0]).rollCycle(RollCycles.FAST_DAILY)
                .build();
                 ExcerptAppender appender = queue.createAppender())
            {
                try (DocumentContext context = appender.writingDocument())
                {
                    context.wire().bytes().write("kept".getBytes(StandardCharsets.US_ASCII));
                }
                final DocumentContext torn = appender.writingDocument();
                torn.wire().bytes().write("torn".getBytes(StandardCharsets.US_ASCII));
                System.out.println(READY);
                System.out.flush();
                Thread.sleep(Long.MAX_VALUE);
            }
        }
    }
}
