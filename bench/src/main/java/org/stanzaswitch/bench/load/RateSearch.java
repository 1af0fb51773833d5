package org.stanzaswitch.bench.load;

/**
 * Which rate a saturation run tries next: rates a factor apart until one is not sustained, then the interval between
 * the last sustained and that first failed rate halved a few times, since steps a factor apart leave the limit
 * anywhere in between (at a factor of 1.25 the last sustained step may be a fifth below it).
 * <p>
 * A step that fails is tried again before it counts as failed: on a shared machine one stall of the scheduler or the
 * hypervisor (a tenth of a second is enough to put a 5 s step's p99 over 50 ms) fails a step far below the limit, and
 * the search would then report that stall, not the server. A server past its limit fails the retry as well.
 */
final class RateSearch
{
    private final double factor;
    private final double maxRate;
    private final int retries;
    private int refinementsLeft;
    private int retriesLeft;
    private double next;
    private double sustained;
    private double failed;

    /**
     * @param startRate   the first rate tried.
     * @param factor      each rising step's rate over the previous one.
     * @param maxRate     no rate above this is tried.
     * @param refinements halvings of the interval once a rate failed.
     * @param retries     further tries of a rate that failed before it counts as failed.
     */
    RateSearch(
        final double startRate, final double factor, final double maxRate, final int refinements, final int retries)
    {
        this.factor = factor;
        this.maxRate = maxRate;
        this.retries = retries;
        this.refinementsLeft = refinements;
        this.retriesLeft = retries;
        this.next = startRate <= maxRate ? startRate : Double.NaN;
    }

    /**
     * @return the rate to try next, NaN when the search is over.
     */
    double next()
    {
        return next;
    }

    /**
     * @param wasSustained whether the server kept up with the rate {@link #next()} gave.
     */
    void record(final boolean wasSustained)
    {
        final double tried = next;
        if (!wasSustained && retriesLeft > 0)
        {
            retriesLeft--;
            return;
        }
        retriesLeft = retries;
        if (wasSustained)
        {
            sustained = tried;
        }
        else
        {
            failed = tried;
        }
        if (failed == 0)
        {
            next = tried * factor <= maxRate ? tried * factor : Double.NaN;
        }
        else if (sustained > 0 && refinementsLeft > 0)
        {
            refinementsLeft--;
            next = (sustained + failed) / 2;
        }
        else
        {
            next = Double.NaN;
        }
    }

    /**
     * @return the highest rate sustained so far, 0 if none.
     */
    double sustained()
    {
        return sustained;
    }
}
