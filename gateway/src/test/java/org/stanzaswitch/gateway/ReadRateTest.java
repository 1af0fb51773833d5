package org.stanzaswitch.gateway;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The per-client read budget: a token bucket, exact to the byte over any number of reads.
 */
class ReadRateTest
{
    private static final long SECOND = 1_000_000_000L;

    @Test
    @DisplayName("a quiet client may send its burst at once; past it, the wait is what the deficit takes at the rate")
    void shouldAllowBurstThenWait()
    {
        final ReadRate rate = new ReadRate(1000, 5000, 0);
        assertThat(rate.spend(5000, 0)).isZero();
        assertThat(rate.spend(500, 0)).as("500 bytes in debt at 1000 B/s").isEqualTo(SECOND / 2);
        assertThat(rate.spend(0, SECOND / 2)).as("paid off").isZero();
        assertThat(rate.spend(1, SECOND / 2)).isEqualTo(SECOND / 1000);
    }

    @Test
    @DisplayName("many small reads refill exactly: 1,000 reads of 10 bytes a millisecond apart hold 10,000 B/s")
    void shouldLoseNoFractionOfARefill()
    {
        final ReadRate rate = new ReadRate(10_000, 10, 0);
        long now = 0;
        for (int i = 0; i < 1000; i++)
        {
            now += SECOND / 1000;
            assertThat(rate.spend(10, now)).as("read %d", i).isZero();
        }
        assertThat(rate.spend(1, now)).as("nothing left over either").isPositive();
    }

    @Test
    @DisplayName("a long quiet time refills the burst and no more, even after hours")
    void shouldCapRefillAtBurst()
    {
        final ReadRate rate = new ReadRate(1000, 2000, 0);
        assertThat(rate.spend(10_000, 0)).isEqualTo(8 * SECOND);
        assertThat(rate.spend(2000, 10L * 3600 * SECOND)).isZero();
        assertThat(rate.spend(1, 10L * 3600 * SECOND)).isEqualTo(SECOND / 1000);
    }

    @Test
    @DisplayName("rate 0 is no limit; nonsense is refused")
    void shouldTellNoLimitFromNonsense()
    {
        assertThat(ReadRate.of(0, 1, 0)).isNull();
        assertThat(ReadRate.of(1, 1, 0)).isNotNull();
        assertThatThrownBy(() -> new ReadRate(-1, 1, 0)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new ReadRate(1, 0, 0)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new ReadRate(1, (1L << 30) + 1, 0)).isInstanceOf(IllegalArgumentException.class);
    }
}
