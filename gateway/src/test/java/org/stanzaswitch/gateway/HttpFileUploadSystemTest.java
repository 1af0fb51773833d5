package org.stanzaswitch.gateway;

import org.jivesoftware.smack.XMPPException;
import org.jivesoftware.smack.packet.StandardExtensionElement;
import org.jivesoftware.smack.packet.StanzaError;
import org.jivesoftware.smack.tcp.XMPPTCPConnection;
import org.jivesoftware.smackx.httpfileupload.HttpFileUploadManager;
import org.jivesoftware.smackx.httpfileupload.element.FileTooLargeError;
import org.jivesoftware.smackx.httpfileupload.element.Slot;
import org.jivesoftware.smackx.httpfileupload.element.SlotRequest;
import org.jivesoftware.smackx.iqregister.AccountManager;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.jxmpp.jid.DomainBareJid;
import org.jxmpp.jid.impl.JidCreate;

import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import java.io.OutputStream;
import java.net.URI;
import java.net.URL;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

/**
 * XEP-0363 HTTP File Upload: Smack's HttpFileUploadManager finds the service, asks for a slot and uploads over
 * HTTPS; the file is fetched back with the JDK's HTTP client, before and after a restart; and the requests the
 * service must refuse are refused, on the XMPP side (§5) and the HTTP side (§6).
 */
@Timeout(60)
class HttpFileUploadSystemTest
{
    private static final DomainBareJid SERVICE = domain("upload.localhost");

    @Test
    @DisplayName("XEP-0363 §3, §4, §6: discovered with its size limit, a slot, the upload, the same bytes back")
    void shouldUploadAndServe() throws Exception
    {
        final Path dataDir = TestServer.newDataDir();
        final byte[] sent = new byte[200_000];
        new Random(363).nextBytes(sent);
        final URL getUrl;
        try (TestServer server = TestServer.start(dataDir, false, context -> context.upload().port(0)
            .maxFileSize(1 << 20)).addUser("alice", "a"))
        {
            final XMPPTCPConnection alice = TestClients.login(server, "alice", "a");
            try
            {
                final HttpFileUploadManager uploads = HttpFileUploadManager.getInstanceFor(alice);
                assertThat(uploads.discoverUploadService()).isTrue();
                assertThat(uploads.getDefaultUploadService().getAddress().toString()).isEqualTo(SERVICE.toString());
                assertThat(uploads.getDefaultUploadService().getMaxFileSize()).isEqualTo(1 << 20);
                uploads.setTlsContext(TestClients.sslContext(server));
                final Path file = Files.write(dataDir.resolveSibling(dataDir.getFileName() + "-très cool.bin"), sent);
                getUrl = uploads.uploadFile(file.toFile());
                Files.delete(file);
            }
            finally
            {
                alice.disconnect();
            }
            // §4: "Non ASCII characters MUST be percent-encoded", the name otherwise kept.
            assertThat(getUrl.toString()).startsWith("https://localhost:" + server.server().uploadPort() + "/")
                .endsWith("-tr%C3%A8s%20cool.bin");
            final HttpResponse<byte[]> got = http(server).send(HttpRequest.newBuilder(getUrl.toURI()).build(),
                HttpResponse.BodyHandlers.ofByteArray());
            assertThat(got.statusCode()).isEqualTo(200);
            assertThat(got.body()).isEqualTo(sent);
            // §8: nothing in the file runs in the service's origin.
            assertThat(got.headers().firstValue("content-security-policy")).contains(
                "default-src 'none'; frame-ancestors 'none'");
            assertThat(got.headers().firstValue("x-content-type-options")).contains("nosniff");
            assertThat(got.headers().firstValue("content-disposition").orElseThrow()).startsWith("attachment");
            final HttpResponse<Void> head = http(server).send(HttpRequest.newBuilder(getUrl.toURI())
                .method("HEAD", HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.discarding());
            assertThat(head.headers().firstValue("content-length")).contains("200000");
        }
        try (TestServer server = TestServer.start(dataDir, true, context -> context.upload().port(0)))
        {
            // Fetched from the new port: what was acknowledged with a 201 survived the restart.
            final URI again = URI.create(getUrl.toString().replaceFirst(":\\d+/", ":" +
                server.server().uploadPort() + "/"));
            assertThat(http(server).send(HttpRequest.newBuilder(again).build(),
                HttpResponse.BodyHandlers.ofByteArray()).body()).isEqualTo(sent);
        }
    }

    @Test
    @DisplayName("XEP-0363: an account's uploads go with it (XEP-0077 §3.2 cancellation); others' stay")
    void shouldDeleteUploadsWithTheAccount() throws Exception
    {
        try (TestServer server = TestServer.start(context -> context.registrationOpen(true).upload().port(0))
            .addUser("alice", "a").addUser("bob", "b"))
        {
            final URL alices = upload(server, "alice", "a", "alice.txt");
            final URL bobs = upload(server, "bob", "b", "bob.txt");
            assertThat(status(server, alices)).isEqualTo(200);
            final XMPPTCPConnection alice = TestClients.login(server, "alice", "a");
            AccountManager.getInstance(alice).deleteAccount();
            alice.disconnect();
            final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (status(server, alices) != 404 && System.nanoTime() < deadline)
            {
                Thread.sleep(20);
            }
            assertThat(status(server, alices)).as("deleted with the account").isEqualTo(404);
            assertThat(status(server, bobs)).isEqualTo(200);
        }
    }

    private static URL upload(final TestServer server, final String user, final String password, final String name)
        throws Exception
    {
        final XMPPTCPConnection connection = TestClients.login(server, user, password);
        try
        {
            final HttpFileUploadManager uploads = HttpFileUploadManager.getInstanceFor(connection);
            assertThat(uploads.discoverUploadService()).isTrue();
            uploads.setTlsContext(TestClients.sslContext(server));
            final Path file = Files.writeString(Files.createTempDirectory("upload").resolve(name), "from " + user);
            final URL url = uploads.uploadFile(file.toFile());
            Files.delete(file);
            Files.delete(file.getParent());
            return url;
        }
        finally
        {
            connection.disconnect();
        }
    }

    private static int status(final TestServer server, final URL url) throws Exception
    {
        return http(server).send(HttpRequest.newBuilder(url.toURI()).build(), HttpResponse.BodyHandlers.discarding())
            .statusCode();
    }

    @Test
    @DisplayName("XEP-0363 §5: a file too large, a daily quota used up, a name that is a path: each its error")
    void shouldRefuseSlots() throws Exception
    {
        try (TestServer server = TestServer.start(context -> context.upload().port(0).maxFileSize(1000)
            .dailyQuota(1500)).addUser("alice", "a"))
        {
            final XMPPTCPConnection alice = TestClients.login(server, "alice", "a");
            try
            {
                final XMPPException.XMPPErrorException tooLarge = slotError(alice,
                    new SlotRequest(SERVICE, "big.bin", 1001));
                assertThat(tooLarge.getStanzaError().getCondition()).isEqualTo(StanzaError.Condition.not_acceptable);
                assertThat(tooLarge.getStanzaError().getType()).isEqualTo(StanzaError.Type.MODIFY);
                final FileTooLargeError limit = tooLarge.getStanzaError().getExtension(FileTooLargeError.ELEMENT,
                    FileTooLargeError.NAMESPACE);
                assertThat(limit.getMaxFileSize()).isEqualTo(1000);

                assertThat(slotError(alice, new SlotRequest(SERVICE, "../../secret", 10)).getStanzaError()
                    .getCondition()).isEqualTo(StanzaError.Condition.bad_request);

                final Slot first = alice.createStanzaCollectorAndSend(new SlotRequest(SERVICE, "a.bin", 1000))
                    .nextResultOrThrow();
                assertThat(first.getHeaders()).containsKey("Authorization");
                final StanzaError quota = slotError(alice, new SlotRequest(SERVICE, "b.bin", 1000)).getStanzaError();
                assertThat(quota.getCondition()).isEqualTo(StanzaError.Condition.resource_constraint);
                assertThat(quota.getType()).isEqualTo(StanzaError.Type.WAIT);
                final StandardExtensionElement retry = quota.getExtension("retry", "urn:xmpp:http:upload:0");
                assertThat(retry.getAttributeValue("stamp")).matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\dZ");
            }
            finally
            {
                alice.disconnect();
            }
        }
    }

    @Test
    @DisplayName("XEP-0363 §6, §7: unsigned, resized and repeated PUTs refused; a wrong name is not found; CORS")
    void shouldRefuseUnsignedUploads() throws Exception
    {
        try (TestServer server = TestServer.start(context -> context.upload().port(0)).addUser("alice", "a"))
        {
            final Slot slot = slot(server, new SlotRequest(SERVICE, "note.txt", 5, "text/plain"));
            final URI put = slot.getPutUrl().toURI();
            final String authorization = slot.getHeaders().get("Authorization");
            final HttpClient http = http(server);
            assertThat(put(http, put, null, "text/plain", "hello")).as("no signature").isEqualTo(403);
            assertThat(put(http, put, authorization + "x", "text/plain", "hello")).as("tampered").isEqualTo(403);
            assertThat(put(http, put, authorization, "image/png", "hello")).as("another type").isEqualTo(403);
            assertThat(put(http, URI.create(put + "x"), authorization, "text/plain", "hello")).as("another name")
                .isEqualTo(403);
            assertThat(put(http, put, authorization, "text/plain", "hello!")).as("another size").isEqualTo(400);
            assertThat(put(http, put, authorization, "text/plain", "hello")).isEqualTo(201);
            assertThat(put(http, put, authorization, "text/plain", "HELLO")).as("the slot once only").isEqualTo(409);

            final HttpResponse<String> got = http.send(HttpRequest.newBuilder(slot.getGetUrl().toURI()).build(),
                HttpResponse.BodyHandlers.ofString());
            assertThat(got.body()).isEqualTo("hello");
            assertThat(got.headers().firstValue("content-type")).contains("text/plain");
            assertThat(http.send(HttpRequest.newBuilder(URI.create(slot.getGetUrl() + ".exe")).build(),
                HttpResponse.BodyHandlers.discarding()).statusCode()).isEqualTo(404);
            assertThat(http.send(HttpRequest.newBuilder(URI.create(slot.getGetUrl().toString()
                .replace("/upload/", "/upload/../"))).build(), HttpResponse.BodyHandlers.discarding()).statusCode())
                .isEqualTo(404);

            final HttpResponse<Void> preflight = http.send(HttpRequest.newBuilder(put).method("OPTIONS",
                HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.discarding());
            assertThat(preflight.statusCode()).isEqualTo(204);
            assertThat(preflight.headers().firstValue("access-control-allow-origin")).contains("*");
            assertThat(preflight.headers().firstValue("access-control-allow-methods").orElseThrow()).contains("PUT");
        }
    }

    @Test
    @DisplayName("XEP-0363 §6: an upload cut off half way leaves nothing behind, and the slot can be used again")
    void shouldForgetCutOffUpload() throws Exception
    {
        try (TestServer server = TestServer.start(context -> context.upload().port(0)).addUser("alice", "a"))
        {
            final Slot slot = slot(server, new SlotRequest(SERVICE, "cut.bin", 1000));
            final Path files = server.dataDir().resolve("upload").resolve("files");
            try (SSLSocket socket = (SSLSocket)TestClients.sslContext(server).getSocketFactory()
                .createSocket("localhost", server.server().uploadPort()))
            {
                final OutputStream out = socket.getOutputStream();
                out.write(("PUT " + slot.getPutUrl().getPath() + " HTTP/1.1\r\nHost: localhost\r\n" +
                    "Authorization: " + slot.getHeaders().get("Authorization") + "\r\n" +
                    "Content-Type: application/octet-stream\r\nContent-Length: 1000\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
                out.write(new byte[500]);
                out.flush();
                waitFor(() -> count(files) == 1);
            }
            waitFor(() -> count(files) == 0);
            assertThat(put(http(server), slot.getPutUrl().toURI(), slot.getHeaders().get("Authorization"),
                "application/octet-stream", "x".repeat(1000))).isEqualTo(201);
        }
    }

    /**
     * @return the slot alice is given for the request, asked for on a connection of her own.
     */
    private static Slot slot(final TestServer server, final SlotRequest request) throws Exception
    {
        final XMPPTCPConnection alice = TestClients.login(server, "alice", "a");
        try
        {
            return alice.createStanzaCollectorAndSend(request).nextResultOrThrow();
        }
        finally
        {
            alice.disconnect();
        }
    }

    private static XMPPException.XMPPErrorException slotError(final XMPPTCPConnection connection,
        final SlotRequest request)
    {
        final Throwable error = catchThrowable(
            () -> connection.createStanzaCollectorAndSend(request).nextResultOrThrow());
        assertThat(error).isInstanceOf(XMPPException.XMPPErrorException.class);
        return (XMPPException.XMPPErrorException)error;
    }

    private static int put(final HttpClient http, final URI url, final String authorization, final String type,
        final String body) throws Exception
    {
        final HttpRequest.Builder request = HttpRequest.newBuilder(url).header("Content-Type", type)
            .PUT(HttpRequest.BodyPublishers.ofString(body));
        if (authorization != null)
        {
            request.header("Authorization", authorization);
        }
        return http.send(request.build(), HttpResponse.BodyHandlers.discarding()).statusCode();
    }

    private static HttpClient http(final TestServer server) throws Exception
    {
        final SSLContext tls = TestClients.sslContext(server);
        return HttpClient.newBuilder().sslContext(tls).version(HttpClient.Version.HTTP_1_1).build();
    }

    private static long count(final Path directory) throws Exception
    {
        try (Stream<Path> entries = Files.list(directory))
        {
            return entries.count();
        }
    }

    private interface Condition
    {
        boolean holds() throws Exception;
    }

    private static void waitFor(final Condition condition) throws Exception
    {
        for (int i = 0; i < 200 && !condition.holds(); i++)
        {
            Thread.sleep(25);
        }
        assertThat(condition.holds()).isTrue();
    }

    private static DomainBareJid domain(final String domain)
    {
        try
        {
            return JidCreate.domainBareFrom(domain);
        }
        catch (final Exception ex)
        {
            throw new IllegalStateException(ex);
        }
    }
}
