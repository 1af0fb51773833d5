package org.stanzaswitch.gateway;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;

/**
 * A plain TCP client that writes raw bytes and reads what the server answers, for the cases no well-behaved
 * client library produces: malformed XML, oversized stanzas, clients that stop reading.
 */
final class RawClient implements AutoCloseable
{
    static final String HEADER = "<?xml version='1.0'?><stream:stream to='localhost' xmlns='jabber:client' " +
        "xmlns:stream='http://etherx.jabber.org/streams' version='1.0'>";

    private final Socket socket;
    private final ByteArrayOutputStream received = new ByteArrayOutputStream();
    private String header = HEADER;

    RawClient(final int port) throws IOException
    {
        this(new Socket(InetAddress.getLoopbackAddress(), port));
    }

    private RawClient(final Socket socket) throws IOException
    {
        this.socket = socket;
        socket.setSoTimeout(200);
    }

    /**
     * A client over TLS from the first byte (XEP-0368), trusting the test server's certificate.
     */
    static RawClient directTls(final TestServer server) throws Exception
    {
        return directTls(server.directTlsPort(), server.certificate());
    }

    /**
     * A client over TLS from the first byte to a port, trusting a server certificate file.
     */
    static RawClient directTls(final int port, final java.nio.file.Path certificate) throws Exception
    {
        final javax.net.ssl.SSLSocket socket = (javax.net.ssl.SSLSocket)TestClients.sslContext(certificate)
            .getSocketFactory().createSocket(InetAddress.getLoopbackAddress(), port);
        socket.startHandshake();
        return new RawClient(socket);
    }

    /**
     * @param header the stream header {@link #login} and {@link #authenticate} open their streams with.
     * @return this for a fluent API.
     */
    RawClient withHeader(final String header)
    {
        this.header = header;
        return this;
    }

    /**
     * Open a stream, authenticate with PLAIN, restart and bind: the bytes a minimal client sends.
     *
     * @return the bound full JID as the server reported it.
     */
    String login(final String authzid, final String username, final String password) throws IOException
    {
        if (!authenticate(authzid, username, password))
        {
            return null;
        }
        send("<iq type='set' id='b1'><bind xmlns='urn:ietf:params:xml:ns:xmpp-bind'/></iq>");
        final String bound = readUntil("</jid>", 5_000);
        final int start = bound.indexOf("<jid>");
        return start < 0 ? null : bound.substring(start + 5, bound.indexOf("</jid>"));
    }

    /**
     * Open a stream, authenticate with PLAIN and restart, stopping before binding (where XEP-0198 resumes).
     *
     * @return true if authenticated.
     */
    boolean authenticate(final String authzid, final String username, final String password) throws IOException
    {
        final String plain = java.util.Base64.getEncoder().encodeToString(
            (authzid + "\0" + username + "\0" + password).getBytes(StandardCharsets.UTF_8));
        send(header).readUntil("</stream:features>", 5_000);
        send("<auth xmlns='urn:ietf:params:xml:ns:xmpp-sasl' mechanism='PLAIN'>" + plain + "</auth>");
        if (!readUntil("<success", 5_000).contains("<success"))
        {
            return false;
        }
        received.reset();
        send(header).readUntil("</stream:features>", 5_000);
        return true;
    }

    RawClient send(final String xml) throws IOException
    {
        return send(xml.getBytes(StandardCharsets.UTF_8));
    }

    RawClient send(final byte[] bytes) throws IOException
    {
        socket.getOutputStream().write(bytes);
        socket.getOutputStream().flush();
        return this;
    }

    /**
     * Read until the server closes the connection or the time is up.
     *
     * @return everything received so far.
     */
    String readUntilClosed(final long timeoutMillis) throws IOException
    {
        return read(null, timeoutMillis);
    }

    /**
     * Read until the text appears, the server closes the connection or the time is up.
     *
     * @return everything received so far.
     */
    String readUntil(final String expected, final long timeoutMillis) throws IOException
    {
        return read(expected, timeoutMillis);
    }

    /**
     * Read until the text appears, then forget what was read, for long exchanges that need not be kept.
     *
     * @return true if the text appeared within the time.
     */
    boolean readPast(final String expected, final long timeoutMillis) throws IOException
    {
        final boolean found = read(expected, timeoutMillis).contains(expected);
        received.reset();
        return found;
    }

    /**
     * Read for a while, then forget what was read, for a caller that keeps its own record of the stream.
     *
     * @return what arrived within the time.
     */
    String readAndForget(final long millis) throws IOException
    {
        final String text = read(null, millis);
        received.reset();
        return text;
    }

    /**
     * Wait, then read once, as the socket returns it: over TLS one read gives one record's plaintext, so this shows
     * what the server wrote in one record.
     */
    String readOnceAfter(final long waitMillis) throws IOException, InterruptedException
    {
        Thread.sleep(waitMillis);
        final byte[] chunk = new byte[65536];
        final int read = socket.getInputStream().read(chunk);
        return read < 0 ? "" : new String(chunk, 0, read, StandardCharsets.UTF_8);
    }

    private String read(final String expected, final long timeoutMillis) throws IOException
    {
        final long deadline = System.currentTimeMillis() + timeoutMillis;
        final InputStream in = socket.getInputStream();
        final byte[] chunk = new byte[4096];
        while (System.currentTimeMillis() < deadline &&
            (expected == null || !received.toString(StandardCharsets.UTF_8).contains(expected)))
        {
            try
            {
                final int read = in.read(chunk);
                if (read < 0)
                {
                    break;
                }
                received.write(chunk, 0, read);
            }
            catch (final SocketTimeoutException ex)
            {
                continue;
            }
            catch (final IOException ex)
            {
                break;
            }
        }
        return received.toString(StandardCharsets.UTF_8);
    }

    /**
     * Read and discard until the server closes the connection, for floods too large to keep.
     *
     * @return true if the server closed it within the time.
     */
    boolean discardUntilClosed(final long timeoutMillis) throws IOException
    {
        final long deadline = System.currentTimeMillis() + timeoutMillis;
        final InputStream in = socket.getInputStream();
        final byte[] chunk = new byte[65536];
        while (System.currentTimeMillis() < deadline)
        {
            try
            {
                if (in.read(chunk) < 0)
                {
                    return true;
                }
            }
            catch (final SocketTimeoutException ex)
            {
                continue;
            }
            catch (final IOException ex)
            {
                return true;
            }
        }
        return false;
    }

    @Override
    public void close() throws IOException
    {
        socket.close();
    }
}
