package org.stanzaswitch.gateway;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.ssl.OpenSsl;
import io.netty.handler.ssl.SslProvider;
import org.agrona.CloseHelper;
import org.stanzaswitch.gateway.tls.TlsMaterial;
import org.stanzaswitch.gateway.tls.TlsSupport;
import org.stanzaswitch.switching.StanzaSwitch;
import org.stanzaswitch.switching.account.Accounts;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.FutureTask;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.logging.Logger;

/**
 * A running Stanza Switch node: {@link #launch(ServerContext)} wires the journal and switch, the TLS identity
 * and the client listeners in one place, and {@link #close()} stops them in reverse. Tests, benchmarks and the
 * CLI all start the server this way.
 */
public final class StanzaSwitchServer implements AutoCloseable
{
    private static final Logger LOG = Logger.getLogger(StanzaSwitchServer.class.getName());
    private static final int KEY_DERIVATION_BACKLOG = 1024;

    private final List<AutoCloseable> resources = new ArrayList<>();
    private final ServerContext context;
    private TlsMaterial tlsMaterial;
    private SslProvider tlsProvider;
    private Transport transport;
    private StanzaSwitch stanzaSwitch;
    private int c2sPort = -1;
    private int componentPort = -1;
    private int proxyPort = -1;
    private int uploadPort = -1;
    private int webPort = -1;
    private int directTlsPort = -1;

    private StanzaSwitchServer(final ServerContext context)
    {
        this.context = context;
    }

    /**
     * Start a server; if any part fails to start, what was started is closed before the error is thrown.
     *
     * @param context settings, concluded here if they were not.
     * @return the running server.
     * @throws IOException if the data directory, certificate or ports cannot be used.
     */
    public static StanzaSwitchServer launch(final ServerContext context) throws IOException
    {
        if (context.domainJid() == null)
        {
            context.conclude();
        }
        final StanzaSwitchServer server = new StanzaSwitchServer(context);
        try
        {
            server.start();
            return server;
        }
        catch (final IOException | RuntimeException ex)
        {
            server.close();
            throw ex;
        }
    }

    private void start() throws IOException
    {
        Files.createDirectories(context.dataDir());
        // The TLS identity (BoringSSL, the key material) and the switch (its journals) each take about a third of a
        // start, most of it loading classes: on a machine with two cores they start side by side.
        final FutureTask<TlsSupport> tlsStarting = new FutureTask<>(this::startTls);
        resources.add(() -> closeStarted(tlsStarting));
        new Thread(tlsStarting, "stanzaswitch-tls-start").start();
        transport = context.transport().resolve();
        final Socks5Relay relay = context.proxyPort() < 0 ? null : new Socks5Relay(proxyHost());
        final UploadSettings upload = context.upload();
        final HttpFileShare files = upload.port() < 0 ? null : HttpFileShare.open(context.dataDir(), upload);
        stanzaSwitch = new StanzaSwitch(context.switchSettings().bytestreamProxy(relay).fileShare(files));
        resources.add(stanzaSwitch);
        final TlsSupport tls = started(tlsStarting);
        final EventLoopGroup acceptors = new MultiThreadIoEventLoopGroup(1, transport.ioHandlerFactory());
        final EventLoopGroup workers =
            new MultiThreadIoEventLoopGroup(context.ioThreads(), transport.ioHandlerFactory());
        resources.add(() -> acceptors.shutdownGracefully().syncUninterruptibly());
        resources.add(() -> workers.shutdownGracefully().syncUninterruptibly());
        final AccountAdmin accountAdmin = new AccountAdmin(context);
        resources.add(accountAdmin);
        final ExecutorService keyDerivation = keyDerivationWorkers();
        resources.add(keyDerivation::shutdownNow);
        resources.add(HeapReclaimer.start(context.heapReclaimAfterNs()));
        final C2sContext c2s = new C2sContext(context, stanzaSwitch, tls, accountAdmin, keyDerivation);
        c2sPort = listen(acceptors, workers, new C2sInitializer(c2s, false), context.c2sPort());
        if (context.directTlsPort() >= 0)
        {
            directTlsPort = listen(acceptors, workers, new C2sInitializer(c2s, true), context.directTlsPort());
        }
        if (context.componentPort() >= 0)
        {
            componentPort = listen(acceptors, workers, new ChannelInitializer<SocketChannel>()
            {
                @Override
                protected void initChannel(final SocketChannel channel)
                {
                    channel.pipeline().addLast("component", new ComponentConnection(c2s, context.componentSecrets()));
                }
            }, context.componentPort());
            LOG.info(() -> "external components " + context.componentSecrets().keySet() + " on " +
                context.bindAddress() + ":" + componentPort);
        }
        if (context.webPort() >= 0)
        {
            serveWeb(acceptors, workers, c2s);
        }
        if (relay != null)
        {
            proxyPort = listen(acceptors, workers, relay.initializer(), context.proxyPort());
            relay.port(proxyPort);
            LOG.info(() -> "XEP-0065 bytestreams proxy proxy." + context.domain() + " on " + relay.host() + ":" +
                relay.port());
        }
        if (files != null)
        {
            serveFiles(acceptors, tls, files);
        }
        LOG.info(() -> "TLS by " + (tlsProvider == SslProvider.JDK ? "the JDK" : OpenSsl.versionString()) +
            ", sockets by " + transport + ", " + context.ioThreads() + " I/O threads");
        LOG.info(() -> "serving " + context.domain() + " on " + context.bindAddress() + ":" + c2sPort + " (STARTTLS)" +
            (directTlsPort >= 0 ? " and :" + directTlsPort + " (direct TLS)" : "") + ", data in " + context.dataDir());
        if (tlsMaterial.generated())
        {
            LOG.info(() -> "generated a self-signed certificate " + tlsMaterial.certificate() + " SHA-256 " +
                fingerprint());
        }
    }

    private TlsSupport startTls() throws IOException
    {
        tlsMaterial = TlsMaterial.resolve(
            context.tlsCertificate(), context.tlsKey(), context.dataDir(), context.domain());
        tlsProvider = context.tlsProvider().resolve();
        return new TlsSupport(tlsMaterial.serverContext(tlsProvider));
    }

    private static TlsSupport started(final FutureTask<TlsSupport> tlsStarting) throws IOException
    {
        try
        {
            return tlsStarting.get();
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while TLS started", ex);
        }
        catch (final ExecutionException ex)
        {
            if (ex.getCause() instanceof IOException io)
            {
                throw io;
            }
            throw ex.getCause() instanceof RuntimeException runtime ? runtime :
                new IllegalStateException(ex.getCause());
        }
    }

    /**
     * Close what a TLS start made, once it is over: a server that fails to start waits for it too.
     */
    private static void closeStarted(final FutureTask<TlsSupport> tlsStarting)
    {
        try
        {
            tlsStarting.get().close();
        }
        catch (final ExecutionException ex)
        {
            // Nothing was made; the failure is the start's to report.
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * The web transports on one port: WebSocket (RFC 7395) and BOSH (XEP-0206), whose sessions run over in-VM
     * channels to the same connection state machine as TCP clients', and host-meta (XEP-0156) to find them.
     */
    private void serveWeb(final EventLoopGroup acceptors, final EventLoopGroup workers, final C2sContext c2s)
        throws IOException
    {
        final BoshSessions bosh = new BoshSessions(c2s, context.ioThreads());
        resources.add(bosh);
        final String host = context.domain() + ":" + context.webPort();
        final boolean behindProxy = context.webBehindProxy();
        webPort = listen(acceptors, workers, new WebInitializer(c2s, bosh, host, behindProxy), context.webPort());
        final String base = (behindProxy ? "http" : "https") + "://" + context.bindAddress() + ":" + webPort;
        LOG.info(() -> "web transports at " + base + HostMetaResponder.WEBSOCKET_PATH + " (WebSocket) and " + base +
            BoshEndpoint.PATH + " (BOSH)" + (behindProxy ? ", plain: TLS is the reverse proxy's in front of it" : ""));
    }

    /**
     * XEP-0363: the HTTPS listener on an event loop of its own (file I/O blocks), and the hourly sweep of expired
     * files on the same loop.
     */
    private void serveFiles(final EventLoopGroup acceptors, final TlsSupport tls, final HttpFileShare files)
        throws IOException
    {
        final EventLoopGroup fileLoop = new MultiThreadIoEventLoopGroup(1, transport.ioHandlerFactory());
        resources.add(() -> fileLoop.shutdownGracefully().syncUninterruptibly());
        uploadPort = listen(acceptors, fileLoop, HttpFileServer.initializer(tls, files), context.upload().port());
        final String url = context.upload().url().isEmpty() ?
            "https://" + context.domain() + ":" + uploadPort : context.upload().url().replaceAll("/+$", "");
        files.baseUrl(url);
        files.fileLoop(fileLoop);
        fileLoop.scheduleAtFixedRate(() -> files.sweep(System.currentTimeMillis()), 0, 1, TimeUnit.HOURS);
        LOG.info(() -> "XEP-0363 file upload upload." + context.domain() + " at " + url + " (listening on " +
            context.bindAddress() + ":" + uploadPort + ")");
    }

    /**
     * PBKDF2 for SASL PLAIN costs milliseconds per login: one worker per core keeps it off the I/O threads, and a
     * bounded backlog turns a login storm into temporary-auth-failure instead of an ever longer queue.
     */
    private static ExecutorService keyDerivationWorkers()
    {
        final int threads = Runtime.getRuntime().availableProcessors();
        final AtomicInteger count = new AtomicInteger();
        return new ThreadPoolExecutor(threads, threads, 0, TimeUnit.MILLISECONDS,
            new ArrayBlockingQueue<>(KEY_DERIVATION_BACKLOG), runnable ->
            {
                final Thread thread = new Thread(runnable, "stanzaswitch-keys-" + count.incrementAndGet());
                thread.setDaemon(true);
                return thread;
            });
    }

    private String fingerprint()
    {
        try
        {
            return tlsMaterial.fingerprint();
        }
        catch (final IOException ex)
        {
            return "unreadable: " + ex.getMessage();
        }
    }

    /**
     * @return where clients reach the proxy: the address listened on, or the domain if that is every address.
     */
    private String proxyHost()
    {
        final String bind = context.bindAddress();
        return bind.equals("0.0.0.0") || bind.equals("::") ? context.domain() : bind;
    }

    private int listen(
        final EventLoopGroup acceptors, final EventLoopGroup workers, final ChannelHandler initializer, final int port)
        throws IOException
    {
        final int max = context.maxOutboundBytes();
        final Channel channel = new ServerBootstrap()
            .group(acceptors, workers)
            .channel(transport.serverChannel())
            .option(ChannelOption.SO_BACKLOG, 1024)
            .childOption(ChannelOption.TCP_NODELAY, true)
            // Heap buffers, so that the framer reads the bytes in place.
            .childOption(ChannelOption.ALLOCATOR, new PooledByteBufAllocator(false))
            .childOption(ChannelOption.WRITE_BUFFER_WATER_MARK, new WriteBufferWaterMark(max / 4, max / 2))
            .childHandler(initializer)
            .bind(new InetSocketAddress(context.bindAddress(), port))
            .syncUninterruptibly()
            .channel();
        resources.add(() -> channel.close().syncUninterruptibly());
        return ((InetSocketAddress)channel.localAddress()).getPort();
    }

    /**
     * @return the HTTPS port of the XEP-0363 upload service, as bound; -1 if there is none.
     */
    public int uploadPort()
    {
        return uploadPort;
    }

    /**
     * @return the port of the web transports (WebSocket, BOSH), as bound; -1 if there is none.
     */
    public int webPort()
    {
        return webPort;
    }

    /**
     * @return the port of the XEP-0065 proxy, as bound; -1 if there is none.
     */
    public int proxyPort()
    {
        return proxyPort;
    }

    /**
     * @return the port of the STARTTLS listener, as bound.
     */
    public int c2sPort()
    {
        return c2sPort;
    }

    /**
     * @return the port of the external component listener (XEP-0114), as bound, or -1 if disabled.
     */
    public int componentPort()
    {
        return componentPort;
    }

    /**
     * @return the port of the direct TLS listener, or -1 if disabled.
     */
    public int directTlsPort()
    {
        return directTlsPort;
    }

    public ServerContext context()
    {
        return context;
    }

    /**
     * @return the accounts as the running switch knows them; read-only use.
     */
    public Accounts accounts()
    {
        return stanzaSwitch.accounts();
    }

    @Override
    public void close()
    {
        for (int i = resources.size() - 1; i >= 0; i--)
        {
            CloseHelper.quietClose(resources.get(i));
        }
        resources.clear();
    }
}
