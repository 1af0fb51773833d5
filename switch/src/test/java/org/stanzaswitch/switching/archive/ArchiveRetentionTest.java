package org.stanzaswitch.switching.archive;

import net.openhft.chronicle.core.time.SetTimeProvider;
import org.agrona.ExpandableArrayBuffer;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.stanzaswitch.codec.Jid;
import org.stanzaswitch.journal.MessageRecord;

import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Issue 5's retention: archived messages older than the configured age go with the journal's whole past days,
 * from the files and from every owner's index, and stay gone after a restart rebuilds the index.
 */
class ArchiveRetentionTest
{
    private static final long DAY = TimeUnit.DAYS.toMillis(1);
    private static final Jid ALICE = Jid.of("alice@localhost");
    private static final Jid BOB = Jid.of("bob@localhost");
    private static final Jid CAROL = Jid.of("carol@localhost");
    private static final int BOTH = MessageRecord.FLAG_SENDER_ARCHIVE | MessageRecord.FLAG_RECIPIENT_ARCHIVE;

    @TempDir
    Path directory;

    private final ExpandableArrayBuffer stanza = new ExpandableArrayBuffer(256);

    private MessageArchive open(final SetTimeProvider clock)
    {
        return new MessageArchive(directory.resolve("archive"), directory.resolve("index"), clock);
    }

    private long archive(final MessageArchive archive, final Jid from, final Jid to, final long received)
    {
        final int length = stanza.putStringWithoutLengthAscii(0,
            "<message type='chat' to='" + to + "'><body>at " + received + "</body></message>");
        return archive.archive(from, to, BOTH, stanza, 0, length, received);
    }

    @Test
    @DisplayName("expire drops past days from the files and the indexes; today's messages and a restart's index remain")
    void shouldExpireWholePastDays()
    {
        final long today = System.currentTimeMillis() / DAY * DAY;
        final SetTimeProvider clock = new SetTimeProvider(today - 3 * DAY + 1000);
        final long old;
        final long kept;
        try (MessageArchive archive = open(clock))
        {
            old = archive(archive, ALICE, BOB, clock.currentTimeMillis());
            archive(archive, CAROL, ALICE, clock.currentTimeMillis() + 1);
            clock.currentTimeMillis(today + 1000);
            kept = archive(archive, BOB, ALICE, clock.currentTimeMillis());
            assertThat(archive.ownerArchive("alice@localhost").size()).isEqualTo(3);

            assertThat(archive.expire(today - DAY)).as("files of whole days deleted").isEqualTo(1);
            assertThat(archive.ownerArchive("alice@localhost").size()).isEqualTo(1);
            assertThat(archive.ownerArchive("alice@localhost").indexAt(0)).isEqualTo(kept);
            assertThat(archive.ownerArchive("carol@localhost").size()).as("an archive emptied by age").isZero();
            assertThat(archive.read(old, (index, buffer, offset, length) -> { })).isFalse();
            assertThat(archive.receivedAt(kept)).isEqualTo(today + 1000);
            assertThat(archive.expire(today + DAY)).as("today's file is live").isZero();
        }
        try (MessageArchive reopened = open(clock))
        {
            reopened.replay();
            assertThat(reopened.ownerArchive("alice@localhost").size()).isEqualTo(1);
            assertThat(reopened.ownerArchive("bob@localhost").indexAt(0)).isEqualTo(kept);
            assertThat(reopened.ownerArchive("carol@localhost")).isNull();
        }
    }
}
