package org.stanzaswitch.gateway;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.ByteBuffer;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * The JDK's WebSocket client, speaking RFC 7395 by hand to the server: what it sends and reads are whole messages,
 * so a test sees exactly how the server framed its stream.
 */
final class WebSocketClient implements WebSocket.Listener, AutoCloseable
{
    static final String FRAMING_NS = "urn:ietf:params:xml:ns:xmpp-framing";
    static final String OPEN = "<open xmlns='" + FRAMING_NS + "' to='localhost' version='1.0'/>";
    static final String CLOSE = "<close xmlns='" + FRAMING_NS + "'/>";

    final CompletableFuture<Integer> closed = new CompletableFuture<>();
    private final BlockingQueue<String> messages = new LinkedBlockingQueue<>();
    private final StringBuilder partial = new StringBuilder();
    private final WebSocket socket;

    private WebSocketClient(final TestServer server, final String scheme, final String forwardedFor)
        throws Exception
    {
        final HttpClient http = HttpClient.newBuilder().sslContext(TestClients.sslContext(server)).build();
        final WebSocket.Builder builder = http.newWebSocketBuilder().subprotocols("xmpp");
        if (forwardedFor != null)
        {
            builder.header("X-Forwarded-For", forwardedFor);
        }
        socket = builder.buildAsync(URI.create(scheme + "://localhost:" + server.server().webPort() +
            "/xmpp-websocket"), this).get(10, TimeUnit.SECONDS);
    }

    static WebSocketClient connect(final TestServer server) throws Exception
    {
        return new WebSocketClient(server, "wss", null);
    }

    /**
     * Plain WebSocket, as a reverse proxy that did the TLS speaks to the server.
     */
    static WebSocketClient connectPlain(final TestServer server) throws Exception
    {
        return new WebSocketClient(server, "ws", null);
    }

    /**
     * @param forwardedFor the X-Forwarded-For header, as the proxy would send it.
     */
    static WebSocketClient connectPlain(final TestServer server, final String forwardedFor) throws Exception
    {
        return new WebSocketClient(server, "ws", forwardedFor);
    }

    String subprotocol()
    {
        return socket.getSubprotocol();
    }

    WebSocketClient send(final String xml) throws Exception
    {
        socket.sendText(xml, true).get(10, TimeUnit.SECONDS);
        return this;
    }

    WebSocketClient ping() throws Exception
    {
        socket.sendPing(ByteBuffer.allocate(0)).get(10, TimeUnit.SECONDS);
        return this;
    }

    WebSocketClient sendBinary(final byte[] bytes) throws Exception
    {
        socket.sendBinary(ByteBuffer.wrap(bytes), true).get(10, TimeUnit.SECONDS);
        return this;
    }

    /**
     * @return the next whole message, or null if none came within ten seconds.
     */
    String next() throws InterruptedException
    {
        return messages.poll(10, TimeUnit.SECONDS);
    }

    /**
     * @return the next message that contains {@code text}, skipping others; null if none came in time.
     */
    String nextContaining(final String text) throws InterruptedException
    {
        final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (System.nanoTime() < deadline)
        {
            final String message = messages.poll(deadline - System.nanoTime(), TimeUnit.NANOSECONDS);
            if (message != null && message.contains(text))
            {
                return message;
            }
        }
        return null;
    }

    @Override
    public CompletionStage<?> onText(final WebSocket webSocket, final CharSequence data, final boolean last)
    {
        partial.append(data);
        if (last)
        {
            messages.add(partial.toString());
            partial.setLength(0);
        }
        webSocket.request(1);
        return null;
    }

    @Override
    public CompletionStage<?> onClose(final WebSocket webSocket, final int statusCode, final String reason)
    {
        closed.complete(statusCode);
        return null;
    }

    @Override
    public void onError(final WebSocket webSocket, final Throwable error)
    {
        closed.complete(-1);
    }

    @Override
    public void close()
    {
        socket.abort();
    }
}
