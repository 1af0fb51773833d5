package org.stanzaswitch.switching;

import com.lmax.disruptor.BatchEventProcessor;
import com.lmax.disruptor.BatchEventProcessorBuilder;
import com.lmax.disruptor.LiteTimeoutBlockingWaitStrategy;
import com.lmax.disruptor.RingBuffer;
import org.agrona.DirectBuffer;
import org.stanzaswitch.codec.Jid;
import org.stanzaswitch.journal.StateJournal;
import org.stanzaswitch.switching.account.Accounts;

import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/**
 * The switch of one node: the inbound ring (LMAX Disruptor, many producers: the I/O threads) and the router
 * thread that consumes it. The default wait strategy blocks with a timeout, so an idle switch does not spin
 * (ARCHITECTURE invariant 7); the timeout is also the pace at which the state journal is polled when idle.
 */
public final class StanzaSwitch implements AutoCloseable
{
    private static final long IDLE_POLL_MILLIS = 10;

    private final StateJournal journal;
    private final Accounts accounts = new Accounts();
    private final RingBuffer<StanzaEvent> ring;
    private final BatchEventProcessor<StanzaEvent> processor;
    private final Thread routerThread;

    /**
     * Replay the state journal, then start the router thread.
     *
     * @param domain     the domain served.
     * @param stateDir   directory of the state journal.
     * @param ringSize   slots in the inbound ring, a power of two.
     */
    public StanzaSwitch(final Jid domain, final Path stateDir, final int ringSize)
    {
        journal = StateJournal.open(stateDir);
        ring = RingBuffer.createMultiProducer(StanzaEvent::new, ringSize,
            new LiteTimeoutBlockingWaitStrategy(IDLE_POLL_MILLIS, TimeUnit.MILLISECONDS));
        final Router router = new Router(domain, new StateMachine(accounts), journal);
        router.replayJournal();
        journal.handOver();
        processor = new BatchEventProcessorBuilder().build(ring, ring.newBarrier(), router);
        processor.setExceptionHandler(new RouterExceptionHandler());
        ring.addGatingSequences(processor.getSequence());
        routerThread = new Thread(processor, "stanzaswitch-router");
        routerThread.start();
    }

    /**
     * @return the accounts, kept current by the router thread; readable from any thread.
     */
    public Accounts accounts()
    {
        return accounts;
    }

    /**
     * Hand a stanza to the router; copies it into a ring slot.
     *
     * @return false if the ring is full: back pressure, the caller keeps the stanza and stops reading.
     */
    public boolean offerStanza(final Session session, final DirectBuffer buffer, final int offset, final int length)
    {
        return ring.tryPublishEvent((event, sequence) ->
        {
            event.type = StanzaEvent.STANZA;
            event.session = session;
            event.stanza.putBytes(0, buffer, offset, length);
            event.length = length;
        });
    }

    /**
     * Tell the router a session is bound, or gone; waits for a slot, since these must not be lost.
     */
    public void sessionOpened(final Session session)
    {
        publishSessionEvent(StanzaEvent.SESSION_OPENED, session);
    }

    public void sessionClosed(final Session session)
    {
        publishSessionEvent(StanzaEvent.SESSION_CLOSED, session);
    }

    private void publishSessionEvent(final int type, final Session session)
    {
        ring.publishEvent((event, sequence) ->
        {
            event.type = type;
            event.session = session;
            event.length = 0;
        });
    }

    @Override
    public void close()
    {
        processor.halt();
        try
        {
            routerThread.join(5_000);
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
        }
        journal.close();
    }
}
