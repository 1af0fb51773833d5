package org.stanzaswitch.gateway;

import org.jivesoftware.smack.ConnectionConfiguration.SecurityMode;
import org.jivesoftware.smack.tcp.XMPPTCPConnection;
import org.jivesoftware.smack.tcp.XMPPTCPConnectionConfiguration;

import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509TrustManager;
import java.io.InputStream;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;

/**
 * Smack clients for system tests. They trust exactly the test server's generated certificate, so TLS is
 * verified for real (chain and host name), not switched off.
 */
public final class TestClients
{
    private TestClients()
    {
    }

    /**
     * @return a configuration for STARTTLS (required) on the server's c2s port.
     */
    public static XMPPTCPConnectionConfiguration.Builder startTls(
        final TestServer server, final String username, final String password) throws Exception
    {
        return XMPPTCPConnectionConfiguration.builder()
            .setXmppDomain(TestServer.DOMAIN)
            .setHostAddress(InetAddress.getLoopbackAddress())
            .setPort(server.c2sPort())
            .setUsernameAndPassword(username, password)
            .setSecurityMode(SecurityMode.required)
            .setCustomX509TrustManager(trustManager(server))
            .setConnectTimeout(10_000);
    }

    /**
     * @return a configuration for TLS from the first byte (XEP-0368) on the server's direct TLS port.
     */
    public static XMPPTCPConnectionConfiguration.Builder directTls(
        final TestServer server, final String username, final String password) throws Exception
    {
        return directTls(server.directTlsPort(), server.certificate(), username, password);
    }

    /**
     * @return a configuration for TLS from the first byte on a port, trusting a server certificate file.
     */
    public static XMPPTCPConnectionConfiguration.Builder directTls(
        final int port, final Path certificate, final String username, final String password) throws Exception
    {
        return XMPPTCPConnectionConfiguration.builder()
            .setXmppDomain(TestServer.DOMAIN)
            .setHostAddress(InetAddress.getLoopbackAddress())
            .setPort(port)
            .setUsernameAndPassword(username, password)
            .setSecurityMode(SecurityMode.disabled)
            .setSocketFactory(sslContext(certificate).getSocketFactory())
            .setConnectTimeout(10_000);
    }

    /**
     * @return a client logged in over STARTTLS.
     */
    public static XMPPTCPConnection login(final TestServer server, final String username, final String password)
        throws Exception
    {
        return connect(startTls(server, username, password));
    }

    public static XMPPTCPConnection connect(final XMPPTCPConnectionConfiguration.Builder builder) throws Exception
    {
        final XMPPTCPConnection connection = new XMPPTCPConnection(builder.build());
        connection.setReplyTimeout(10_000);
        connection.connect().login();
        return connection;
    }

    /**
     * Disconnect, but never hang a test run on it: Smack's TLS socket close waits for a writer blocked on a full
     * socket. If it does not finish in time, every thread's stack goes to the log so the cause can be read.
     *
     * @return true if the disconnect finished in time.
     */
    public static boolean disconnectWithin(final XMPPTCPConnection connection, final long millis)
        throws InterruptedException
    {
        final Thread closer = new Thread(connection::disconnect, "disconnect-" + connection.getUser());
        closer.setDaemon(true);
        closer.start();
        closer.join(millis);
        if (!closer.isAlive())
        {
            return true;
        }
        final StringBuilder dump = new StringBuilder("disconnect of " + connection.getUser() + " did not finish in " +
            millis + " ms; threads:\n");
        Thread.getAllStackTraces().forEach((thread, stack) ->
        {
            dump.append('"').append(thread.getName()).append("\" ").append(thread.getState()).append('\n');
            for (final StackTraceElement frame : stack)
            {
                dump.append("    at ").append(frame).append('\n');
            }
        });
        System.err.print(dump);
        // Not on this thread: the shutdown waits for the connection's lock, which the stuck disconnect holds.
        final Thread shutdown = new Thread(connection::instantShutdown, "shutdown-" + connection.getUser());
        shutdown.setDaemon(true);
        shutdown.start();
        return false;
    }

    public static X509TrustManager trustManager(final TestServer server) throws Exception
    {
        return (X509TrustManager)trustManagers(server.certificate())[0];
    }

    public static SSLContext sslContext(final TestServer server) throws Exception
    {
        return sslContext(server.certificate());
    }

    public static SSLContext sslContext(final Path certificate) throws Exception
    {
        final SSLContext context = SSLContext.getInstance("TLS");
        context.init(null, trustManagers(certificate), null);
        return context;
    }

    private static TrustManager[] trustManagers(final Path certificate) throws Exception
    {
        final KeyStore trust = KeyStore.getInstance(KeyStore.getDefaultType());
        trust.load(null, null);
        try (InputStream in = Files.newInputStream(certificate))
        {
            trust.setCertificateEntry("server",
                (X509Certificate)CertificateFactory.getInstance("X.509").generateCertificate(in));
        }
        final TrustManagerFactory factory = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        factory.init(trust);
        return factory.getTrustManagers();
    }
}
