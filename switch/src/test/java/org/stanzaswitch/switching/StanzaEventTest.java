package org.stanzaswitch.switching;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A ring slot gives back what a large stanza made it grow, and keeps what ordinary stanzas need, so the ring's
 * memory is bounded by its size, not by the largest stanzas clients have sent.
 */
class StanzaEventTest
{
    @Test
    @DisplayName("a slot grown for a 256 KB stanza is back to its first size once cleared; one grown a little keeps it")
    void shouldGiveBackRoomForLargeStanzas()
    {
        final StanzaEvent event = new StanzaEvent();
        event.stanza.checkLimit(256 * 1024);
        event.length = 256 * 1024;
        event.clear();
        assertThat(event.stanza.capacity()).isEqualTo(StanzaEvent.INITIAL_BYTES);
        assertThat(event.length).isZero();

        event.stanza.checkLimit(1500);
        final byte[] grown = event.stanza.byteArray();
        assertThat(grown.length).isBetween(1500, StanzaEvent.RETAINED_BYTES);
        event.clear();
        assertThat(event.stanza.byteArray()).as("kept: no allocation for the next such stanza").isSameAs(grown);
    }
}
