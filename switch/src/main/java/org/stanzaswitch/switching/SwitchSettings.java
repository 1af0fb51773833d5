package org.stanzaswitch.switching;

import org.stanzaswitch.codec.Jid;

import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.ThreadFactory;

/**
 * What the switch of one node is told at start: the domain it serves, where its journals live, and the
 * limits and policies of its stores. The gateway fills it from the server's configuration.
 */
public final class SwitchSettings
{
    Jid domain = Jid.of("localhost");
    Path dataDir = Path.of("data");
    int ringSize = 8192;
    int offlineQuota = 1000;
    String archiveDefault = "always";
    int archiveMaxPage = 250;
    long archiveRetentionMillis;
    int resumeSeconds = 300;
    RouterWaitStrategy waitStrategy = RouterWaitStrategy.BLOCKING;
    int routerCpu = -1;
    long snapshotAfter = 10_000;
    boolean refuseResourceConflicts;
    ThreadFactory routerThreads = Thread::new;
    BytestreamProxy bytestreamProxy;
    FileShare fileShare;
    List<ExternalService> externalServices = List.of();

    /**
     * @param externalServices the STUN, TURN and other services clients may discover (XEP-0215); none by default.
     */
    public SwitchSettings externalServices(final List<ExternalService> externalServices)
    {
        this.externalServices = List.copyOf(externalServices);
        return this;
    }

    /**
     * @param fileShare the XEP-0363 file store the transport runs, announced as {@code upload.<domain>}; null for
     *                  none.
     */
    public SwitchSettings fileShare(final FileShare fileShare)
    {
        this.fileShare = fileShare;
        return this;
    }

    /**
     * @param bytestreamProxy the XEP-0065 proxy the transport runs, announced as {@code proxy.<domain>}; null for
     *                        none.
     */
    public SwitchSettings bytestreamProxy(final BytestreamProxy bytestreamProxy)
    {
        this.bytestreamProxy = bytestreamProxy;
        return this;
    }

    public SwitchSettings domain(final Jid domain)
    {
        this.domain = domain;
        return this;
    }

    /**
     * @param dataDir holding the journals: {@code state/}, {@code offline/} and {@code archive/}.
     */
    public SwitchSettings dataDir(final Path dataDir)
    {
        this.dataDir = dataDir;
        return this;
    }

    /**
     * @param ringSize slots in the inbound ring, a power of two.
     */
    public SwitchSettings ringSize(final int ringSize)
    {
        this.ringSize = ringSize;
        return this;
    }

    /**
     * @param offlineQuota the most messages kept for one offline user (XEP-0160).
     */
    public SwitchSettings offlineQuota(final int offlineQuota)
    {
        this.offlineQuota = offlineQuota;
        return this;
    }

    /**
     * @param archiveDefault always, never or roster: the XEP-0441 default for users who set none.
     */
    public SwitchSettings archiveDefault(final String archiveDefault)
    {
        this.archiveDefault = archiveDefault;
        return this;
    }

    /**
     * @param archiveMaxPage the most results one archive query page holds.
     */
    public SwitchSettings archiveMaxPage(final int archiveMaxPage)
    {
        this.archiveMaxPage = archiveMaxPage;
        return this;
    }

    /**
     * @param archiveRetentionMillis age past which archived messages are deleted, by whole days; 0 keeps them.
     */
    public SwitchSettings archiveRetentionMillis(final long archiveRetentionMillis)
    {
        this.archiveRetentionMillis = archiveRetentionMillis;
        return this;
    }

    /**
     * @param resumeSeconds how long a dropped stream with XEP-0198 resumption waits for its client.
     */
    public SwitchSettings resumeSeconds(final int resumeSeconds)
    {
        this.resumeSeconds = resumeSeconds;
        return this;
    }

    /**
     * @param waitStrategy how the router waits for stanzas (tuning profile).
     * @return this for a fluent API.
     */
    public SwitchSettings waitStrategy(final RouterWaitStrategy waitStrategy)
    {
        this.waitStrategy = waitStrategy;
        return this;
    }

    /**
     * @param routerCpu the CPU to pin the router thread to, or -1 to leave it to the scheduler.
     * @return this for a fluent API.
     */
    public SwitchSettings routerCpu(final int routerCpu)
    {
        this.routerCpu = routerCpu;
        return this;
    }

    /**
     * @param snapshotAfter journal commands replayed at startup past which a snapshot is written before the
     *                      server serves, so the next start replays fewer; one is also written at shutdown.
     * @return this for a fluent API.
     */
    public SwitchSettings snapshotAfter(final long snapshotAfter)
    {
        this.snapshotAfter = snapshotAfter;
        return this;
    }

    /**
     * @param refuseResourceConflicts true to refuse a binding to a resource a connected session holds
     *                                (RFC 6120 §7.7.2.2 allows either); false to let the new session take it over.
     * @return this for a fluent API.
     */
    public SwitchSettings refuseResourceConflicts(final boolean refuseResourceConflicts)
    {
        this.refuseResourceConflicts = refuseResourceConflicts;
        return this;
    }

    /**
     * @param routerThreads makes the router thread. The gateway gives it one of its transport's thread class, so
     *                      that what the router takes from the transport's per-thread pools (output buffers, write
     *                      tasks) goes back to them once written instead of being made anew for every stanza.
     * @return this for a fluent API.
     */
    public SwitchSettings routerThreads(final ThreadFactory routerThreads)
    {
        this.routerThreads = routerThreads;
        return this;
    }

    Path stateDir()
    {
        return dataDir.resolve("state");
    }

    /**
     * @param dataDir the node's data directory.
     * @return where the state snapshot lives: beside the state journal, not in it (Chronicle owns that folder).
     */
    public static Path snapshotFile(final Path dataDir)
    {
        return dataDir.resolve("state.snapshot");
    }
}
