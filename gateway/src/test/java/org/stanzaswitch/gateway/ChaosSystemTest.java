package org.stanzaswitch.gateway;

import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.stanzaswitch.codec.Bytes;
import org.stanzaswitch.codec.ChildElements;
import org.stanzaswitch.codec.DecoderLimits;
import org.stanzaswitch.codec.ElementFlyweight;
import org.stanzaswitch.codec.StanzaKind;
import org.stanzaswitch.codec.StreamErrorCondition;
import org.stanzaswitch.codec.StreamFramer;
import org.stanzaswitch.codec.StreamHeaderFlyweight;
import org.stanzaswitch.codec.StreamListener;

import javax.net.ssl.SSLSocket;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Mobile clients on a bad network (issue 6): each sends numbered messages to the others while its TCP
 * connection is cut at random moments without closing the stream; it comes back and resumes (XEP-0198 §5),
 * re-sending what the server had not handled, as a client does. At the end every message sent has arrived
 * exactly once, in order from each sender.
 */
@Timeout(120)
class ChaosSystemTest
{
    private static final int CLIENTS = 8;
    private static final long RUN_MS = 8_000;
    private static final Pattern BODY = Pattern.compile("c(\\d+)-(\\d+)");

    @Test
    @DisplayName("Issue 6 chaos: connections cut at random; resumption loses, duplicates and reorders nothing")
    void shouldDeliverEverythingExactlyOnceThroughCuts() throws Exception
    {
        final long seed = System.nanoTime();
        try (TestServer server = TestServer.start())
        {
            final List<MobileClient> clients = new ArrayList<>();
            for (int c = 0; c < CLIENTS; c++)
            {
                server.addUser("m" + c, "secret");
                clients.add(new MobileClient(server, c, new SplittableRandom(seed + c)));
            }
            final AtomicBoolean sending = new AtomicBoolean(true);
            final List<Thread> threads = new ArrayList<>();
            for (final MobileClient client : clients)
            {
                final Thread thread = new Thread(() -> client.run(sending), "mobile-" + client.number);
                thread.start();
                threads.add(thread);
            }
            Thread.sleep(RUN_MS);
            sending.set(false);
            for (final Thread thread : threads)
            {
                thread.join(60_000);
            }
            int cuts = 0;
            int sent = 0;
            for (final MobileClient client : clients)
            {
                assertThat(client.failure).as("seed %d: client %d", seed, client.number).isNull();
                assertThat(client.binds).as("seed %d: client %d bound once, then always resumed", seed, client.number)
                    .isEqualTo(1);
                cuts += client.cuts;
                sent += client.nextSeq;
            }
            for (final MobileClient recipient : clients)
            {
                for (final MobileClient sender : clients)
                {
                    final List<Integer> expected = new ArrayList<>();
                    for (int seq = 0; seq < sender.nextSeq; seq++)
                    {
                        if (sender.target(seq) == recipient.number)
                        {
                            expected.add(seq);
                        }
                    }
                    assertThat(recipient.received.getOrDefault(sender.number, List.of()))
                        .as("seed %d: from %d to %d", seed, sender.number, recipient.number)
                        .containsExactlyElementsOf(expected);
                }
            }
            assertThat(cuts).as("the network did cut connections").isGreaterThan(CLIENTS);
            System.out.printf("chaos: seed %d, %d clients, %d connections cut, %d messages, each delivered once, " +
                "in order%n", seed, CLIENTS, cuts, sent);
        }
    }

    /**
     * A client that keeps its stream management state across connections, as XEP-0198 asks: what it handled
     * (h), what it sent and the server has not acknowledged, and the id to resume with.
     */
    private static final class MobileClient implements StreamListener
    {
        private static final byte[] SM_NS = Bytes.ascii("urn:xmpp:sm:3");
        private static final byte[] BODY_NAME = Bytes.ascii("body");
        private static final byte[] CLIENT_NS = Bytes.ascii("jabber:client");

        final int number;
        final Map<Integer, List<Integer>> received = new TreeMap<>();
        final ArrayDeque<String> unacknowledged = new ArrayDeque<>();
        final SplittableRandom random;
        final TestServer server;
        int nextSeq;
        int cuts;
        int binds;
        Throwable failure;
        private long handled;
        private long acknowledgedByServer;
        private String resumptionId;
        private String pendingResume;
        private OutputStream out;
        private final ChildElements children = new ChildElements();
        private final Map<String, Boolean> seen = new ConcurrentHashMap<>();

        MobileClient(final TestServer server, final int number, final SplittableRandom random)
        {
            this.server = server;
            this.number = number;
            this.random = random;
        }

        int target(final int seq)
        {
            return (number + 1 + seq % (CLIENTS - 1)) % CLIENTS;
        }

        void run(final AtomicBoolean sending)
        {
            try
            {
                while (sending.get())
                {
                    connectAndTalk(sending, true);
                    cuts++;
                }
                // The network is good again: come back once more and take what is still on its way.
                connectAndTalk(sending, false);
            }
            catch (final Throwable ex)
            {
                failure = ex;
            }
        }

        private void connectAndTalk(final AtomicBoolean sending, final boolean cut) throws Exception
        {
            try (SSLSocket socket = (SSLSocket)TestClients.sslContext(server).getSocketFactory()
                .createSocket(InetAddress.getLoopbackAddress(), server.directTlsPort()))
            {
                socket.setSoTimeout(10_000);
                socket.startHandshake();
                out = socket.getOutputStream();
                final InputStream in = socket.getInputStream();
                final StreamFramer framer = new StreamFramer(new DecoderLimits().conclude(), this);
                authenticate(in);
                socket.setSoTimeout(50);
                if (resumptionId == null)
                {
                    binds++;
                    // The presence comes after <enable/>, so the server counts it: it is in the queue too.
                    unacknowledged.add("<presence/>");
                    send("<iq type='set' id='b'><bind xmlns='urn:ietf:params:xml:ns:xmpp-bind'/></iq>" +
                        "<enable xmlns='urn:xmpp:sm:3' resume='true'/><presence/>");
                }
                else
                {
                    pendingResume = resumptionId;
                    send("<resume xmlns='urn:xmpp:sm:3' previd='" + resumptionId + "' h='" + (handled & 0xFFFF_FFFFL) +
                        "'/>");
                }
                feed(framer, RawClient.HEADER.replace("to='localhost'", "from='localhost' id='x'"));
                final long end = System.currentTimeMillis() + (cut ? 200 + random.nextInt(1_500) : 3_000);
                final byte[] chunk = new byte[8192];
                while (System.currentTimeMillis() < end)
                {
                    if (cut && sending.get() && resumptionId != null && pendingResume == null && random.nextInt(4) == 0)
                    {
                        final String body = "c" + number + "-" + nextSeq;
                        final String stanza = "<message type='chat' to='m" + target(nextSeq) + "@localhost'><body>" +
                            body + "</body></message>";
                        nextSeq++;
                        unacknowledged.add(stanza);
                        send(stanza + (unacknowledged.size() % 5 == 0 ? "<r xmlns='urn:xmpp:sm:3'/>" : ""));
                    }
                    try
                    {
                        final int read = in.read(chunk);
                        if (read < 0)
                        {
                            return;
                        }
                        framer.decode(new UnsafeBuffer(chunk, 0, read), 0, read);
                    }
                    catch (final java.net.SocketTimeoutException idle)
                    {
                        continue;
                    }
                }
                if (!cut)
                {
                    send("<r xmlns='urn:xmpp:sm:3'/></stream:stream>");
                }
                // Otherwise the connection just goes: no </stream:stream>.
            }
        }

        private void authenticate(final InputStream in) throws IOException
        {
            final String plain = Base64.getEncoder().encodeToString(("\0m" + number + "\0secret")
                .getBytes(StandardCharsets.UTF_8));
            send(RawClient.HEADER);
            readUntil(in, "</stream:features>");
            send("<auth xmlns='urn:ietf:params:xml:ns:xmpp-sasl' mechanism='PLAIN'>" + plain + "</auth>");
            readUntil(in, "<success");
            send(RawClient.HEADER);
            readUntil(in, "</stream:features>");
        }

        private static void readUntil(final InputStream in, final String marker) throws IOException
        {
            final StringBuilder text = new StringBuilder();
            final byte[] one = new byte[1];
            final long deadline = System.currentTimeMillis() + 10_000;
            while (text.indexOf(marker) < 0 || text.charAt(text.length() - 1) != '>')
            {
                if (System.currentTimeMillis() > deadline)
                {
                    throw new IOException("no " + marker + " in " + text);
                }
                try
                {
                    if (in.read(one) < 0)
                    {
                        throw new IOException("closed waiting for " + marker);
                    }
                    text.append((char)one[0]);
                }
                catch (final java.net.SocketTimeoutException idle)
                {
                    continue;
                }
            }
        }

        private void feed(final StreamFramer framer, final String text)
        {
            final byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
            framer.decode(new UnsafeBuffer(bytes), 0, bytes.length);
        }

        private void send(final String xml) throws IOException
        {
            out.write(xml.getBytes(StandardCharsets.UTF_8));
            out.flush();
        }

        @Override
        public void onStreamOpen(final StreamHeaderFlyweight header)
        {
        }

        @Override
        public boolean onElement(final ElementFlyweight element)
        {
            try
            {
                if (element.namespaceEquals(SM_NS))
                {
                    onStreamManagement(element);
                }
                else if (element.kind() != StanzaKind.OTHER)
                {
                    handled++;
                    if (element.kind() == StanzaKind.MESSAGE)
                    {
                        onMessage(element);
                    }
                }
            }
            catch (final IOException ex)
            {
                throw new IllegalStateException(ex);
            }
            return true;
        }

        private void onStreamManagement(final ElementFlyweight element) throws IOException
        {
            final String xml = element.buffer().getStringWithoutLengthUtf8(element.offset(), element.length());
            if (element.localNameEquals(Bytes.ascii("r")))
            {
                send("<a xmlns='urn:xmpp:sm:3' h='" + (handled & 0xFFFF_FFFFL) + "'/>");
            }
            else if (element.localNameEquals(Bytes.ascii("enabled")))
            {
                final Matcher id = Pattern.compile("id='([^']+)'").matcher(xml);
                assertThat(id.find()).isTrue();
                resumptionId = id.group(1);
                // §4: the count starts here; the bind result before it is not a counted stanza.
                handled = 0;
            }
            else if (element.localNameEquals(Bytes.ascii("a")) || element.localNameEquals(Bytes.ascii("resumed")))
            {
                final Matcher h = Pattern.compile("h='(\\d+)'").matcher(xml);
                assertThat(h.find()).isTrue();
                final long advance = (Long.parseLong(h.group(1)) - acknowledgedByServer) & 0xFFFF_FFFFL;
                for (long i = 0; i < advance; i++)
                {
                    unacknowledged.poll();
                }
                acknowledgedByServer += advance;
                if (element.localNameEquals(Bytes.ascii("resumed")))
                {
                    // §5: what the server never handled goes again.
                    pendingResume = null;
                    for (final String stanza : unacknowledged)
                    {
                        send(stanza);
                    }
                }
            }
            else if (element.localNameEquals(Bytes.ascii("failed")))
            {
                throw new IllegalStateException("resumption refused: " + xml);
            }
        }

        private void onMessage(final ElementFlyweight element)
        {
            children.wrap(element);
            while (children.next())
            {
                if (children.is(BODY_NAME, CLIENT_NS))
                {
                    final String body = element.buffer().getStringWithoutLengthUtf8(children.childOffset(),
                        children.childLength());
                    final Matcher matcher = BODY.matcher(body);
                    if (matcher.find())
                    {
                        received.computeIfAbsent(Integer.parseInt(matcher.group(1)), s -> new ArrayList<>())
                            .add(Integer.parseInt(matcher.group(2)));
                    }
                }
            }
        }

        @Override
        public void onStreamClose()
        {
        }

        @Override
        public void onStreamError(final StreamErrorCondition condition, final String reason)
        {
            throw new IllegalStateException("stream error " + condition + ": " + reason);
        }
    }
}
