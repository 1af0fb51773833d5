package org.stanzaswitch.switching;

import com.lmax.disruptor.BatchEventProcessor;
import com.lmax.disruptor.BatchEventProcessorBuilder;
import com.lmax.disruptor.EventTranslatorThreeArg;
import com.lmax.disruptor.RingBuffer;
import net.openhft.affinity.AffinityLock;
import org.agrona.DirectBuffer;
import org.stanzaswitch.codec.ElementFlyweight;
import org.stanzaswitch.codec.StanzaSplicer;
import org.stanzaswitch.journal.EventRecord;
import org.stanzaswitch.journal.Journal;
import org.stanzaswitch.switching.account.Accounts;
import org.stanzaswitch.switching.archive.MessageArchive;
import org.stanzaswitch.switching.archive.StanzaIds;
import org.stanzaswitch.switching.offline.OfflineStore;

import java.nio.file.Path;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The switch of one node: the inbound ring (LMAX Disruptor, many producers: the I/O threads) and the router
 * thread that consumes it. The default wait strategy blocks with a timeout, so an idle switch does not spin
 * (ARCHITECTURE invariant 7); the timeout is also the pace at which the state journal is polled when idle.
 */
public final class StanzaSwitch implements AutoCloseable
{
    private static final Logger LOG = Logger.getLogger(StanzaSwitch.class.getName());
    private static final long IDLE_POLL_MILLIS = 10;
    private static final EventTranslatorThreeArg<StanzaEvent, Session, ElementFlyweight, byte[]> STAMP_AND_COPY =
        (event, sequence, session, stanza, from) ->
        {
            event.type = StanzaEvent.STANZA;
            event.session = session;
            final byte[] language = session.languageAttribute();
            event.stanza.checkLimit(StanzaSplicer.maxLength(stanza, from, language));
            event.length = StanzaSplicer.stamp(stanza, from, language, event.stanza, 0);
        };

    private static final EventTranslatorThreeArg<StanzaEvent, Integer, Session, Long> CONTROL =
        (event, sequence, type, session, value) ->
        {
            event.type = type;
            event.session = session;
            event.handledCount = value;
            event.length = 0;
        };

    private static final EventTranslatorThreeArg<StanzaEvent, Session, DirectBuffer, Runnable> COPY_ANSWER =
        (event, sequence, session, answer, afterAnswer) ->
        {
            event.type = StanzaEvent.ANSWER;
            event.session = session;
            event.afterAnswer = afterAnswer;
            event.length = answer.capacity();
            event.stanza.putBytes(0, answer, 0, event.length);
        };

    private final DataDirectoryLock lock;
    private final Journal journal;
    private final MessageArchive archive;
    private final OfflineStore offline;
    private final Journal events;
    private final Accounts accounts = new Accounts();
    private final StateMachine state;
    private final Path snapshotFile;
    private final RingBuffer<StanzaEvent> ring;
    private final BatchEventProcessor<StanzaEvent> processor;
    private final Thread routerThread;

    /**
     * Replay the journals, then start the router thread.
     *
     * @param settings the domain, the data directory and the stores' policies.
     * @throws DataDirectoryInUseException if another switch is running on the same data directory.
     */
    public StanzaSwitch(final SwitchSettings settings)
    {
        lock = DataDirectoryLock.acquire(settings.dataDir);
        try
        {
            journal = Journal.open(settings.stateDir());
            archive = new MessageArchive(
                settings.dataDir.resolve("archive"), settings.dataDir.resolve("archive-index"));
            offline = new OfflineStore(settings.dataDir.resolve("offline"), settings.offlineQuota);
            events = Journal.open(settings.dataDir.resolve("events"));
            final StanzaIds ids = new StanzaIds(settings.dataDir.resolve("archive-id.key"));
            ring = RingBuffer.createMultiProducer(StanzaEvent::new, settings.ringSize,
                settings.waitStrategy.create(IDLE_POLL_MILLIS));
            archive.replay();
            offline.replay();
            state = new StateMachine(accounts);
            snapshotFile = SwitchSettings.snapshotFile(settings.dataDir);
            final Router router = new Router(settings, state, journal, archive, offline, ids, events);
            final long started = System.nanoTime();
            final int replayed = router.recoverState(snapshotFile);
            LOG.info(() -> "state recovered in " + (System.nanoTime() - started) / 1_000_000 + " ms: " +
                accounts.usernames().size() + " accounts, " + replayed + " journal commands after the snapshot");
            if (replayed > settings.snapshotAfter)
            {
                writeSnapshot();
            }
            journal.handOver();
            archive.handOver();
            offline.handOver();
            events.handOver();
            processor = new BatchEventProcessorBuilder().build(ring, ring.newBarrier(), router);
            processor.setExceptionHandler(new RouterExceptionHandler());
            ring.addGatingSequences(processor.getSequence());
            routerThread = settings.routerThreads.newThread(() -> runPinned(settings.routerCpu, processor));
            routerThread.setName("stanzaswitch-router");
            routerThread.start();
        }
        catch (final RuntimeException ex)
        {
            lock.close();
            throw ex;
        }
    }

    /**
     * @return the accounts, kept current by the router thread; readable from any thread.
     */
    public Accounts accounts()
    {
        return accounts;
    }

    /**
     * Hand a client's stanza to the router, stamped with the sender's address (and its stream's language if the
     * stanza has none of its own): the stanza is spliced straight into a ring slot, which is the one copy it gets
     * on its way (ARCHITECTURE invariant 2).
     *
     * @param session the sender.
     * @param stanza  the stanza as framed.
     * @param from    the sender's canonical full JID, UTF-8.
     * @return false if the ring is full: back pressure, the caller keeps the stanza and stops reading.
     */
    public boolean offerStanza(final Session session, final ElementFlyweight stanza, final byte[] from)
    {
        return ring.tryPublishEvent(STAMP_AND_COPY, session, stanza, from);
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

    /**
     * XEP-0198 §4: a session asks what has been handled of what it sent; the router answers through
     * {@link Session#handled} once everything offered before this call is handled. Waits for a slot.
     *
     * @param session the asking session.
     * @param count   how many stanzas the session has offered so far, by its own count.
     */
    public void requestAck(final Session session, final long count)
    {
        publishControl(StanzaEvent.ACK_REQUEST, session, count);
    }

    /**
     * Put a connection event on the event journal (through the router, its single writer). Waits for a slot.
     *
     * @param kind    what happened.
     * @param who     the JID or username concerned, or null.
     * @param address the remote address, or null.
     * @param detail  a mechanism, a reason, or null.
     */
    public void connectionEvent(
        final EventRecord.Kind kind, final String who, final String address, final String detail)
    {
        final long now = System.currentTimeMillis();
        ring.publishEvent((event, sequence) ->
        {
            event.type = StanzaEvent.CONNECTION_EVENT;
            event.session = null;
            event.length = EventRecord.encode(event.stanza, 0, now, kind, who, address, detail);
        });
    }

    /**
     * XEP-0198: the client asked for stream management, resumable or not.
     */
    public void enableStreamManagement(final Session session, final boolean resume)
    {
        publishControl(StanzaEvent.SM_ENABLE, session, resume ? 1 : 0);
    }

    /**
     * XEP-0352: the client became active or inactive; takes effect in order with its stanzas.
     */
    public void clientState(final Session session, final boolean active)
    {
        publishControl(StanzaEvent.CLIENT_STATE, session, active ? 1 : 0);
    }

    /**
     * Send a bound session a stanza made outside the router (the answers of XEP-0077 in-band registration, which
     * the connection's own thread makes). The router is the one writer of what a session is sent, so the answer is
     * counted and kept for XEP-0198 like every other stanza, in order with them; written straight to the socket,
     * it would be one the client acknowledges and the server never counted. Waits for a slot.
     *
     * @param session     the session to answer.
     * @param answer      the whole stanza: its capacity is its length.
     * @param afterAnswer run on the router thread once the answer is delivered (what must follow it, such as the
     *                    end of the stream of a cancelled account), or null.
     */
    public void answer(final Session session, final DirectBuffer answer, final Runnable afterAnswer)
    {
        ring.publishEvent(COPY_ANSWER, session, answer, afterAnswer);
    }

    /**
     * XEP-0198: the client acknowledged stanzas up to h.
     */
    public void acknowledge(final Session session, final long h)
    {
        publishControl(StanzaEvent.SM_ACK, session, h);
    }

    /**
     * XEP-0198 §5: an authenticated session asks to resume a dropped stream of its account.
     *
     * @param session  the new session, authenticated, not bound.
     * @param username its account.
     * @param previd   the resumption id it gave.
     * @param h        its count of stanzas handled from the dropped stream.
     */
    public void resume(final Session session, final String username, final String previd, final long h)
    {
        final String key = username + '\n' + previd;
        ring.publishEvent((event, sequence, from, text, count) ->
        {
            event.type = StanzaEvent.SM_RESUME;
            event.session = from;
            event.handledCount = count;
            event.length = event.stanza.putStringWithoutLengthUtf8(0, text);
        }, session, key, h);
    }

    /**
     * XEP-0198 §5: a resumable session's connection dropped; it waits to be resumed.
     */
    public void sessionDetached(final Session session)
    {
        publishSessionEvent(StanzaEvent.SESSION_DETACHED, session);
    }

    private void publishSessionEvent(final int type, final Session session)
    {
        publishControl(type, session, 0);
    }

    /**
     * A control event for the router: what it is, whose, and a number (a count, a flag); waits for a slot,
     * since these must not be lost.
     */
    private void publishControl(final int type, final Session session, final long value)
    {
        ring.publishEvent(CONTROL, type, session, value);
    }

    /**
     * Run the router, on its own CPU when the tuning profile names one (ARCHITECTURE: pinned single writers).
     */
    private static void runPinned(final int cpu, final Runnable router)
    {
        if (cpu < 0)
        {
            router.run();
            return;
        }
        try (AffinityLock lock = AffinityLock.acquireLock(cpu))
        {
            LOG.info(() -> "router thread pinned to CPU " + lock.cpuId());
            router.run();
        }
    }

    /**
     * Snapshot the state, on the thread that owns it: the constructor's before the router starts, the closer's
     * after the router stopped. A failure costs only a longer replay next start, so it is logged, not thrown.
     */
    private void writeSnapshot()
    {
        final long started = System.nanoTime();
        try
        {
            final long records = state.snapshot(snapshotFile);
            if (records > 0)
            {
                LOG.info(() -> "state snapshot of " + records + " records written in " +
                    (System.nanoTime() - started) / 1_000_000 + " ms");
            }
        }
        catch (final RuntimeException ex)
        {
            LOG.log(Level.WARNING, "state snapshot not written; the next start replays more of the journal", ex);
        }
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
        if (!routerThread.isAlive())
        {
            writeSnapshot();
        }
        journal.close();
        archive.close();
        offline.close();
        events.close();
        lock.close();
    }
}
