package org.stanzaswitch.gateway;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The leak check every system test class ends with can fail: a buffer dropped without release is found, with the
 * place it was allocated.
 */
class RecordingLeakDetectorTest
{
    @Test
    void shouldFindABufferDroppedWithoutRelease() throws InterruptedException
    {
        final String detector = System.getProperty("io.netty.customResourceLeakDetector");
        assumeTrue(RecordingLeakDetector.class.getName().equals(detector), "the build sets Netty's leak detector");
        assertThat(RecordingLeakDetector.drainLeaks()).isEmpty();

        allocateAndDrop();

        assertThat(RecordingLeakDetector.drainLeaks())
            .singleElement().asString()
            .contains("ByteBuf was garbage-collected without release()")
            .contains("allocateAndDrop");
    }

    private static void allocateAndDrop()
    {
        final ByteBuf buffer = PooledByteBufAllocator.DEFAULT.directBuffer(64);
        buffer.writeLong(1L);
    }
}
