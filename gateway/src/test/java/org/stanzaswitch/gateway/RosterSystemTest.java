package org.stanzaswitch.gateway;

import org.jivesoftware.smack.XMPPException;
import org.jivesoftware.smack.packet.IQ;
import org.jivesoftware.smack.packet.StanzaError;
import org.jivesoftware.smack.packet.Presence;
import org.jivesoftware.smack.roster.Roster;
import org.jivesoftware.smack.roster.RosterEntry;
import org.jivesoftware.smack.roster.packet.RosterPacket;
import org.jivesoftware.smack.tcp.XMPPTCPConnection;
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
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Rosters and presence subscriptions between local users, driven by Smack's roster, over real sockets.
 */
@Timeout(90)
class RosterSystemTest
{
    private static final long WAIT_NS = TimeUnit.SECONDS.toNanos(10);

    @Test
    @DisplayName("RFC 6121 §3.1, §2.1.6, §4.2: a subscription request, its approval, pushes, presence, and a restart")
    void shouldSubscribeSeePresenceAndKeepRosterAcrossRestart() throws Exception
    {
        final Path data = TestServer.newDataDir();
        try
        {
            final BareJid bobJid = JidCreate.bareFrom("bob@localhost");
            final BareJid aliceJid = JidCreate.bareFrom("alice@localhost");
            try (TestServer server = TestServer.start(data, false, context -> { }))
            {
                server.addUser("alice", "a").addUser("bob", "b");
                final XMPPTCPConnection alice = TestClients.connect(TestClients.startTls(server, "alice", "a"));
                final XMPPTCPConnection bob = TestClients.connect(TestClients.startTls(server, "bob", "b"));
                try
                {
                    final Roster bobRoster = Roster.getInstanceFor(bob);
                    bobRoster.setSubscriptionMode(Roster.SubscriptionMode.accept_all);
                    bobRoster.reloadAndWait();
                    final Roster aliceRoster = Roster.getInstanceFor(alice);
                    aliceRoster.reloadAndWait();

                    aliceRoster.createItemAndRequestSubscription(bobJid, "Bob", new String[]{"Friends"});

                    await(() -> aliceRoster.getEntry(bobJid) != null &&
                        aliceRoster.getEntry(bobJid).getType() == RosterPacket.ItemType.to);
                    await(() -> bobRoster.getEntry(aliceJid) != null &&
                        bobRoster.getEntry(aliceJid).getType() == RosterPacket.ItemType.from);
                    await(() -> aliceRoster.getPresence(bobJid).isAvailable());
                    final RosterEntry entry = aliceRoster.getEntry(bobJid);
                    assertThat(entry.getName()).isEqualTo("Bob");
                    assertThat(entry.getGroups()).extracting("name").containsExactly("Friends");
                }
                finally
                {
                    alice.disconnect();
                    bob.disconnect();
                }
            }
            try (TestServer server = TestServer.start(data, false, context -> { }))
            {
                final XMPPTCPConnection alice = TestClients.connect(TestClients.startTls(server, "alice", "a"));
                try
                {
                    final Roster aliceRoster = Roster.getInstanceFor(alice);
                    aliceRoster.reloadAndWait();
                    assertThat(aliceRoster.getEntry(bobJid).getType()).isEqualTo(RosterPacket.ItemType.to);
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

    @Test
    @DisplayName("RFC 6121 §2.5, §3.2, §3.3: removing a contact cancels both subscriptions and is pushed to both")
    void shouldCancelSubscriptionsWhenContactRemoved() throws Exception
    {
        try (TestServer server = TestServer.start().addUser("carol", "c").addUser("dave", "d"))
        {
            final XMPPTCPConnection carol = TestClients.connect(TestClients.startTls(server, "carol", "c"));
            final XMPPTCPConnection dave = TestClients.connect(TestClients.startTls(server, "dave", "d"));
            try
            {
                final BareJid carolJid = JidCreate.bareFrom("carol@localhost");
                final BareJid daveJid = JidCreate.bareFrom("dave@localhost");
                final Roster carolRoster = Roster.getInstanceFor(carol);
                final Roster daveRoster = Roster.getInstanceFor(dave);
                carolRoster.setSubscriptionMode(Roster.SubscriptionMode.accept_all);
                daveRoster.setSubscriptionMode(Roster.SubscriptionMode.accept_all);
                carolRoster.reloadAndWait();
                daveRoster.reloadAndWait();
                carolRoster.createItemAndRequestSubscription(daveJid, "Dave", null);
                daveRoster.createItemAndRequestSubscription(carolJid, "Carol", null);
                await(() -> carolRoster.getEntry(daveJid) != null &&
                    carolRoster.getEntry(daveJid).getType() == RosterPacket.ItemType.both);

                carolRoster.removeEntry(carolRoster.getEntry(daveJid));

                await(() -> carolRoster.getEntry(daveJid) == null);
                await(() -> daveRoster.getEntry(carolJid) != null &&
                    daveRoster.getEntry(carolJid).getType() == RosterPacket.ItemType.none);
                await(() -> !daveRoster.getPresence(carolJid).isAvailable());
            }
            finally
            {
                carol.disconnect();
                dave.disconnect();
            }
        }
    }

    @Test
    @DisplayName("RFC 6121 §3.1.3, §3.1.5: a request from someone not on the roster joins it only when approved")
    void shouldKeepPendingRequestOffTheRosterUntilApproved() throws Exception
    {
        try (TestServer server = TestServer.start().addUser("frank", "f").addUser("gina", "g"))
        {
            final XMPPTCPConnection frank = TestClients.connect(TestClients.startTls(server, "frank", "f"));
            final XMPPTCPConnection gina = TestClients.connect(TestClients.startTls(server, "gina", "g"));
            try
            {
                final BareJid frankJid = JidCreate.bareFrom("frank@localhost");
                final BareJid ginaJid = JidCreate.bareFrom("gina@localhost");
                final Roster ginaRoster = Roster.getInstanceFor(gina);
                ginaRoster.setSubscriptionMode(Roster.SubscriptionMode.manual);
                ginaRoster.reloadAndWait();
                final java.util.List<RosterPacket.ItemType> seenByGina =
                    new java.util.concurrent.CopyOnWriteArrayList<>();
                ginaRoster.addRosterListener(new org.jivesoftware.smack.roster.AbstractRosterListener()
                {
                    @Override
                    public void entriesAdded(final java.util.Collection<org.jxmpp.jid.Jid> addresses)
                    {
                        addresses.forEach(address ->
                            seenByGina.add(ginaRoster.getEntry(address.asBareJid()).getType()));
                    }

                    @Override
                    public void entriesUpdated(final java.util.Collection<org.jxmpp.jid.Jid> addresses)
                    {
                        entriesAdded(addresses);
                    }
                });
                final java.util.concurrent.CountDownLatch asked = new java.util.concurrent.CountDownLatch(1);
                gina.addSyncStanzaListener(stanza -> asked.countDown(), stanza -> stanza instanceof Presence &&
                    ((Presence)stanza).getType() == Presence.Type.subscribe);

                Roster.getInstanceFor(frank).createItemAndRequestSubscription(ginaJid, "Gina", null);
                assertThat(asked.await(10, TimeUnit.SECONDS)).isTrue();
                ginaRoster.reloadAndWait();
                assertThat(ginaRoster.getEntry(frankJid)).as("not on the roster while pending").isNull();

                gina.sendStanza(gina.getStanzaFactory().buildPresenceStanza().ofType(Presence.Type.subscribed)
                    .to(frankJid).build());
                // Smack updates the entry before it calls its listeners, so wait for the listener's record.
                await(() -> !seenByGina.isEmpty());
                assertThat(ginaRoster.getEntry(frankJid).getType()).isEqualTo(RosterPacket.ItemType.from);
                assertThat(seenByGina).as("the first push is the approved item").startsWith(RosterPacket.ItemType.from);
            }
            finally
            {
                frank.disconnect();
                gina.disconnect();
            }
        }
    }

    @Test
    @DisplayName("RFC 6121 §2.6.3: a roster get with the current version is answered with an empty result")
    void shouldAnswerCurrentVersionWithEmptyResult() throws Exception
    {
        try (TestServer server = TestServer.start().addUser("erin", "e"))
        {
            final XMPPTCPConnection erin = TestClients.connect(TestClients.startTls(server, "erin", "e"));
            try
            {
                final RosterPacket first = erin.createStanzaCollectorAndSend(new RosterPacket()).nextResultOrThrow();
                assertThat(first.getVersion()).isNotNull();
                final RosterPacket again = new RosterPacket();
                again.setVersion(first.getVersion());
                final IQ answer = erin.createStanzaCollectorAndSend(again).nextResultOrThrow();
                assertThat(answer).isNotInstanceOf(RosterPacket.class);
                assertThat(answer.getType()).isEqualTo(IQ.Type.result);
            }
            finally
            {
                erin.disconnect();
            }
        }
    }

    @Test
    @DisplayName("RFC 6121 §2.3.3: a roster set with more than one item is bad-request")
    void shouldRefuseSetWithTwoItems() throws Exception
    {
        try (TestServer server = TestServer.start().addUser("frank", "f"))
        {
            final XMPPTCPConnection frank = TestClients.connect(TestClients.startTls(server, "frank", "f"));
            try
            {
                final RosterPacket set = new RosterPacket();
                set.setType(IQ.Type.set);
                set.addRosterItem(new RosterPacket.Item(JidCreate.bareFrom("x@localhost"), "x"));
                set.addRosterItem(new RosterPacket.Item(JidCreate.bareFrom("y@localhost"), "y"));
                assertThatThrownBy(() -> frank.createStanzaCollectorAndSend(set).nextResultOrThrow())
                    .isInstanceOfSatisfying(XMPPException.XMPPErrorException.class, ex ->
                        assertThat(ex.getStanzaError().getCondition()).isEqualTo(StanzaError.Condition.bad_request));
            }
            finally
            {
                frank.disconnect();
            }
        }
    }

    private static void await(final BooleanSupplier condition)
    {
        final long deadline = System.nanoTime() + WAIT_NS;
        while (!condition.getAsBoolean())
        {
            assertThat(System.nanoTime()).as("condition not met in time").isLessThan(deadline);
            LockSupport.parkNanos(5_000_000);
        }
    }
}
