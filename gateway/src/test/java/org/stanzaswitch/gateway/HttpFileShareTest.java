package org.stanzaswitch.gateway;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.stanzaswitch.switching.FileShare;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The store's signatures, names and retention, without a network.
 */
class HttpFileShareTest
{
    private static final long DAY = TimeUnit.DAYS.toMillis(1);

    @TempDir
    Path dataDir;

    @Test
    @DisplayName("XEP-0363 §4: non-ASCII characters percent-encoded, the name otherwise kept (the spec's example)")
    void shouldPercentEncodeNames()
    {
        assertThat(HttpFileShare.percentEncode("très cool.jpg")).isEqualTo("tr%C3%A8s%20cool.jpg");
        assertThat(HttpFileShare.percentEncode("a+b?c#d%e")).isEqualTo("a%2Bb%3Fc%23d%25e");
    }

    @Test
    @DisplayName("XEP-0363 §6: a PUT matches its slot's signature, size and content type, until the slot expires")
    void shouldCheckWhatItSigned() throws Exception
    {
        final HttpFileShare share = HttpFileShare.open(dataDir, new UploadSettings());
        share.baseUrl("https://upload.example:5443");
        final FileShare.Slot slot = share.slot("alice@example.org", "très cool.jpg", 23456, "image/jpeg");
        assertThat(slot.putUrl()).isEqualTo(slot.getUrl()).startsWith("https://upload.example:5443/upload/")
            .endsWith("/tr%C3%A8s%20cool.jpg");
        final String[] path = slot.putUrl().substring("https://upload.example:5443/upload/".length()).split("/");
        final long now = System.currentTimeMillis();
        assertThat(share.check(path[0], path[1], slot.authorization(), 23456, "image/jpeg", now))
            .isEqualTo(HttpFileShare.Verdict.ACCEPTED);
        assertThat(share.check(path[0], path[1], slot.authorization(), 23456, "IMAGE/JPEG", now))
            .as("media types are case-insensitive").isEqualTo(HttpFileShare.Verdict.ACCEPTED);
        assertThat(share.check(path[0], path[1], slot.authorization(), 23455, "image/jpeg", now))
            .isEqualTo(HttpFileShare.Verdict.SIZE_MISMATCH);
        assertThat(share.check(path[0], path[1], slot.authorization(), 23456, "text/html", now))
            .isEqualTo(HttpFileShare.Verdict.NOT_SIGNED);
        assertThat(share.check(path[0], "other.jpg", slot.authorization(), 23456, "image/jpeg", now))
            .isEqualTo(HttpFileShare.Verdict.NOT_SIGNED);
        assertThat(share.check(path[0], path[1], slot.authorization().replace(".23456.", ".99999."), 99999,
            "image/jpeg", now)).as("the size is signed").isEqualTo(HttpFileShare.Verdict.NOT_SIGNED);
        assertThat(share.check(path[0], path[1], "Bearer 1.2", 23456, "image/jpeg", now))
            .isEqualTo(HttpFileShare.Verdict.NOT_SIGNED);
        assertThat(share.check(path[0], path[1], slot.authorization(), 23456, "image/jpeg",
            now + HttpFileShare.SLOT_VALIDITY_MILLIS + 1000)).isEqualTo(HttpFileShare.Verdict.EXPIRED);
        assertThat(share.directory("../../etc")).isNull();

        final HttpFileShare reopened = HttpFileShare.open(dataDir, new UploadSettings());
        assertThat(reopened.check(path[0], path[1], slot.authorization(), 23456, "image/jpeg", now))
            .as("the key is kept, so slots outlive a restart").isEqualTo(HttpFileShare.Verdict.ACCEPTED);
    }

    @Test
    @DisplayName("An account's uploads are found by the tag in their slot ids and deleted with it, no one else's")
    void shouldDeleteTheFilesOfAnOwner() throws Exception
    {
        final HttpFileShare share = HttpFileShare.open(dataDir, new UploadSettings());
        share.baseUrl("https://upload.example:5443");
        final List<Path> alices = new ArrayList<>();
        final List<Path> others = new ArrayList<>();
        for (int i = 0; i < 3; i++)
        {
            alices.add(stored(share, share.slot("alice@example.org", "a" + i + ".txt", 1, "text/plain")));
            others.add(stored(share, share.slot("bob@example.org", "b" + i + ".txt", 1, "text/plain")));
        }
        // A file uploaded before slot ids named their owner.
        final Path untagged = Files.createDirectories(share.directory("AAAAAAAAAAAAAAAAAAAAAA"));
        Files.writeString(untagged.resolve(HttpFileShare.FILE), "x");
        assertThat(alices.get(0).getFileName().toString()).hasSize(38)
            .startsWith(alices.get(1).getFileName().toString().substring(0, 16));

        share.deleteFilesOf("alice@example.org");
        assertThat(alices).allSatisfy(slot -> assertThat(slot).doesNotExist());
        assertThat(others).allSatisfy(slot -> assertThat(slot.resolve(HttpFileShare.FILE)).exists());
        assertThat(untagged.resolve(HttpFileShare.FILE)).exists();
    }

    /**
     * @return the directory of the slot, with a finished file in it, as an upload would leave it.
     */
    private static Path stored(final HttpFileShare share, final FileShare.Slot slot) throws Exception
    {
        final String id = slot.getUrl().substring("https://upload.example:5443/upload/".length()).split("/")[0];
        final Path directory = Files.createDirectories(share.directory(id));
        Files.writeString(directory.resolve(HttpFileShare.FILE), "x");
        return directory;
    }

    @Test
    @DisplayName("Retention: files older than expire_days and uploads abandoned a day ago are deleted, the rest kept")
    void shouldSweepExpiredAndAbandonedFiles() throws Exception
    {
        final HttpFileShare share = HttpFileShare.open(dataDir, new UploadSettings().expireDays(7));
        final long now = System.currentTimeMillis();
        final Path old = slot("AAAAAAAAAAAAAAAAAAAAAA", HttpFileShare.FILE, now - 8 * DAY);
        final Path recent = slot("BBBBBBBBBBBBBBBBBBBBBB", HttpFileShare.FILE, now - 6 * DAY);
        final Path abandoned = slot("CCCCCCCCCCCCCCCCCCCCCC", HttpFileShare.PART, now - 2 * DAY);
        final Path uploading = slot("DDDDDDDDDDDDDDDDDDDDDD", HttpFileShare.PART, now - 60_000);

        share.sweep(now);

        assertThat(old).doesNotExist();
        assertThat(abandoned).doesNotExist();
        assertThat(recent.resolve(HttpFileShare.FILE)).exists();
        assertThat(uploading.resolve(HttpFileShare.PART)).exists();

        HttpFileShare.open(dataDir, new UploadSettings().expireDays(0)).sweep(now + 365 * DAY);
        assertThat(recent.resolve(HttpFileShare.FILE)).as("0 keeps files for ever").exists();
    }

    private Path slot(final String id, final String name, final long modifiedMillis) throws Exception
    {
        final Path slot = Files.createDirectories(dataDir.resolve("upload").resolve("files").resolve(id));
        final Path file = Files.write(slot.resolve(name), new byte[]{1});
        Files.setLastModifiedTime(file, FileTime.fromMillis(modifiedMillis));
        Files.setLastModifiedTime(slot, FileTime.fromMillis(modifiedMillis));
        return slot;
    }
}
