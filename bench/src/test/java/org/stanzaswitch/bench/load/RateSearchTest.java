package org.stanzaswitch.bench.load;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.function.DoublePredicate;

import static org.assertj.core.api.Assertions.assertThat;

class RateSearchTest
{
    /**
     * Run a search against a server that keeps up with any rate up to its limit.
     *
     * @return the rates tried, in order.
     */
    private static List<Double> tried(final RateSearch search, final double limit)
    {
        return tried(search, rate -> rate <= limit);
    }

    /**
     * Run a search against a server that keeps up with the rates a test says, at each try.
     *
     * @return the rates tried, in order.
     */
    private static List<Double> tried(final RateSearch search, final DoublePredicate keepsUp)
    {
        final List<Double> rates = new ArrayList<>();
        for (double rate = search.next(); !Double.isNaN(rate); rate = search.next())
        {
            rates.add(rate);
            search.record(keepsUp.test(rate));
        }
        return rates;
    }

    @Test
    @DisplayName("rising steps a factor apart, then the interval around the limit halved")
    void shouldRefineBetweenTheLastSustainedAndTheFirstFailedRate()
    {
        final RateSearch search = new RateSearch(1_000, 2, 1_000_000, 3, 0);
        assertThat(tried(search, 5_000)).containsExactly(1_000.0, 2_000.0, 4_000.0, 8_000.0, 6_000.0, 5_000.0, 5_500.0);
        assertThat(search.sustained()).isEqualTo(5_000.0);
    }

    @Test
    @DisplayName("without refinements the last sustained step is the result, as far as a factor below the limit")
    void shouldStopAtTheFirstFailureWithoutRefinements()
    {
        final RateSearch search = new RateSearch(1_000, 1.25, 1_000_000, 0, 0);
        tried(search, 1_560);
        assertThat(search.sustained()).isEqualTo(1_250.0);
    }

    @Test
    @DisplayName("a first step that fails ends the search with nothing sustained")
    void shouldReportNothingWhenTheFirstStepFails()
    {
        final RateSearch search = new RateSearch(1_000, 1.25, 1_000_000, 2, 0);
        assertThat(tried(search, 500)).containsExactly(1_000.0);
        assertThat(search.sustained()).isZero();
    }

    @Test
    @DisplayName("no rate above the maximum is tried; a server that keeps up with all of them ends the search there")
    void shouldStopAtTheMaximumRate()
    {
        final RateSearch search = new RateSearch(1_000, 2, 5_000, 2, 0);
        assertThat(tried(search, 1_000_000)).containsExactly(1_000.0, 2_000.0, 4_000.0);
        assertThat(search.sustained()).isEqualTo(4_000.0);
    }

    @Test
    @DisplayName("a step that fails once, as a stall would make it, is tried again and the search goes on past it")
    void shouldRetryAFailedStepBeforeCountingItAsFailed()
    {
        final RateSearch search = new RateSearch(1_000, 2, 1_000_000, 0, 1);
        final boolean[] stalled = {false};
        final List<Double> rates = tried(search, rate ->
        {
            final boolean stall = rate == 2_000 && !stalled[0];
            stalled[0] |= stall;
            return !stall && rate <= 5_000;
        });
        assertThat(rates).containsExactly(1_000.0, 2_000.0, 2_000.0, 4_000.0, 8_000.0, 8_000.0);
        assertThat(search.sustained()).isEqualTo(4_000.0);
    }

    @Test
    @DisplayName("a rate past the limit fails its retries too and ends the rising steps; refinements are retried alike")
    void shouldCountARateAsFailedOnlyAfterItsRetries()
    {
        final RateSearch search = new RateSearch(1_000, 2, 1_000_000, 1, 2);
        assertThat(tried(search, 1_500)).containsExactly(1_000.0, 2_000.0, 2_000.0, 2_000.0, 1_500.0);
        assertThat(search.sustained()).isEqualTo(1_500.0);
    }
}
