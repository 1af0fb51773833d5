package org.stanzaswitch.switching;

import com.lmax.disruptor.ExceptionHandler;

import java.util.concurrent.atomic.AtomicLong;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Keeps the router running when handling one event fails: the failure is counted and logged, and the next
 * event is processed. The Disruptor's default handler would stop the router thread, and with it every
 * session of the node.
 */
final class RouterExceptionHandler implements ExceptionHandler<StanzaEvent>
{
    private static final Logger LOG = Logger.getLogger(RouterExceptionHandler.class.getName());

    private final AtomicLong failures = new AtomicLong();

    @Override
    public void handleEventException(final Throwable ex, final long sequence, final StanzaEvent event)
    {
        LOG.log(Level.SEVERE, "router failed on event " + sequence + " (failure " + failures.incrementAndGet() + ")",
            ex);
    }

    @Override
    public void handleOnStartException(final Throwable ex)
    {
        LOG.log(Level.SEVERE, "router failed to start", ex);
    }

    @Override
    public void handleOnShutdownException(final Throwable ex)
    {
        LOG.log(Level.WARNING, "router failed to stop cleanly", ex);
    }
}
