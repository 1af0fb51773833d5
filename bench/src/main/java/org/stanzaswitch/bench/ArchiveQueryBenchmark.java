package org.stanzaswitch.bench;

import org.agrona.ExpandableArrayBuffer;
import org.agrona.IoUtil;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;
import org.stanzaswitch.codec.ElementFlyweight;
import org.stanzaswitch.codec.Jid;
import org.stanzaswitch.journal.MessageRecord;
import org.stanzaswitch.switching.archive.ArchiveService;
import org.stanzaswitch.switching.archive.MessageArchive;
import org.stanzaswitch.switching.archive.StanzaIds;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;

/**
 * XEP-0313 queries against a large archive: {@code messages} one-to-one messages among {@code users} users,
 * each archived for sender and recipient (so a user's archive holds 2 × messages / users entries), on a real
 * Chronicle journal in the temporary directory. One operation is one query IQ handled from request to the
 * last result stanza written (into a sink session): the page of 50 a client asks for when it opens a
 * conversation or scrolls.
 * <pre>
 *   java -Xmx4g -jar bench/target/benchmarks.jar ArchiveQueryBenchmark -p messages=10000000
 * </pre>
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {"-Xmx4g", "--add-exports=java.base/jdk.internal.misc=ALL-UNNAMED",
    "--add-exports=java.base/jdk.internal.ref=ALL-UNNAMED", "--add-exports=java.base/jdk.internal.util=ALL-UNNAMED",
    "--add-exports=java.base/sun.nio.ch=ALL-UNNAMED", "--add-exports=jdk.unsupported/sun.misc=ALL-UNNAMED",
    "--add-exports=jdk.compiler/com.sun.tools.javac.file=ALL-UNNAMED", "--add-opens=java.base/java.lang=ALL-UNNAMED",
    "--add-opens=java.base/java.lang.reflect=ALL-UNNAMED", "--add-opens=java.base/java.io=ALL-UNNAMED",
    "--add-opens=java.base/java.util=ALL-UNNAMED", "--add-opens=java.base/java.util.zip=ALL-UNNAMED",
    "--add-opens=jdk.compiler/com.sun.tools.javac=ALL-UNNAMED", "-Dchronicle.analytics.disable=true",
    "-Dchronicle.announcer.disable=true"})
@State(Scope.Thread)
public class ArchiveQueryBenchmark
{
    private static final String RSM = "<set xmlns='http://jabber.org/protocol/rsm'><max>50</max>";

    @Param({"1000000"})
    public int messages;

    @Param({"10000"})
    public int users;

    private Path directory;
    private MessageArchive archive;
    private ArchiveService service;
    private SinkSession user;
    private ElementFlyweight lastPage;
    private ElementFlyweight withContact;
    private ElementFlyweight firstPageSince;

    @Setup(Level.Trial)
    public void setUp() throws IOException
    {
        directory = Files.createTempDirectory("archive-bench");
        archive = new MessageArchive(directory.resolve("archive"), directory.resolve("archive-index"));
        final StanzaIds ids = new StanzaIds(directory.resolve("id.key"));
        final Jid[] jids = new Jid[users];
        for (int i = 0; i < users; i++)
        {
            jids[i] = Jid.of("user" + i + "@localhost");
        }
        final SplittableRandom random = new SplittableRandom(313);
        final ExpandableArrayBuffer stanza = new ExpandableArrayBuffer(256);
        final long start = System.currentTimeMillis() - messages;
        final long began = System.nanoTime();
        for (int m = 0; m < messages; m++)
        {
            final int from = random.nextInt(users);
            final int to = (from + 1 + random.nextInt(users - 1)) % users;
            final int length = stanza.putStringWithoutLengthAscii(0, "<message to='" + jids[to] +
                "' from='" + jids[from] + "/phone' type='chat' id='m" + m + "'><body>message number " + m +
                "</body></message>");
            archive.archive(jids[from], jids[to],
                MessageRecord.FLAG_SENDER_ARCHIVE | MessageRecord.FLAG_RECIPIENT_ARCHIVE,
                stanza, 0, length, start + m);
        }
        System.out.printf("%narchived %,d messages in %.1f s, heap live after a full collection %,d MB%n", messages,
            (System.nanoTime() - began) / 1e9, liveHeapMegabytes());
        service = new ArchiveService(archive, ids, 250);
        user = new SinkSession(Jid.of("user42@localhost/bench"));
        lastPage = Stanzas.frame("<iq type='set' id='q1'><query xmlns='urn:xmpp:mam:2' queryid='f1'>" + RSM +
            "<before/></set></query></iq>");
        withContact = Stanzas.frame(
            "<iq type='set' id='q2'><query xmlns='urn:xmpp:mam:2'><x xmlns='jabber:x:data' type='submit'>" +
            "<field var='FORM_TYPE' type='hidden'><value>urn:xmpp:mam:2</value></field>" +
            "<field var='with'><value>user7@localhost</value></field></x>" + RSM + "</set></query></iq>");
        firstPageSince = Stanzas.frame(
            "<iq type='set' id='q3'><query xmlns='urn:xmpp:mam:2'><x xmlns='jabber:x:data' type='submit'>" +
            "<field var='FORM_TYPE' type='hidden'><value>urn:xmpp:mam:2</value></field>" +
            "<field var='start'><value>" + java.time.Instant.ofEpochMilli(start + messages / 2) +
                "</value></field></x>" +
            RSM + "</set></query></iq>");
        // What a restart costs: rebuilding the index from the journal.
        final long replayStart = System.nanoTime();
        try (MessageArchive replayed =
            new MessageArchive(directory.resolve("archive"), directory.resolve("archive-index-replayed")))
        {
            replayed.replay();
        }
        System.out.printf("index rebuilt from the journal in %.1f s%n", (System.nanoTime() - replayStart) / 1e9);
    }

    /**
     * What the index and everything else costs the heap; once, in set-up, so the collection it forces is not
     * in any measurement.
     */
    private static long liveHeapMegabytes()
    {
        System.gc();
        return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed() >> 20;
    }

    @TearDown(Level.Trial)
    public void tearDown() throws IOException
    {
        archive.close();
        IoUtil.delete(directory.toFile(), true);
    }

    @Benchmark
    public long lastPageOf50()
    {
        service.onIq(user, lastPage, true);
        return user.bytes();
    }

    @Benchmark
    public long pageOf50WithContact()
    {
        service.onIq(user, withContact, true);
        return user.bytes();
    }

    @Benchmark
    public long pageOf50SinceTime()
    {
        service.onIq(user, firstPageSince, true);
        return user.bytes();
    }
}
