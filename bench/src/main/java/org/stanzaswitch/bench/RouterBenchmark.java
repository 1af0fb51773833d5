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
import org.stanzaswitch.journal.Journal;
import org.stanzaswitch.switching.StanzaSwitch;
import org.stanzaswitch.switching.SwitchSettings;
import org.stanzaswitch.switching.account.AccountCommand;
import org.stanzaswitch.switching.account.ScramCredentials;
import org.stanzaswitch.switching.roster.RosterCommand;
import org.stanzaswitch.switching.roster.RosterItem;
import org.stanzaswitch.switching.roster.Subscription;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The switch from the ring in to the sessions out, on the real router thread with real journals: one operation
 * is one stanza offered as a connection offers it and everything it causes delivered to sink sessions. The
 * benchmark thread waits for the deliveries, so a figure is the hand-off to the router plus the routing;
 * {@code -prof gc} shows what that allocates per stanza, on every thread.
 * <pre>
 *   java -jar bench/target/benchmarks.jar RouterBenchmark -prof gc
 * </pre>
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {"-Xmx1g", "--add-exports=java.base/jdk.internal.misc=ALL-UNNAMED",
    "--add-exports=java.base/jdk.internal.ref=ALL-UNNAMED", "--add-exports=java.base/jdk.internal.util=ALL-UNNAMED",
    "--add-exports=java.base/sun.nio.ch=ALL-UNNAMED", "--add-exports=jdk.unsupported/sun.misc=ALL-UNNAMED",
    "--add-exports=jdk.compiler/com.sun.tools.javac.file=ALL-UNNAMED", "--add-opens=java.base/java.lang=ALL-UNNAMED",
    "--add-opens=java.base/java.lang.reflect=ALL-UNNAMED", "--add-opens=java.base/java.io=ALL-UNNAMED",
    "--add-opens=java.base/java.util=ALL-UNNAMED", "--add-opens=java.base/java.util.zip=ALL-UNNAMED",
    "--add-opens=jdk.compiler/com.sun.tools.javac=ALL-UNNAMED", "-Dchronicle.analytics.disable=true",
    "-Dchronicle.announcer.disable=true"})
@State(Scope.Thread)
public class RouterBenchmark
{
    /** Contacts of the user whose presence is broadcast: a typical roster and a large one. */
    private static final ElementFlyweight PING =
        Stanzas.frame("<iq type='get' id='p1'><ping xmlns='urn:xmpp:ping'/></iq>");

    @Param({"50", "500"})
    public int contacts;

    private Path directory;
    private StanzaSwitch stanzaSwitch;
    private SinkSession alice;
    private SinkSession bob;
    private SinkSession star;
    private SinkSession[] fans;
    private SinkSession fanTally;
    private byte[] aliceFrom;
    private byte[] starFrom;
    private ElementFlyweight chat;
    private ElementFlyweight presence;
    private ElementFlyweight rosterGet;

    @Setup(Level.Trial)
    public void setUp() throws IOException
    {
        directory = Files.createTempDirectory("router-bench");
        final SwitchSettings settings = new SwitchSettings().dataDir(directory);
        writeAccountsAndRosters(directory.resolve("state"));
        stanzaSwitch = new StanzaSwitch(settings);
        alice = open("alice", null);
        bob = open("bob", null);
        star = open("star", null);
        fanTally = new SinkSession(Jid.of("fans@localhost"));
        fans = new SinkSession[contacts];
        final ElementFlyweight initialPresence = Stanzas.frame("<presence/>");
        for (int i = 0; i < contacts; i++)
        {
            fans[i] = open("fan" + i, fanTally);
            available(fans[i], initialPresence);
        }
        available(alice, initialPresence);
        available(bob, initialPresence);
        available(star, initialPresence);
        aliceFrom = from(alice);
        starFrom = from(star);
        chat = Stanzas.frame("<message to='bob@localhost' type='chat' id='c1'>" +
            "<body>Load test: a chat line of about the length people type.</body></message>");
        presence = Stanzas.frame("<presence><show>away</show><status>in a meeting</status></presence>");
        rosterGet = Stanzas.frame("<iq type='get' id='r1'><query xmlns='jabber:iq:roster'/></iq>");
    }

    /**
     * Initial presence, then a ping answered to the same session: once the answer is there, the presence and
     * everything it caused (probes, broadcasts) have been routed, since the ring keeps order.
     */
    private void available(final SinkSession session, final ElementFlyweight initialPresence)
    {
        final byte[] from = from(session);
        while (!stanzaSwitch.offerStanza(session, initialPresence, from))
        {
            Thread.onSpinWait();
        }
        final long before = session.stanzas();
        offerAndWait(session, from, PING, session, 1);
        while (session.stanzas() <= before)
        {
            Thread.onSpinWait();
        }
    }

    private void writeAccountsAndRosters(final Path stateDir)
    {
        final ScramCredentials credentials = ScramCredentials.derive("bench-secret", 4096, new SecureRandom());
        final ExpandableArrayBuffer record = new ExpandableArrayBuffer(512);
        try (Journal journal = Journal.open(stateDir))
        {
            for (final String user : List.of("alice", "bob", "star"))
            {
                journal.append(record, 0, AccountCommand.encodeSetPassword(record, user, credentials));
            }
            long version = 1;
            for (int i = 0; i < contacts; i++)
            {
                final String fan = "fan" + i;
                journal.append(record, 0, AccountCommand.encodeSetPassword(record, fan, credentials));
                journal.append(record, 0, RosterCommand.encodeSet(record, "star", both(fan), version++));
                journal.append(record, 0, RosterCommand.encodeSet(record, fan, both("star"), version++));
            }
        }
    }

    private static RosterItem both(final String user)
    {
        return new RosterItem(Jid.of(user + "@localhost"), user, List.of("bench"), Subscription.BOTH,
            false, false, false, false);
    }

    private SinkSession open(final String user, final SinkSession tally)
    {
        final SinkSession session = new SinkSession(Jid.of(user + "@localhost/bench"), tally);
        stanzaSwitch.sessionOpened(session);
        return session;
    }

    private static byte[] from(final SinkSession session)
    {
        return session.jid().toString().getBytes(StandardCharsets.UTF_8);
    }

    private void offerAndWait(
        final SinkSession sender, final byte[] from, final ElementFlyweight stanza, final SinkSession last,
        final int count)
    {
        final long until = last.stanzas() + count;
        while (!stanzaSwitch.offerStanza(sender, stanza, from))
        {
            Thread.onSpinWait();
        }
        while (last.stanzas() < until)
        {
            Thread.onSpinWait();
        }
    }

    @TearDown(Level.Trial)
    public void tearDown() throws IOException
    {
        stanzaSwitch.close();
        IoUtil.delete(directory.toFile(), true);
    }

    /** A chat message to a bare JID with one available resource: archived twice, stamped, delivered. */
    @Benchmark
    public long chatOneToOne()
    {
        offerAndWait(alice, aliceFrom, chat, bob, 1);
        return bob.bytes();
    }

    /** A presence update broadcast to every contact, all copies delivered. */
    @Benchmark
    public long presenceBroadcast()
    {
        offerAndWait(star, starFrom, presence, fanTally, contacts);
        return fanTally.bytes();
    }

    /** The roster of {@code contacts} items, answered whole (no roster version given). */
    @Benchmark
    public long rosterGet()
    {
        offerAndWait(star, starFrom, rosterGet, star, 1);
        return star.bytes();
    }
}
