package org.stanzaswitch.codec;

import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.nio.charset.StandardCharsets;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * ARCHITECTURE invariant 3: any split of the byte stream gives the same events, for valid streams and for
 * broken ones alike.
 */
@Timeout(120)
class StreamFramerPropertyTest
{
    private static final int STREAMS = 400;
    private static final int CHUNKINGS = 6;

    @Test
    @DisplayName("random valid streams give identical events for every chunking")
    void shouldGiveSameEventsForEverySplitOfValidStreams()
    {
        for (int seed = 0; seed < STREAMS; seed++)
        {
            final StreamGenerator generator = new StreamGenerator(seed);
            final byte[] input = generator.stream(1 + seed % 8).getBytes(StandardCharsets.UTF_8);
            final List<String> whole = decode(input, new int[]{input.length});
            assertThat(whole).as("seed %d", seed).noneMatch(event -> event.startsWith("error"));
            for (int c = 0; c < CHUNKINGS; c++)
            {
                assertThat(decode(input, generator.chunking(input.length))).as("seed %d", seed).isEqualTo(whole);
            }
        }
    }

    @Test
    @DisplayName("random mutated streams give identical events, errors included, for every chunking")
    void shouldGiveSameEventsForEverySplitOfMutatedStreams()
    {
        for (int seed = 0; seed < STREAMS; seed++)
        {
            final StreamGenerator generator = new StreamGenerator(seed);
            final byte[] input = generator.mutate(generator.stream(1 + seed % 8).getBytes(StandardCharsets.UTF_8));
            final List<String> whole = decode(input, new int[]{input.length});
            for (int c = 0; c < CHUNKINGS; c++)
            {
                assertThat(decode(input, generator.chunking(input.length))).as("seed %d", seed).isEqualTo(whole);
            }
        }
    }

    @Test
    @DisplayName("back pressure on every element gives the same events as none")
    void shouldGiveSameEventsUnderBackPressure()
    {
        for (int seed = 0; seed < STREAMS / 4; seed++)
        {
            final StreamGenerator generator = new StreamGenerator(seed);
            final byte[] input = generator.stream(1 + seed % 8).getBytes(StandardCharsets.UTF_8);
            final List<String> whole = decode(input, new int[]{input.length});
            final RecordingListener listener = new RecordingListener();
            final StreamFramer framer = new StreamFramer(new DecoderLimits().conclude(), listener);
            int offset = 0;
            for (final int size : generator.chunking(input.length))
            {
                listener.refuseNext(1);
                int status = framer.decode(new UnsafeBuffer(input), offset, size);
                for (int retry = 0; status == StreamFramer.BACK_PRESSURED; retry++)
                {
                    assertThat(retry).as("seed %d", seed).isLessThan(1000);
                    listener.refuseNext(retry % 2 == 0 ? seed % 2 : 0);
                    status = framer.resume();
                }
                offset += size;
            }
            assertThat(listener.events).as("seed %d", seed).isEqualTo(whole);
        }
    }

    static List<String> decode(final byte[] input, final int[] chunking)
    {
        final RecordingListener listener = new RecordingListener();
        final StreamFramer framer = new StreamFramer(new DecoderLimits().conclude(), listener);
        int offset = 0;
        for (final int size : chunking)
        {
            final byte[] chunk = new byte[size];
            System.arraycopy(input, offset, chunk, 0, size);
            framer.decode(new UnsafeBuffer(chunk), 0, size);
            offset += size;
        }
        return listener.events;
    }
}
