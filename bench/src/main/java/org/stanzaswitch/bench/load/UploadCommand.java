package org.stanzaswitch.bench.load;

import io.netty.handler.ssl.util.InsecureTrustManagerFactory;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import javax.net.ssl.HttpsURLConnection;
import javax.net.ssl.SSLContext;
import javax.xml.parsers.DocumentBuilderFactory;
import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * {@code loadtool upload}: XEP-0363 HTTP file upload as a client does it, R rounds of a slot request over XMPP, a
 * PUT of S bytes and a GET of them back over HTTPS; the time and the server's CPU for each, and its resident
 * memory, so a server that holds an upload in memory shows it. Speaks to any server with an upload service.
 */
@Command(name = "upload", mixinStandardHelpOptions = true,
    description = "Ask for upload slots (XEP-0363), PUT a file of S bytes, GET it back; time and server CPU.")
final class UploadCommand implements Callable<Integer>
{
    private static final String NS = "urn:xmpp:http:upload:0";

    @Mixin
    TargetOptions target;

    @Option(names = "--size", description = "bytes per file, k/m/g allowed (default: ${DEFAULT-VALUE})")
    String size = "100m";

    @Option(names = "--rounds", description = "files put and got (default: ${DEFAULT-VALUE})")
    int rounds = 3;

    @Option(names = "--service", description = "upload service JID (default: upload.<domain>)")
    String service;

    /** The slot the service gave: where to PUT, with which Authorization header, and where to GET. */
    private record Slot(String put, String authorization, String get)
    {
    }

    @Override
    public Integer call() throws Exception
    {
        final long bytes = org.agrona.SystemUtil.parseSize("size", size);
        final Path file = Files.createTempFile("loadtool-upload-", ".bin");
        final Results results = new Results(target.results, target.label, target.scenario("upload"));
        try (ClientPool pool = new ClientPool(target.settings(), target.ioThreads))
        {
            write(file, bytes);
            final List<LoadConnection> bound = pool.login(0, 1, 1, 120);
            if (bound.isEmpty())
            {
                pool.printFailures();
                return 1;
            }
            final LoadConnection client = bound.get(0);
            final SSLContext tls = SSLContext.getInstance("TLS");
            tls.init(null, InsecureTrustManagerFactory.INSTANCE.getTrustManagers(), null);
            final RunCost cost = new RunCost(target.serverPid);
            boolean ok = true;
            for (int round = 1; round <= rounds && ok; round++)
            {
                final Slot slot = requestSlot(pool, client, "load" + round + ".bin", bytes);
                cost.start();
                final long putStart = System.nanoTime();
                final int putStatus = put(tls, slot, file, bytes);
                final double putSeconds = (System.nanoTime() - putStart) / 1e9;
                cost.stop();
                final double putCpu = cost.serverCpu();
                final long residentAfterPut = cost.serverResidentKiB();
                cost.start();
                final long getStart = System.nanoTime();
                final HttpsURLConnection get = (HttpsURLConnection)URI.create(slot.get).toURL().openConnection();
                get.setSSLSocketFactory(tls.getSocketFactory());
                get.setHostnameVerifier((host, session) -> true);
                final long got = count(get.getInputStream());
                final double getSeconds = (System.nanoTime() - getStart) / 1e9;
                cost.stop();
                ok = putStatus == 201 && get.getResponseCode() == 200 && got == bytes;
                System.out.printf(Locale.ROOT, "%s: round %d: PUT %d in %.3f s (server CPU %.0f ms), GET %d, %d " +
                    "bytes in %.3f s (server CPU %.0f ms), server RSS %d KiB%n", target.label, round,
                    putStatus, putSeconds, putCpu * 1e3, get.getResponseCode(), got, getSeconds,
                    cost.serverCpu() * 1e3, cost.serverResidentKiB());
                results.put("put_s_" + round, putSeconds);
                results.put("put_server_cpu_ms_" + round, putCpu * 1e3);
                results.put("get_s_" + round, getSeconds);
                results.put("get_server_cpu_ms_" + round, cost.serverCpu() * 1e3);
                results.put("server_rss_after_put_mib_" + round, residentAfterPut / 1024.0);
            }
            return ok ? 0 : 1;
        }
        finally
        {
            Files.deleteIfExists(file);
        }
    }

    private Slot requestSlot(final ClientPool pool, final LoadConnection client, final String name, final long bytes)
        throws Exception
    {
        final CompletableFuture<String> answer = new CompletableFuture<>();
        final String id = "slot-" + name;
        pool.scenario(new LoadEvents()
        {
            @Override
            public void iqAnswer(final LoadConnection connection, final String answerId, final String xml)
            {
                if (answerId.equals(id))
                {
                    answer.complete(xml);
                }
            }

            @Override
            public void stanzaError(final LoadConnection connection)
            {
            }
        });
        client.sendRaw("<iq type='get' id='" + id + "' to='" + (service == null ? "upload." + target.domain : service) +
            "'><request xmlns='" + NS + "' filename='" + name + "' size='" + bytes +
            "' content-type='application/octet-stream'/></iq>");
        final String xml = answer.get(30, TimeUnit.SECONDS);
        final DocumentBuilderFactory factory = DocumentBuilderFactory.newInstance();
        factory.setNamespaceAware(true);
        final Element iq = factory.newDocumentBuilder()
            .parse(new ByteArrayInputStream(xml.getBytes(StandardCharsets.UTF_8))).getDocumentElement();
        final Element put = first(iq, "put");
        final Element get = first(iq, "get");
        if (put == null || get == null)
        {
            throw new IllegalStateException("no slot: " + xml);
        }
        final Element header = first(put, "header");
        return new Slot(put.getAttribute("url"), header == null ? "" : header.getTextContent().trim(),
            get.getAttribute("url"));
    }

    private static Element first(final Element parent, final String name)
    {
        final NodeList found = parent.getElementsByTagNameNS(NS, name);
        return found.getLength() == 0 ? null : (Element)found.item(0);
    }

    private static void write(final Path file, final long bytes) throws Exception
    {
        final byte[] chunk = new byte[1 << 20];
        new Random(363).nextBytes(chunk);
        try (OutputStream out = Files.newOutputStream(file))
        {
            for (long left = bytes; left > 0; left -= chunk.length)
            {
                out.write(chunk, 0, (int)Math.min(chunk.length, left));
            }
        }
    }

    /**
     * PUT the file as one fixed-length body (the JDK's HttpClient took ten times longer than curl for 100 MiB,
     * measuring itself; HttpURLConnection over an SSLSocket keeps up).
     *
     * @return the status.
     */
    private static int put(final SSLContext tls, final Slot slot, final Path file, final long bytes) throws Exception
    {
        final HttpsURLConnection put = (HttpsURLConnection)URI.create(slot.put).toURL().openConnection();
        // The load tool trusts any certificate (InsecureTrustManagerFactory), so it does not check names either.
        put.setSSLSocketFactory(tls.getSocketFactory());
        put.setHostnameVerifier((host, session) -> true);
        put.setRequestMethod("PUT");
        put.setDoOutput(true);
        put.setFixedLengthStreamingMode(bytes);
        put.setRequestProperty("Authorization", slot.authorization);
        put.setRequestProperty("Content-Type", "application/octet-stream");
        try (OutputStream out = put.getOutputStream())
        {
            Files.copy(file, out);
        }
        final int status = put.getResponseCode();
        put.disconnect();
        return status;
    }

    private static long count(final InputStream body) throws Exception
    {
        try (InputStream in = body)
        {
            final byte[] buffer = new byte[1 << 16];
            long total = 0;
            int read;
            while ((read = in.read(buffer)) > 0)
            {
                total += read;
            }
            return total;
        }
    }
}
