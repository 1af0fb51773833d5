package org.stanzaswitch.gateway;

import org.jivesoftware.smack.tcp.XMPPTCPConnection;
import org.jivesoftware.smackx.bytestreams.BytestreamRequest;
import org.jivesoftware.smackx.bytestreams.socks5.Socks5BytestreamManager;
import org.jivesoftware.smackx.bytestreams.socks5.Socks5BytestreamSession;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.jxmpp.jid.impl.JidCreate;

import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * XEP-0065 SOCKS5 bytestreams through the server's proxy, with Smack's Socks5BytestreamManager and the local
 * streamhost of each client turned off, so the proxy is the only way; and a raw SOCKS5 client that asks for
 * something else.
 */
@Timeout(60)
class BytestreamProxySystemTest
{
    @Test
    @DisplayName("XEP-0065 §5.1-§6.3: discovered in the server's items, a megabyte relayed whole after activation")
    void shouldRelayThroughProxy() throws Exception
    {
        try (TestServer server = TestServer.start(context -> context.proxyPort(0))
            .addUser("alice", "a").addUser("bob", "b"))
        {
            final XMPPTCPConnection alice = TestClients.login(server, "alice", "a");
            final XMPPTCPConnection bob = TestClients.login(server, "bob", "b");
            try
            {
                final Socks5BytestreamManager aliceStreams = Socks5BytestreamManager.getBytestreamManager(alice);
                aliceStreams.setAnnounceLocalStreamHost(false);
                assertThat(aliceStreams.determineProxies()).containsExactly(JidCreate.from("proxy.localhost"));
                final byte[] sent = new byte[1 << 20];
                new Random(65).nextBytes(sent);
                final CompletableFuture<byte[]> received = new CompletableFuture<>();
                Socks5BytestreamManager.getBytestreamManager(bob).addIncomingBytestreamListener(
                    (final BytestreamRequest request) -> received.completeAsync(() -> readAll(request)));

                final Socks5BytestreamSession session = aliceStreams.establishSession(bob.getUser());
                assertThat(session.isMediated()).as("through the proxy").isTrue();
                try (OutputStream out = session.getOutputStream())
                {
                    out.write(sent);
                }
                assertThat(received.get(30, TimeUnit.SECONDS)).isEqualTo(sent);
            }
            finally
            {
                alice.disconnect();
                bob.disconnect();
            }
        }
    }

    @Test
    @DisplayName("RFC 1928 §3, §4: a client without the no-authentication method, or asking for an address, is refused")
    void shouldRefuseOtherRequests() throws Exception
    {
        try (TestServer server = TestServer.start(context -> context.proxyPort(0)))
        {
            final int port = server.server().proxyPort();
            try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), port))
            {
                socket.getOutputStream().write(new byte[]{5, 1, 2});
                assertThat(socket.getInputStream().readNBytes(2)).containsExactly(5, 0xFF);
                assertThat(socket.getInputStream().read()).as("then closed").isEqualTo(-1);
            }
            try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), port))
            {
                socket.getOutputStream().write(new byte[]{5, 1, 0});
                assertThat(socket.getInputStream().readNBytes(2)).containsExactly(5, 0);
                // CONNECT to 127.0.0.1:80: an open relay would go there; this one relays only between pairs.
                socket.getOutputStream().write(new byte[]{5, 1, 0, 1, 127, 0, 0, 1, 0, 80});
                assertThat(socket.getInputStream().readNBytes(2)).containsExactly(5, 1);
            }
        }
    }

    private static byte[] readAll(final BytestreamRequest request)
    {
        try (InputStream in = request.accept().getInputStream())
        {
            final ByteArrayOutputStream all = new ByteArrayOutputStream();
            in.transferTo(all);
            return all.toByteArray();
        }
        catch (final Exception ex)
        {
            throw new IllegalStateException(ex);
        }
    }
}
