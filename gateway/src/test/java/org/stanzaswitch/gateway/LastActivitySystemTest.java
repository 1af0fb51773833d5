package org.stanzaswitch.gateway;

import org.jivesoftware.smack.XMPPException;
import org.jivesoftware.smack.packet.Presence;
import org.jivesoftware.smack.packet.StanzaError;
import org.jivesoftware.smack.roster.Roster;
import org.jivesoftware.smack.roster.packet.RosterPacket;
import org.jivesoftware.smack.tcp.XMPPTCPConnection;
import org.jivesoftware.smackx.disco.ServiceDiscoveryManager;
import org.jivesoftware.smackx.iqlast.LastActivityManager;
import org.jivesoftware.smackx.iqlast.packet.LastActivity;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.jxmpp.jid.BareJid;
import org.jxmpp.jid.impl.JidCreate;

import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * XEP-0012 Last Activity: the server's uptime (§5), a user's last logout and the status left with it (§3),
 * kept across restarts, shown only to those who may see the user's presence, and 0 while the user is online.
 */
@Timeout(90)
class LastActivitySystemTest
{
    private static final BareJid ALICE = bare("alice@localhost");
    private static final BareJid BOB = bare("bob@localhost");

    @Test
    @DisplayName("XEP-0012 §3-§5: uptime, 0 while online, logout time and status after, across a restart; forbidden " +
        "to strangers")
    void shouldAnswerLastActivity() throws Exception
    {
        final Path data = TestServer.newDataDir();
        try
        {
            try (TestServer server = TestServer.start(data, false, context -> { }))
            {
                server.addUser("alice", "a").addUser("bob", "b").addUser("carol", "c");
                final XMPPTCPConnection alice = TestClients.connect(TestClients.startTls(server, "alice", "a"));
                final XMPPTCPConnection bob = TestClients.connect(
                    TestClients.startTls(server, "bob", "b").setResource("desk"));
                final XMPPTCPConnection carol = TestClients.connect(TestClients.startTls(server, "carol", "c"));
                try
                {
                    final LastActivityManager aliceLast = LastActivityManager.getInstanceFor(alice);
                    assertThat(ServiceDiscoveryManager.getInstanceFor(alice).serverSupportsFeature("jabber:iq:last"))
                        .isTrue();
                    final long uptime = aliceLast.getLastActivity(JidCreate.from("localhost")).getIdleTime();
                    assertThat(uptime).as("§5 server uptime in seconds").isBetween(0L, 60L);

                    subscribe(alice, bob);
                    final LastActivity online = aliceLast.getLastActivity(BOB);
                    assertThat(online.getIdleTime()).as("§3: a user with a connected resource").isZero();
                    assertThat(online.getStatusMessage()).isNullOrEmpty();

                    final LastActivityManager carolLast = LastActivityManager.getInstanceFor(carol);
                    assertThat(condition(() -> carolLast.getLastActivity(BOB))).as("§3: no subscription")
                        .isEqualTo(StanzaError.Condition.forbidden);
                    assertThat(condition(() -> carolLast.getLastActivity(JidCreate.from("bob@localhost/desk"))))
                        .as("§4: not delivered to the resource either").isEqualTo(StanzaError.Condition.forbidden);

                    bob.disconnect(bob.getStanzaFactory().buildPresenceStanza().ofType(Presence.Type.unavailable)
                        .setStatus("Heading Home").build());
                    await(() -> lastOf(aliceLast) != null &&
                        "Heading Home".equals(lastOf(aliceLast).getStatusMessage()));
                    final LastActivity loggedOut = aliceLast.getLastActivity(BOB);
                    assertThat(loggedOut.getStatusMessage()).isEqualTo("Heading Home");
                    assertThat(loggedOut.getIdleTime()).isBetween(0L, 30L);
                }
                finally
                {
                    alice.disconnect();
                    carol.disconnect();
                }
            }
            try (TestServer server = TestServer.start(data, false, context -> { }))
            {
                final XMPPTCPConnection alice = TestClients.connect(TestClients.startTls(server, "alice", "a"));
                try
                {
                    final LastActivity afterRestart = LastActivityManager.getInstanceFor(alice).getLastActivity(BOB);
                    assertThat(afterRestart.getStatusMessage()).as("the logout is on the state journal")
                        .isEqualTo("Heading Home");
                    assertThat(afterRestart.getIdleTime()).isBetween(0L, 60L);
                }
                finally
                {
                    alice.disconnect();
                }
            }
        }
        finally
        {
            TestServer.delete(data);
        }
    }

    private static void subscribe(final XMPPTCPConnection alice, final XMPPTCPConnection bob) throws Exception
    {
        final Roster bobRoster = Roster.getInstanceFor(bob);
        bobRoster.setSubscriptionMode(Roster.SubscriptionMode.accept_all);
        bobRoster.reloadAndWait();
        final Roster aliceRoster = Roster.getInstanceFor(alice);
        aliceRoster.reloadAndWait();
        aliceRoster.createItemAndRequestSubscription(BOB, "Bob", null);
        await(() -> bobRoster.getEntry(ALICE) != null &&
            bobRoster.getEntry(ALICE).getType() == RosterPacket.ItemType.from);
    }

    private static LastActivity lastOf(final LastActivityManager manager)
    {
        try
        {
            return manager.getLastActivity(BOB);
        }
        catch (final Exception ex)
        {
            return null;
        }
    }

    /** A request that must fail with a stanza error. */
    @FunctionalInterface
    private interface Request
    {
        void send() throws Exception;
    }

    private static StanzaError.Condition condition(final Request request)
    {
        try
        {
            request.send();
        }
        catch (final XMPPException.XMPPErrorException ex)
        {
            return ex.getStanzaError().getCondition();
        }
        catch (final Exception ex)
        {
            throw new AssertionError("expected a stanza error", ex);
        }
        throw new AssertionError("expected a stanza error, got a result");
    }

    private static void await(final BooleanSupplier condition)
    {
        final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!condition.getAsBoolean())
        {
            assertThat(System.nanoTime()).as("waited 10 s").isLessThan(deadline);
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(20));
        }
    }

    private static BareJid bare(final String jid)
    {
        try
        {
            return JidCreate.bareFrom(jid);
        }
        catch (final Exception ex)
        {
            throw new IllegalArgumentException(jid, ex);
        }
    }
}
