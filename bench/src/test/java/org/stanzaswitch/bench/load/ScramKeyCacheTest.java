package org.stanzaswitch.bench.load;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.stanzaswitch.switching.account.ScramCredentials;
import org.stanzaswitch.switching.account.ScramCredentials.ScramAlgorithm;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * RFC 5802 §3: a client may keep SaltedPassword for re-authenticating to the same service; the load tool keeps it
 * in a file between runs, keyed by everything that derived it.
 */
class ScramKeyCacheTest
{
    private static final byte[] SALT = "per-account salt".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] PLANTED = new byte[20];

    @TempDir
    Path directory;

    @Test
    @DisplayName("RFC 5802 §2.2: what the cache hands out is Hi(password, salt, i)")
    void shouldDeriveWhatHiDerives()
    {
        final ScramKeyCache cache = ScramKeyCache.open(null);
        assertThat(cache.saltedPassword(ScramAlgorithm.SHA_1, "secret", SALT, 4096))
            .isEqualTo(ScramCredentials.saltedPassword(ScramAlgorithm.SHA_1, "secret", SALT, 4096));
        assertThat(cache.saltedPassword(ScramAlgorithm.SHA_256, "secret", SALT, 4096))
            .hasSize(32).isEqualTo(ScramCredentials.saltedPassword(ScramAlgorithm.SHA_256, "secret", SALT, 4096));
    }

    @Test
    @DisplayName("a later run takes the entry from the file for the same inputs only; the password is not written")
    void shouldKeepEntriesAcrossRunsForTheSameInputsOnly() throws Exception
    {
        final Path file = directory.resolve("keys");
        final ScramKeyCache first = ScramKeyCache.open(file);
        first.saltedPassword(ScramAlgorithm.SHA_1, "secret", SALT, 4096);
        first.save();
        final List<String> lines = Files.readAllLines(file);
        assertThat(lines).hasSize(1);
        assertThat(lines.get(0)).doesNotContain("secret");

        // The stored value replaced by a marker: a run that returns the marker took it from the file.
        final String key = lines.get(0).substring(0, lines.get(0).indexOf(' '));
        Files.writeString(file, key + " " + Base64.getEncoder().encodeToString(PLANTED) + "\n");
        final ScramKeyCache second = ScramKeyCache.open(file);
        assertThat(second.saltedPassword(ScramAlgorithm.SHA_1, "secret", SALT, 4096)).isEqualTo(PLANTED);
        assertThat(second.saltedPassword(ScramAlgorithm.SHA_1, "changed", SALT, 4096))
            .isEqualTo(ScramCredentials.saltedPassword(ScramAlgorithm.SHA_1, "changed", SALT, 4096));
        assertThat(second.saltedPassword(ScramAlgorithm.SHA_1, "secret", SALT, 10_000))
            .isEqualTo(ScramCredentials.saltedPassword(ScramAlgorithm.SHA_1, "secret", SALT, 10_000));
        assertThat(second.saltedPassword(ScramAlgorithm.SHA_256, "secret", SALT, 4096))
            .isEqualTo(ScramCredentials.saltedPassword(ScramAlgorithm.SHA_256, "secret", SALT, 4096));
        second.save();
        assertThat(Files.readAllLines(file)).hasSize(4);
    }

    @Test
    @DisplayName("a run that derived nothing leaves no file behind")
    void shouldNotWriteWhenNothingWasDerived()
    {
        final Path file = directory.resolve("untouched");
        ScramKeyCache.open(file).save();
        assertThat(file).doesNotExist();
    }
}
