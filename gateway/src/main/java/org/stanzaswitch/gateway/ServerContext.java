package org.stanzaswitch.gateway;

import io.netty.util.concurrent.FastThreadLocalThread;
import org.stanzaswitch.gateway.tls.TlsProvider;
import org.stanzaswitch.codec.DecoderLimits;
import org.stanzaswitch.codec.Jid;
import org.stanzaswitch.codec.JidParser;
import org.stanzaswitch.switching.ExternalService;
import org.stanzaswitch.switching.RouterWaitStrategy;
import org.stanzaswitch.switching.SwitchSettings;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.stanzaswitch.gateway.ServerConfiguration.*;

/**
 * Resolved settings of one server launch: defaults from {@link ServerConfiguration}, overridden by the YAML
 * file (through {@link ConfigLoader}), {@code -D} properties and the setters, in that order. {@link #conclude()}
 * checks them once and fails naming the setting and the bad value. Used for one launch only.
 */
public final class ServerContext
{
    private String domain = string(DOMAIN_PROP_NAME, DOMAIN_DEFAULT);
    private Path dataDir = Path.of(string(DATA_DIR_PROP_NAME, DATA_DIR_DEFAULT));
    private String bindAddress = string(BIND_ADDRESS_PROP_NAME, BIND_ADDRESS_DEFAULT);
    private int c2sPort = integer(C2S_PORT_PROP_NAME, C2S_PORT_DEFAULT);
    private int directTlsPort = integer(C2S_DIRECT_TLS_PORT_PROP_NAME, C2S_DIRECT_TLS_PORT_DEFAULT);
    private int componentPort = integer(COMPONENT_PORT_PROP_NAME, COMPONENT_PORT_DEFAULT);
    private int proxyPort = integer(PROXY_PORT_PROP_NAME, PROXY_PORT_DEFAULT);
    private int webPort = integer(WEB_PORT_PROP_NAME, WEB_PORT_DEFAULT);
    private boolean webBehindProxy = bool(WEB_BEHIND_PROXY_PROP_NAME, WEB_BEHIND_PROXY_DEFAULT);
    private final Map<String, String> componentSecrets = new LinkedHashMap<>();
    private final List<ExternalService> externalServices = new ArrayList<>();
    private boolean tlsRequired = bool(TLS_REQUIRED_PROP_NAME, TLS_REQUIRED_DEFAULT);
    private String tlsCertificate = string(TLS_CERTIFICATE_PROP_NAME, "");
    private String tlsKey = string(TLS_KEY_PROP_NAME, "");
    private TlsProvider tlsProvider = TlsProvider.of(string(TLS_PROVIDER_PROP_NAME, TLS_PROVIDER_DEFAULT));
    private List<String> saslMechanisms = Arrays.asList(string(SASL_MECHANISMS_PROP_NAME, SASL_MECHANISMS_DEFAULT)
        .split("\\s*,\\s*"));
    private int scramIterations = integer(SCRAM_ITERATIONS_PROP_NAME, SCRAM_ITERATIONS_DEFAULT);
    private long headerTimeoutNs = durationNs(HEADER_TIMEOUT_PROP_NAME, HEADER_TIMEOUT_DEFAULT_NS);
    private long authTimeoutNs = durationNs(AUTH_TIMEOUT_PROP_NAME, AUTH_TIMEOUT_DEFAULT_NS);
    private long idleTimeoutNs = durationNs(IDLE_TIMEOUT_PROP_NAME, IDLE_TIMEOUT_DEFAULT_NS);
    private long trimAfterNs = durationNs(TRIM_AFTER_PROP_NAME, TRIM_AFTER_DEFAULT_NS);
    private long heapReclaimAfterNs = durationNs(HEAP_RECLAIM_AFTER_PROP_NAME, HEAP_RECLAIM_AFTER_DEFAULT_NS);
    private int maxOutboundBytes = size(MAX_OUTBOUND_BYTES_PROP_NAME, MAX_OUTBOUND_BYTES_DEFAULT);
    private int c2sRate = size(C2S_RATE_PROP_NAME, C2S_RATE_DEFAULT);
    private int c2sBurst = size(C2S_BURST_PROP_NAME, C2S_BURST_DEFAULT);
    private int maxAuthFailuresPerMinute = integer(MAX_AUTH_FAILURES_PROP_NAME, MAX_AUTH_FAILURES_DEFAULT);
    private int ringSize = integer(RING_SIZE_PROP_NAME, RING_SIZE_DEFAULT);
    private RouterWaitStrategy waitStrategy = RouterWaitStrategy.of(string(WAIT_STRATEGY_PROP_NAME,
        WAIT_STRATEGY_DEFAULT));
    private int routerCpu = integer(ROUTER_CPU_PROP_NAME, ROUTER_CPU_DEFAULT);
    private int ioThreads = integer(IO_THREADS_PROP_NAME, IO_THREADS_DEFAULT);
    private Transport transport = Transport.of(string(TRANSPORT_PROP_NAME, TRANSPORT_DEFAULT));
    private int resumeTimeoutSeconds = integer(RESUME_TIMEOUT_PROP_NAME, RESUME_TIMEOUT_DEFAULT);
    private int maxUnackedBytes = size(MAX_UNACKED_BYTES_PROP_NAME, MAX_UNACKED_BYTES_DEFAULT);
    private boolean registrationOpen = bool(REGISTRATION_OPEN_PROP_NAME, REGISTRATION_OPEN_DEFAULT);
    private int offlineQuota = integer(OFFLINE_QUOTA_PROP_NAME, OFFLINE_QUOTA_DEFAULT);
    private int snapshotAfter = integer(SNAPSHOT_AFTER_PROP_NAME, SNAPSHOT_AFTER_DEFAULT);
    private String resourceConflict = string(RESOURCE_CONFLICT_PROP_NAME, RESOURCE_CONFLICT_DEFAULT);
    private String archiveDefault = string(ARCHIVE_DEFAULT_PROP_NAME, ARCHIVE_DEFAULT_DEFAULT);
    private int archiveMaxPage = integer(ARCHIVE_MAX_PAGE_PROP_NAME, ARCHIVE_MAX_PAGE_DEFAULT);
    private int archiveRetentionDays = integer(ARCHIVE_RETENTION_DAYS_PROP_NAME, ARCHIVE_RETENTION_DAYS_DEFAULT);
    private DecoderLimits decoderLimits = new DecoderLimits();
    private final UploadSettings upload = new UploadSettings();
    private Jid domainJid;
    private boolean concluded;

    /**
     * Check and resolve the settings.
     *
     * @return this for a fluent API.
     * @throws IllegalArgumentException naming the setting and its bad value.
     */
    public ServerContext conclude()
    {
        if (concluded)
        {
            throw new IllegalStateException("ServerContext already concluded");
        }
        concluded = true;
        try
        {
            domainJid = Jid.of(domain);
        }
        catch (final IllegalArgumentException ex)
        {
            throw new IllegalArgumentException(DOMAIN_PROP_NAME + "=" + domain + ": " + ex.getMessage(), ex);
        }
        if (domainJid.local() != null || !domainJid.isBare())
        {
            throw new IllegalArgumentException(DOMAIN_PROP_NAME + "=" + domain + " is not a bare domain");
        }
        requirePort(C2S_PORT_PROP_NAME, c2sPort, false);
        requirePort(C2S_DIRECT_TLS_PORT_PROP_NAME, directTlsPort, true);
        requirePort(COMPONENT_PORT_PROP_NAME, componentPort, true);
        requirePort(PROXY_PORT_PROP_NAME, proxyPort, true);
        requirePort(WEB_PORT_PROP_NAME, webPort, true);
        for (final Map.Entry<String, String> component : componentSecrets.entrySet())
        {
            final Jid name = new JidParser().parse(component.getKey());
            if (name == null || name.local() != null || !name.isBare() || name.domain().equals(domainJid.domain()) ||
                component.getValue().isEmpty())
            {
                throw new IllegalArgumentException("components." + component.getKey() +
                    ": a component needs a domain of its own (not " + domain + ") and a secret");
            }
        }
        for (final String mechanism : saslMechanisms)
        {
            if (!List.of("SCRAM-SHA-256", "SCRAM-SHA-1", "PLAIN").contains(mechanism))
            {
                throw new IllegalArgumentException(SASL_MECHANISMS_PROP_NAME + " has unknown mechanism " + mechanism);
            }
        }
        if (scramIterations < 4096)
        {
            throw new IllegalArgumentException(SCRAM_ITERATIONS_PROP_NAME + "=" + scramIterations + " is below 4096");
        }
        if (c2sRate < 0 || c2sBurst < 1 || c2sBurst > 1 << 30)
        {
            throw new IllegalArgumentException(C2S_RATE_PROP_NAME + "=" + c2sRate + " must not be negative, " +
                C2S_BURST_PROP_NAME + "=" + c2sBurst + " must be from 1 to 1g");
        }
        if (Integer.bitCount(ringSize) != 1)
        {
            throw new IllegalArgumentException(RING_SIZE_PROP_NAME + "=" + ringSize + " is not a power of two");
        }
        if (offlineQuota < 0 || archiveMaxPage < 1 || archiveRetentionDays < 0 || snapshotAfter < 0)
        {
            throw new IllegalArgumentException(OFFLINE_QUOTA_PROP_NAME + ", " + ARCHIVE_MAX_PAGE_PROP_NAME + ", " +
                ARCHIVE_RETENTION_DAYS_PROP_NAME + " and " + SNAPSHOT_AFTER_PROP_NAME +
                " must not be negative (max page at least 1)");
        }
        if (!List.of("always", "never", "roster").contains(archiveDefault))
        {
            throw new IllegalArgumentException(ARCHIVE_DEFAULT_PROP_NAME + "=" + archiveDefault +
                " is not always, never or roster");
        }
        if (!List.of("replace", "refuse").contains(resourceConflict))
        {
            throw new IllegalArgumentException(RESOURCE_CONFLICT_PROP_NAME + "=" + resourceConflict +
                " is not replace or refuse");
        }
        if (tlsCertificate.isEmpty() != tlsKey.isEmpty())
        {
            throw new IllegalArgumentException(TLS_CERTIFICATE_PROP_NAME + " and " + TLS_KEY_PROP_NAME +
                " must be set together");
        }
        dataDir = dataDir.toAbsolutePath().normalize();
        decoderLimits.conclude();
        upload.conclude();
        return this;
    }

    static void requirePort(final String name, final int port, final boolean mayBeDisabled)
    {
        if (port > 65535 || port < (mayBeDisabled ? -1 : 0))
        {
            throw new IllegalArgumentException(name + "=" + port + " is not a port");
        }
    }

    /**
     * @return the port of the XEP-0065 proxy, or -1 if there is none.
     */
    public int proxyPort()
    {
        return proxyPort;
    }

    public ServerContext proxyPort(final int proxyPort)
    {
        this.proxyPort = proxyPort;
        return this;
    }

    /**
     * @return the port of the web transports, WebSocket (RFC 7395) and BOSH (XEP-0206), or -1 if there is none.
     */
    public int webPort()
    {
        return webPort;
    }

    public ServerContext webPort(final int webPort)
    {
        this.webPort = webPort;
        return this;
    }

    /**
     * @return whether the web port speaks plain HTTP to a reverse proxy that does TLS for it.
     */
    public boolean webBehindProxy()
    {
        return webBehindProxy;
    }

    public ServerContext webBehindProxy(final boolean webBehindProxy)
    {
        this.webBehindProxy = webBehindProxy;
        return this;
    }

    /**
     * @return the port components connect to, or -1 if there is no listener.
     */
    public int componentPort()
    {
        return componentPort;
    }

    public ServerContext componentPort(final int componentPort)
    {
        this.componentPort = componentPort;
        return this;
    }

    /**
     * @return each component's domain and the secret it authenticates with (XEP-0114 §2).
     */
    public Map<String, String> componentSecrets()
    {
        return componentSecrets;
    }

    public ServerContext componentSecret(final String domain, final String secret)
    {
        componentSecrets.put(domain, secret);
        return this;
    }

    /**
     * @return the services clients may discover (XEP-0215), in the order they were given.
     */
    public List<ExternalService> externalServices()
    {
        return externalServices;
    }

    /**
     * @param service one more STUN, TURN or other service for clients to discover (XEP-0215).
     * @return this.
     */
    public ServerContext externalService(final ExternalService service)
    {
        externalServices.add(service);
        return this;
    }

    public Jid domainJid()
    {
        return domainJid;
    }

    public String domain()
    {
        return domain;
    }

    public ServerContext domain(final String domain)
    {
        this.domain = domain;
        return this;
    }

    public Path dataDir()
    {
        return dataDir;
    }

    public ServerContext dataDir(final Path dataDir)
    {
        this.dataDir = dataDir;
        return this;
    }

    public Path stateDir()
    {
        return dataDir.resolve("state");
    }

    public String bindAddress()
    {
        return bindAddress;
    }

    public ServerContext bindAddress(final String bindAddress)
    {
        this.bindAddress = bindAddress;
        return this;
    }

    public int c2sPort()
    {
        return c2sPort;
    }

    public ServerContext c2sPort(final int c2sPort)
    {
        this.c2sPort = c2sPort;
        return this;
    }

    public int directTlsPort()
    {
        return directTlsPort;
    }

    public ServerContext directTlsPort(final int directTlsPort)
    {
        this.directTlsPort = directTlsPort;
        return this;
    }

    public boolean tlsRequired()
    {
        return tlsRequired;
    }

    public ServerContext tlsRequired(final boolean tlsRequired)
    {
        this.tlsRequired = tlsRequired;
        return this;
    }

    public String tlsCertificate()
    {
        return tlsCertificate;
    }

    public ServerContext tlsCertificate(final String tlsCertificate)
    {
        this.tlsCertificate = tlsCertificate;
        return this;
    }

    public String tlsKey()
    {
        return tlsKey;
    }

    public ServerContext tlsKey(final String tlsKey)
    {
        this.tlsKey = tlsKey;
        return this;
    }

    public TlsProvider tlsProvider()
    {
        return tlsProvider;
    }

    public ServerContext tlsProvider(final TlsProvider tlsProvider)
    {
        this.tlsProvider = tlsProvider;
        return this;
    }

    public List<String> saslMechanisms()
    {
        return saslMechanisms;
    }

    public ServerContext saslMechanisms(final List<String> saslMechanisms)
    {
        this.saslMechanisms = saslMechanisms;
        return this;
    }

    public int scramIterations()
    {
        return scramIterations;
    }

    public ServerContext scramIterations(final int scramIterations)
    {
        this.scramIterations = scramIterations;
        return this;
    }

    public long headerTimeoutNs()
    {
        return headerTimeoutNs;
    }

    public ServerContext headerTimeoutNs(final long headerTimeoutNs)
    {
        this.headerTimeoutNs = headerTimeoutNs;
        return this;
    }

    public long authTimeoutNs()
    {
        return authTimeoutNs;
    }

    public ServerContext authTimeoutNs(final long authTimeoutNs)
    {
        this.authTimeoutNs = authTimeoutNs;
        return this;
    }

    public long idleTimeoutNs()
    {
        return idleTimeoutNs;
    }

    public ServerContext idleTimeoutNs(final long idleTimeoutNs)
    {
        this.idleTimeoutNs = idleTimeoutNs;
        return this;
    }

    public long trimAfterNs()
    {
        return trimAfterNs;
    }

    public ServerContext trimAfterNs(final long trimAfterNs)
    {
        this.trimAfterNs = trimAfterNs;
        return this;
    }

    public long heapReclaimAfterNs()
    {
        return heapReclaimAfterNs;
    }

    public ServerContext heapReclaimAfterNs(final long heapReclaimAfterNs)
    {
        this.heapReclaimAfterNs = heapReclaimAfterNs;
        return this;
    }

    public int maxOutboundBytes()
    {
        return maxOutboundBytes;
    }

    public ServerContext maxOutboundBytes(final int maxOutboundBytes)
    {
        this.maxOutboundBytes = maxOutboundBytes;
        return this;
    }

    /**
     * @return bytes per second a client connection is read at, 0 for no limit.
     */
    public int c2sRate()
    {
        return c2sRate;
    }

    public ServerContext c2sRate(final int c2sRate)
    {
        this.c2sRate = c2sRate;
        return this;
    }

    /**
     * @return bytes a quiet client connection may send at once.
     */
    public int c2sBurst()
    {
        return c2sBurst;
    }

    public ServerContext c2sBurst(final int c2sBurst)
    {
        this.c2sBurst = c2sBurst;
        return this;
    }

    public int maxAuthFailuresPerMinute()
    {
        return maxAuthFailuresPerMinute;
    }

    public ServerContext maxAuthFailuresPerMinute(final int maxAuthFailuresPerMinute)
    {
        this.maxAuthFailuresPerMinute = maxAuthFailuresPerMinute;
        return this;
    }

    /**
     * @return the switch's settings: domain, journals and the stores' policies.
     */
    public SwitchSettings switchSettings()
    {
        return new SwitchSettings().domain(domainJid).dataDir(dataDir).ringSize(ringSize).offlineQuota(offlineQuota)
            .archiveDefault(archiveDefault).archiveMaxPage(archiveMaxPage)
            .archiveRetentionMillis(TimeUnit.DAYS.toMillis(archiveRetentionDays)).resumeSeconds(resumeTimeoutSeconds)
            .waitStrategy(waitStrategy).routerCpu(routerCpu).snapshotAfter(snapshotAfter)
            .refuseResourceConflicts("refuse".equals(resourceConflict)).externalServices(externalServices)
            // Netty pools its output buffers' wrappers and write tasks per thread, but only for its own thread
            // class: a router on a plain thread made both anew for every stanza it delivered (about 140 bytes of
            // garbage per message, and under load a young collection every few seconds).
            .routerThreads(FastThreadLocalThread::new);
    }

    /**
     * @param resourceConflict replace (the new session takes the resource) or refuse (it gets conflict).
     * @return this for a fluent API.
     */
    public ServerContext resourceConflict(final String resourceConflict)
    {
        this.resourceConflict = resourceConflict;
        return this;
    }

    public ServerContext snapshotAfter(final int snapshotAfter)
    {
        this.snapshotAfter = snapshotAfter;
        return this;
    }

    public ServerContext resumeTimeoutSeconds(final int resumeTimeoutSeconds)
    {
        this.resumeTimeoutSeconds = resumeTimeoutSeconds;
        return this;
    }

    public int maxUnackedBytes()
    {
        return maxUnackedBytes;
    }

    public ServerContext maxUnackedBytes(final int maxUnackedBytes)
    {
        this.maxUnackedBytes = maxUnackedBytes;
        return this;
    }

    public boolean registrationOpen()
    {
        return registrationOpen;
    }

    public ServerContext registrationOpen(final boolean registrationOpen)
    {
        this.registrationOpen = registrationOpen;
        return this;
    }

    public ServerContext offlineQuota(final int offlineQuota)
    {
        this.offlineQuota = offlineQuota;
        return this;
    }

    public ServerContext archiveDefault(final String archiveDefault)
    {
        this.archiveDefault = archiveDefault;
        return this;
    }

    public ServerContext archiveMaxPage(final int archiveMaxPage)
    {
        this.archiveMaxPage = archiveMaxPage;
        return this;
    }

    public ServerContext archiveRetentionDays(final int archiveRetentionDays)
    {
        this.archiveRetentionDays = archiveRetentionDays;
        return this;
    }

    public int ringSize()
    {
        return ringSize;
    }

    public ServerContext ringSize(final int ringSize)
    {
        this.ringSize = ringSize;
        return this;
    }

    public ServerContext waitStrategy(final RouterWaitStrategy waitStrategy)
    {
        this.waitStrategy = waitStrategy;
        return this;
    }

    public ServerContext routerCpu(final int routerCpu)
    {
        this.routerCpu = routerCpu;
        return this;
    }

    /**
     * @return Netty I/O threads for client connections: as configured, or one per available processor but the
     *         router's. A busy router thread holds a core; an I/O thread per core besides it only adds context
     *         switches and wake-ups (2 cores: 15 % less server CPU per message at 40,000 msg/s with one I/O
     *         thread than with two, docs/performance.md).
     */
    public int ioThreads()
    {
        return ioThreads > 0 ? ioThreads : Math.max(1, Runtime.getRuntime().availableProcessors() - 1);
    }

    public ServerContext ioThreads(final int ioThreads)
    {
        this.ioThreads = ioThreads;
        return this;
    }

    public Transport transport()
    {
        return transport;
    }

    public ServerContext transport(final Transport transport)
    {
        this.transport = transport;
        return this;
    }

    /**
     * @return the XEP-0363 upload service's settings, to read or change.
     */
    public UploadSettings upload()
    {
        return upload;
    }

    public DecoderLimits decoderLimits()
    {
        return decoderLimits;
    }

    public ServerContext decoderLimits(final DecoderLimits decoderLimits)
    {
        this.decoderLimits = decoderLimits;
        return this;
    }
}
