package org.stanzaswitch.gateway;

import org.stanzaswitch.switching.FileShare;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Base64;
import java.util.Locale;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.logging.Logger;
import java.util.regex.Pattern;

/**
 * XEP-0363's store: signs slots and checks a PUT against what it signed, so no slot is kept anywhere; and says
 * where each file lives, {@code upload/files/<slot id>/}, the id being its owner's tag and 128 random bits (§9:
 * "long randomized parts in their URLs"), so that an account's files go with it. The signature (HMAC-SHA256 under
 * a key kept in {@code upload/secret}, so slots survive a restart) covers the slot id, the file name as it stands
 * in the URL, the size, the content type and the expiry, which travel in the Authorization header the slot tells
 * the client to send (§4). Thread-safe.
 */
final class HttpFileShare implements FileShare
{
    private static final Logger LOG = Logger.getLogger(HttpFileShare.class.getName());
    /** §7: "relatively low timeout values of around 300s are RECOMMENDED". */
    static final long SLOT_VALIDITY_MILLIS = TimeUnit.SECONDS.toMillis(300);
    /** A directory without a finished file this old is an upload that was cut off. */
    private static final long ABANDONED_AFTER_MILLIS = TimeUnit.DAYS.toMillis(1);
    /** The owner's tag and 128 random bits; slots made before files had owners have no tag. */
    private static final Pattern SLOT_ID = Pattern.compile("([A-Za-z0-9_-]{16})?[A-Za-z0-9_-]{22}");
    private static final int OWNER_TAG_BYTES = 12;
    private static final String BEARER = "Bearer ";
    private static final String HMAC = "HmacSHA256";
    static final String FILE = "file";
    static final String META = "meta";
    static final String PART = "part";

    /** What a PUT's check found. */
    enum Verdict
    {
        ACCEPTED, NOT_SIGNED, EXPIRED, SIZE_MISMATCH
    }

    private final Path files;
    private final SecretKeySpec key;
    private final long maxFileSize;
    private final long dailyQuota;
    private final long expireMillis;
    private final SecureRandom random = new SecureRandom();
    private volatile String baseUrl;
    private volatile Executor fileLoop = Runnable::run;

    private HttpFileShare(final Path files, final byte[] secret, final UploadSettings settings)
    {
        this.files = files;
        this.key = new SecretKeySpec(secret, HMAC);
        this.maxFileSize = settings.maxFileSize();
        this.dailyQuota = settings.dailyQuota();
        this.expireMillis = TimeUnit.DAYS.toMillis(settings.expireDays());
    }

    /**
     * @param dataDir the server's data directory; the store lives in its {@code upload/}.
     */
    static HttpFileShare open(final Path dataDir, final UploadSettings settings) throws IOException
    {
        final Path root = dataDir.resolve("upload");
        Files.createDirectories(root.resolve("files"));
        return new HttpFileShare(root.resolve("files"), secret(root.resolve("secret")), settings);
    }

    private static byte[] secret(final Path path) throws IOException
    {
        if (!Files.exists(path))
        {
            final byte[] secret = new byte[32];
            new SecureRandom().nextBytes(secret);
            final Path temporary = path.resolveSibling("secret.new");
            Files.deleteIfExists(temporary);
            Files.createFile(temporary,
                PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
            Files.write(temporary, secret, StandardOpenOption.SYNC);
            try
            {
                Files.move(temporary, path);
            }
            catch (final FileAlreadyExistsException ex)
            {
                Files.delete(temporary);
            }
        }
        final byte[] secret = Files.readAllBytes(path);
        if (secret.length < 32)
        {
            throw new IOException(path + " holds " + secret.length + " bytes, not a 32-byte key");
        }
        return secret;
    }

    /**
     * @param baseUrl where clients reach the HTTPS listener, without a trailing slash.
     */
    void baseUrl(final String baseUrl)
    {
        this.baseUrl = baseUrl;
    }

    @Override
    public long maxFileSize()
    {
        return maxFileSize;
    }

    @Override
    public long dailyQuota()
    {
        return dailyQuota;
    }

    /**
     * @param fileLoop where file I/O the router asks for runs; until it is set (while the journal is replayed at
     *                 start), on the caller.
     */
    void fileLoop(final Executor fileLoop)
    {
        this.fileLoop = fileLoop;
    }

    @Override
    public Slot slot(final String owner, final String filename, final long size, final String contentType)
    {
        final byte[] idBytes = new byte[16];
        random.nextBytes(idBytes);
        final String id = ownerTag(owner) + Base64.getUrlEncoder().withoutPadding().encodeToString(idBytes);
        final String name = percentEncode(filename);
        final long expires = TimeUnit.MILLISECONDS.toSeconds(System.currentTimeMillis() + SLOT_VALIDITY_MILLIS);
        final String url = baseUrl + "/upload/" + id + "/" + name;
        final String token = expires + "." + size + "." + signature(id, name, size, contentType, expires);
        return new Slot(url, BEARER + token, url);
    }

    /**
     * §6: a PUT is taken only with the signature of its slot, before the slot expires, and with the size it was
     * given for.
     *
     * @param id            the slot id from the path.
     * @param name          the file name as it stands in the path, percent-encoded.
     * @param authorization the request's Authorization header, or null.
     * @param contentLength the request's Content-Length.
     * @param contentType   the request's Content-Type, or null.
     */
    Verdict check(final String id, final String name, final String authorization, final long contentLength,
        final String contentType, final long nowMillis)
    {
        if (!validId(id) || authorization == null || !authorization.startsWith(BEARER))
        {
            return Verdict.NOT_SIGNED;
        }
        final String[] parts = authorization.substring(BEARER.length()).trim().split("\\.", 3);
        if (parts.length != 3)
        {
            return Verdict.NOT_SIGNED;
        }
        final long expires;
        final long size;
        try
        {
            expires = Long.parseLong(parts[0]);
            size = Long.parseLong(parts[1]);
        }
        catch (final NumberFormatException ex)
        {
            return Verdict.NOT_SIGNED;
        }
        final String type = contentType == null || contentType.isBlank() ? "application/octet-stream" : contentType;
        final byte[] expected = signature(id, name, size, type.trim(), expires).getBytes(StandardCharsets.US_ASCII);
        if (!MessageDigest.isEqual(expected, parts[2].getBytes(StandardCharsets.US_ASCII)))
        {
            return Verdict.NOT_SIGNED;
        }
        if (TimeUnit.SECONDS.toMillis(expires) < nowMillis)
        {
            return Verdict.EXPIRED;
        }
        return contentLength == size ? Verdict.ACCEPTED : Verdict.SIZE_MISMATCH;
    }

    /**
     * @return the directory of a slot's file, or null if the id is not one this store makes.
     */
    Path directory(final String id)
    {
        return validId(id) ? files.resolve(id) : null;
    }

    /**
     * Delete the files older than the retention, and what uploads cut off by a crash or a closed connection
     * left behind.
     */
    void sweep(final long nowMillis)
    {
        int deleted = 0;
        try (DirectoryStream<Path> slots = Files.newDirectoryStream(files))
        {
            for (final Path slot : slots)
            {
                final Path file = slot.resolve(FILE);
                final boolean finished = Files.exists(file);
                final long age = nowMillis - Files.getLastModifiedTime(finished ? file : slot).toMillis();
                if (finished ? expireMillis > 0 && age > expireMillis : age > ABANDONED_AFTER_MILLIS)
                {
                    delete(slot);
                    deleted++;
                }
            }
        }
        catch (final IOException | UncheckedIOException ex)
        {
            LOG.warning(() -> "upload sweep of " + files + " stopped: " + ex);
        }
        if (deleted > 0)
        {
            final int count = deleted;
            LOG.info(() -> "upload sweep deleted " + count + " expired or abandoned files");
        }
    }

    @Override
    public void deleteFilesOf(final String owner)
    {
        final String tag = ownerTag(owner);
        fileLoop.execute(() ->
        {
            int deleted = 0;
            try (DirectoryStream<Path> slots = Files.newDirectoryStream(files, tag + "*"))
            {
                for (final Path slot : slots)
                {
                    delete(slot);
                    deleted++;
                }
            }
            catch (final IOException | UncheckedIOException ex)
            {
                LOG.warning(() -> "deleting the uploads of a deleted account stopped: " + ex);
            }
            final int count = deleted;
            LOG.info(() -> "deleted " + count + " uploads of a deleted account");
        });
    }

    /**
     * @return the first part of the slot ids of an owner's files: 96 bits of an HMAC of the owner's JID under the
     * store's key, so the owner's files can be found (and deleted with the account) but not told from a URL.
     */
    private String ownerTag(final String owner)
    {
        final byte[] mac = hmac("owner\n" + owner);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(Arrays.copyOf(mac, OWNER_TAG_BYTES));
    }

    /**
     * Remove a slot's directory and what is in it.
     */
    static void delete(final Path slot) throws IOException
    {
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(slot))
        {
            for (final Path entry : entries)
            {
                Files.deleteIfExists(entry);
            }
        }
        Files.deleteIfExists(slot);
    }

    private String signature(final String id, final String name, final long size, final String contentType,
        final long expires)
    {
        final String signed = id + '\n' + name + '\n' + size + '\n' + contentType.toLowerCase(Locale.ROOT) + '\n' +
            expires;
        return Base64.getUrlEncoder().withoutPadding().encodeToString(hmac(signed));
    }

    private byte[] hmac(final String text)
    {
        try
        {
            final Mac mac = Mac.getInstance(HMAC);
            mac.init(key);
            return mac.doFinal(text.getBytes(StandardCharsets.UTF_8));
        }
        catch (final GeneralSecurityException ex)
        {
            throw new IllegalStateException("every JDK has " + HMAC, ex);
        }
    }

    /**
     * §4: "Non ASCII characters MUST be percent-encoded"; so is everything but RFC 3986's unreserved characters,
     * which leaves one spelling of each name for the signature to cover.
     */
    static String percentEncode(final String filename)
    {
        final StringBuilder encoded = new StringBuilder(filename.length() * 3);
        for (final byte b : filename.getBytes(StandardCharsets.UTF_8))
        {
            final int c = b & 0xFF;
            if (c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z' || c >= '0' && c <= '9' ||
                c == '-' || c == '.' || c == '_' || c == '~')
            {
                encoded.append((char)c);
            }
            else
            {
                encoded.append('%').append(Character.toUpperCase(Character.forDigit(c >> 4, 16)))
                    .append(Character.toUpperCase(Character.forDigit(c & 0xF, 16)));
            }
        }
        return encoded.toString();
    }

    private static boolean validId(final String id)
    {
        return id != null && SLOT_ID.matcher(id).matches();
    }
}
