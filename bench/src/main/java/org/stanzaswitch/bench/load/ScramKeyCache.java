package org.stanzaswitch.bench.load;

import org.stanzaswitch.switching.account.ScramCredentials;
import org.stanzaswitch.switching.account.ScramCredentials.ScramAlgorithm;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * SCRAM salted passwords kept from one run to the next, as RFC 5802 §3 lets a client keep them for re-authenticating
 * to the same service ("it is likely that the server is going to advertise the same salt value"). Without it a
 * login storm measures the load tool's PBKDF2, 4,096 or more HMAC rounds per login on the load tool's one I/O
 * thread, as much as the server; with it the storm costs the load tool what clients reconnecting to a restarted
 * server cost their devices.
 * <p>
 * An entry is keyed by everything that derived it (mechanism, iterations, salt and a digest of the password), so a
 * changed password or a re-created account misses the cache and is derived again. The file holds one
 * {@code key value} line per entry, base64; the password itself is never written.
 */
final class ScramKeyCache
{
    private static final Base64.Encoder BASE64 = Base64.getEncoder();
    private static final Base64.Decoder BASE64_DECODER = Base64.getDecoder();

    private final Path file;
    private final Map<String, byte[]> saltedPasswords = new ConcurrentHashMap<>();
    private volatile boolean changed;

    private ScramKeyCache(final Path file)
    {
        this.file = file;
    }

    /**
     * @param file where entries are kept between runs; null to keep them for this run only.
     * @return the cache, with the file's entries if it exists.
     */
    static ScramKeyCache open(final Path file)
    {
        final ScramKeyCache cache = new ScramKeyCache(file);
        if (file != null && Files.exists(file))
        {
            try
            {
                for (final String line : Files.readAllLines(file, StandardCharsets.US_ASCII))
                {
                    final int space = line.indexOf(' ');
                    if (space > 0)
                    {
                        cache.saltedPasswords.put(
                            line.substring(0, space), BASE64_DECODER.decode(line.substring(space + 1)));
                    }
                }
            }
            catch (final IOException ex)
            {
                throw new UncheckedIOException("cannot read the SCRAM key cache " + file, ex);
            }
        }
        return cache;
    }

    /**
     * RFC 5802 §2.2 Hi(), taken from the cache when the same inputs derived it before.
     */
    byte[] saltedPassword(
        final ScramAlgorithm algorithm, final String password, final byte[] salt, final int iterations)
    {
        final String key = key(algorithm, password, salt, iterations);
        final byte[] cached = saltedPasswords.get(key);
        if (cached != null)
        {
            return cached;
        }
        final byte[] derived = ScramCredentials.saltedPassword(algorithm, password, salt, iterations);
        saltedPasswords.put(key, derived);
        changed = true;
        return derived;
    }

    /**
     * Write the entries to the file if this run derived new ones; replaces the file whole, so a run stopped halfway
     * leaves the previous one.
     */
    void save()
    {
        if (file == null || !changed)
        {
            return;
        }
        final List<String> lines = new ArrayList<>(saltedPasswords.size());
        saltedPasswords.forEach((key, value) -> lines.add(key + " " + BASE64.encodeToString(value)));
        try
        {
            final Path temporary = file.resolveSibling(file.getFileName() + ".tmp");
            Files.write(temporary, lines, StandardCharsets.US_ASCII);
            Files.move(temporary, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            changed = false;
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException("cannot write the SCRAM key cache " + file, ex);
        }
    }

    private static String key(final ScramAlgorithm algorithm, final String password, final byte[] salt,
        final int iterations)
    {
        final byte[] passwordDigest = ScramAlgorithm.SHA_256.hash(password.getBytes(StandardCharsets.UTF_8));
        return algorithm.mechanism() + ":" + iterations + ":" + BASE64.encodeToString(salt) + ":" +
            BASE64.encodeToString(passwordDigest);
    }
}
