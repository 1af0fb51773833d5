package org.stanzaswitch.gateway;

import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class OutboundQueueTest
{
    @Test
    @DisplayName("XEP-0198 §4: h releases what the client handled; a burst's room is given back once all is " +
        "acknowledged")
    void shouldReleaseAcknowledgedAndShrinkAfterBurst()
    {
        final OutboundQueue queue = new OutboundQueue(1 << 20);
        final int initial = queue.capacity();
        final UnsafeBuffer stanza = new UnsafeBuffer(new byte[1000]);
        for (int i = 0; i < 100; i++)
        {
            assertThat(queue.add(stanza, 0, stanza.capacity())).isTrue();
        }
        assertThat(queue.capacity()).as("grown for the burst").isGreaterThan(100 * 1000);

        assertThat(queue.acknowledge(101)).as("more than was delivered").isFalse();
        assertThat(queue.acknowledge(60)).isTrue();
        assertThat(queue.capacity()).as("still holding 40 unacknowledged").isGreaterThan(40 * 1000);
        assertThat(queue.acknowledge(100)).isTrue();
        assertThat(queue.capacity()).as("all acknowledged").isEqualTo(initial);
    }
}
