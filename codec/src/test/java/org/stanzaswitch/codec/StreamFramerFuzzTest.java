package org.stanzaswitch.codec;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import org.agrona.concurrent.UnsafeBuffer;

/**
 * Coverage-guided fuzz target (Jazzer). Without {@code JAZZER_FUZZ} it replays its seeds as a regression
 * test; the build's {@code fuzz} execution sets it and bounds the run by {@code fuzz.seconds}
 * ({@code mvn -pl codec verify -Dfuzz.seconds=3600} for a long run).
 * <p>
 * Whatever the bytes and however they are split, the framer reports through its listener and never throws,
 * and what it holds stays within its limits.
 */
class StreamFramerFuzzTest
{
    private static final DecoderLimits LIMITS = new DecoderLimits()
        .maxStanzaSize(16 * 1024)
        .maxReadSize(1024)
        .maxDepth(8)
        .maxAttributes(8)
        .maxAttributeValueLength(4096)
        .conclude();
    private static final byte[] HEADER = StreamFramerTest.HEADER.getBytes(java.nio.charset.StandardCharsets.UTF_8);

    @FuzzTest
    void framerNeverThrowsAndStaysWithinLimits(final FuzzedDataProvider data)
    {
        final RecordingListener listener = new RecordingListener();
        final StreamFramer framer = new StreamFramer(LIMITS, listener);
        if (data.consumeBoolean())
        {
            framer.decode(new UnsafeBuffer(HEADER), 0, HEADER.length);
        }
        while (data.remainingBytes() > 0)
        {
            final int size = data.consumeInt(1, LIMITS.maxReadSize());
            final byte[] chunk = data.consumeBytes(size);
            listener.refuseNext(data.consumeBoolean() ? 1 : 0);
            int status = framer.decode(new UnsafeBuffer(chunk), 0, chunk.length);
            if (status == StreamFramer.BACK_PRESSURED)
            {
                status = framer.resume();
            }
            if (framer.pendingCapacity() > 2 * (LIMITS.maxStanzaSize() + LIMITS.maxReadSize()))
            {
                throw new IllegalStateException("framer holds " + framer.pendingCapacity() + " bytes");
            }
            if (status == StreamFramer.FAILED || status == StreamFramer.CLOSED)
            {
                framer.reset();
            }
        }
    }
}
