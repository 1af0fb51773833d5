package org.stanzaswitch.gateway;

import org.jivesoftware.smack.packet.Message;
import org.jivesoftware.smack.packet.MessageBuilder;
import org.jivesoftware.smack.packet.Presence;
import org.jivesoftware.smack.roster.Roster;
import org.jivesoftware.smack.roster.RosterEntry;
import org.jivesoftware.smack.roster.packet.RosterPacket;
import org.jivesoftware.smack.tcp.XMPPTCPConnection;
import org.jivesoftware.smackx.disco.ServiceDiscoveryManager;
import org.jivesoftware.smackx.geoloc.GeoLocationManager;
import org.jivesoftware.smackx.geoloc.packet.GeoLocation;
import org.jivesoftware.smackx.mood.Mood;
import org.jivesoftware.smackx.mood.MoodManager;
import org.jivesoftware.smackx.pep.PepManager;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.jxmpp.jid.BareJid;
import org.jxmpp.jid.impl.JidCreate;

import java.nio.file.Path;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * XEP-0163 Personal Eventing Protocol: notifications filtered by XEP-0115 {@code +notify}, the last item on
 * coming online, and XEP-0060's access models, options and errors; with Smack's managers and with raw XML.
 */
@Timeout(90)
class PepSystemTest
{
    private static final String PUBSUB = "<pubsub xmlns='http://jabber.org/protocol/pubsub'>";
    private static final String OWNER = "<pubsub xmlns='http://jabber.org/protocol/pubsub#owner'>";

    @Test
    @DisplayName("XEP-0163 §4.2-§4.3: a publish reaches each subscribed contact's resource that asked for the node")
    void shouldNotifyInterestedSubscribers() throws Exception
    {
        try (TestServer server = TestServer.start().addUser("alice", "a").addUser("bob", "b").addUser("carol", "c"))
        {
            final XMPPTCPConnection alice = TestClients.login(server, "alice", "a");
            final XMPPTCPConnection bob = TestClients.login(server, "bob", "b");
            final XMPPTCPConnection carol = TestClients.login(server, "carol", "c");
            try
            {
                assertThat(PepManager.getInstanceFor(alice).isSupported()).as("§5.1: pubsub/pep on the account")
                    .isTrue();
                assertThat(ServiceDiscoveryManager.getInstanceFor(alice).serverSupportsFeature(
                    "http://jabber.org/protocol/pubsub#publish")).as("and on the domain, as ejabberd does").isTrue();
                subscribeBothWays(alice, bob);
                final BlockingQueue<String> bobMoods = new LinkedBlockingQueue<>();
                final BlockingQueue<String> carolMoods = new LinkedBlockingQueue<>();
                MoodManager.getInstanceFor(bob).addMoodListener((from, mood, id, message) ->
                    bobMoods.add(from + " " + mood.getMood()));
                MoodManager.getInstanceFor(carol).addMoodListener((from, mood, id, message) ->
                    carolMoods.add(from + " " + mood.getMood()));
                // Once carol sees her own mood, the server knows she wants moods: her silence below then means
                // that she is not subscribed, not that the server had not yet heard of her interest.
                MoodManager.getInstanceFor(carol).setMood(Mood.happy);
                assertThat(carolMoods.poll(10, TimeUnit.SECONDS)).isEqualTo("carol@localhost happy");
                // Smack announces the new +notify feature in a presence; the server asks for it by disco#info,
                // and sends the last item once it knows, so a publish racing that exchange is not missed.
                MoodManager.getInstanceFor(alice).setMood(Mood.satisfied);
                assertThat(bobMoods.poll(10, TimeUnit.SECONDS)).isEqualTo("alice@localhost satisfied");
                // A status change keeps the capabilities, and with them the interest (read in place, not asked again).
                bob.sendStanza(bob.getStanzaFactory().buildPresenceStanza().setMode(Presence.Mode.away)
                    .setStatus("out").build());
                MoodManager.getInstanceFor(alice).setMood(Mood.curious);
                assertThat(pollUntil(bobMoods, "alice@localhost curious")).isTrue();

                final BlockingQueue<Message> carolMessages = new LinkedBlockingQueue<>();
                carol.addAsyncStanzaListener(stanza -> carolMessages.add((Message)stanza),
                    stanza -> stanza instanceof Message && ((Message)stanza).getBody() != null);
                alice.sendStanza(MessageBuilder.buildMessage().to(JidCreate.from("carol@localhost"))
                    .ofType(Message.Type.chat).setBody("marker").build());
                assertThat(carolMessages.poll(10, TimeUnit.SECONDS).getBody()).isEqualTo("marker");
                assertThat(carolMoods).as("carol has no presence subscription to alice").isEmpty();
            }
            finally
            {
                alice.disconnect();
                bob.disconnect();
                carol.disconnect();
            }
        }
    }

    @Test
    @DisplayName("XEP-0163 §4.3.4: a contact whose subscription is approved gets the last item at once")
    void shouldSendLastItemToNewSubscriber() throws Exception
    {
        try (TestServer server = TestServer.start().addUser("dave", "d").addUser("erin", "e"))
        {
            final XMPPTCPConnection dave = TestClients.login(server, "dave", "d");
            final XMPPTCPConnection erin = TestClients.login(server, "erin", "e");
            try
            {
                MoodManager.getInstanceFor(dave).setMood(Mood.sleepy);
                final BlockingQueue<String> erinMoods = new LinkedBlockingQueue<>();
                MoodManager.getInstanceFor(erin).addMoodListener((from, mood, id, message) ->
                    erinMoods.add(from + " " + mood.getMood()));
                MoodManager.getInstanceFor(erin).setMood(Mood.curious);
                assertThat(erinMoods.poll(10, TimeUnit.SECONDS)).as("the server knows erin wants moods")
                    .isEqualTo("erin@localhost curious");
                assertThat(erinMoods.poll(200, TimeUnit.MILLISECONDS)).as("not subscribed to dave yet").isNull();

                Roster.getInstanceFor(dave).setSubscriptionMode(Roster.SubscriptionMode.accept_all);
                Roster.getInstanceFor(erin).createItemAndRequestSubscription(
                    JidCreate.entityBareFrom("dave@localhost"), null, null);
                assertThat(erinMoods.poll(10, TimeUnit.SECONDS)).isEqualTo("dave@localhost sleepy");
            }
            finally
            {
                dave.disconnect();
                erin.disconnect();
            }
        }
    }

    @Test
    @DisplayName("XEP-0163 §4.3.4: a node outlives a restart and its last item reaches a resource coming online")
    void shouldSendLastItemOnPresenceAfterRestart() throws Exception
    {
        final Path data = TestServer.newDataDir();
        try
        {
            try (TestServer server = TestServer.start(data, false, context -> { }))
            {
                server.addUser("romeo", "r").addUser("juliet", "j");
                final XMPPTCPConnection romeo = TestClients.login(server, "romeo", "r");
                final XMPPTCPConnection juliet = TestClients.login(server, "juliet", "j");
                try
                {
                    subscribeBothWays(juliet, romeo);
                    GeoLocationManager.getInstanceFor(juliet)
                        .publishGeoLocation(GeoLocation.builder().setLocality("Verona").build());
                }
                finally
                {
                    romeo.disconnect();
                    juliet.disconnect();
                }
            }
            try (TestServer server = TestServer.start(data, false, context -> { }))
            {
                final BlockingQueue<String> places = new LinkedBlockingQueue<>();
                final XMPPTCPConnection romeo = new XMPPTCPConnection(
                    TestClients.startTls(server, "romeo", "r").build());
                romeo.setReplyTimeout(10_000);
                // The listener, and with it the +notify feature, is in place before the first presence.
                GeoLocationManager.getInstanceFor(romeo).addGeoLocationListener((from, location, id, message) ->
                    places.add(from + " " + location.getLocality()));
                romeo.connect().login();
                try
                {
                    assertThat(places.poll(10, TimeUnit.SECONDS)).isEqualTo("juliet@localhost Verona");
                }
                finally
                {
                    romeo.disconnect();
                }
            }
        }
        finally
        {
            TestServer.delete(data);
        }
    }

    @Test
    @DisplayName("XEP-0060 §6.5.9, §7.1.3, §7.1.5, §8.2, §8.4: access models, publish options and their errors")
    void shouldEnforceAccessModelsAndOptions() throws Exception
    {
        try (TestServer server = TestServer.start().addUser("alice", "a").addUser("mallory", "m");
             RawClient alice = RawClient.directTls(server);
             RawClient mallory = RawClient.directTls(server))
        {
            assertThat(alice.login("", "alice", "a")).isNotNull();
            assertThat(mallory.login("", "mallory", "m")).isNotNull();

            alice.send("<iq type='set' id='p1'>" + PUBSUB + "<publish node='urn:test:open'>" +
                "<item id='one'><note xmlns='urn:test'>for anyone &amp; all</note></item></publish>" +
                publishOptions("open") + "</pubsub></iq>");
            assertThat(reply(alice, "p1")).contains("type='result'").contains("<item id='one'/>");
            alice.send("<iq type='set' id='p2'>" + PUBSUB + "<publish node='urn:test:friends'>" +
                "<item><note xmlns='urn:test'>friends only</note></item></publish></pubsub></iq>");
            assertThat(reply(alice, "p2")).contains("type='result'");

            mallory.send("<iq type='get' id='g1' to='alice@localhost'>" + PUBSUB +
                "<items node='urn:test:open'/></pubsub></iq>");
            assertThat(reply(mallory, "g1")).contains("type='result'")
                .contains("<item id='one'><note xmlns='urn:test'>for anyone &amp; all</note></item>");
            mallory.send("<iq type='get' id='g2' to='alice@localhost'>" + PUBSUB +
                "<items node='urn:test:friends'/></pubsub></iq>");
            assertThat(reply(mallory, "g2")).contains("type='error'").contains("<not-authorized")
                .contains("<presence-subscription-required xmlns='http://jabber.org/protocol/pubsub#errors'/>")
                .doesNotContain("friends only");
            mallory.send("<iq type='get' id='g3' to='alice@localhost'>" + PUBSUB +
                "<items node='urn:test:none'/></pubsub></iq>");
            assertThat(reply(mallory, "g3")).contains("<item-not-found");
            mallory.send("<iq type='set' id='g4' to='alice@localhost'>" + PUBSUB +
                "<publish node='urn:test:open'><item><x xmlns='urn:test'/></item></publish></pubsub></iq>");
            assertThat(reply(mallory, "g4")).as("one publisher per node").contains("<forbidden");
            mallory.send("<iq type='get' id='g5' to='alice@localhost'>" +
                "<query xmlns='http://jabber.org/protocol/disco#items'/></iq>");
            assertThat(reply(mallory, "g5")).contains("node='urn:test:open'").doesNotContain("urn:test:friends");
            mallory.send("<iq type='get' id='g7' to='alice@localhost'>" +
                "<query xmlns='http://jabber.org/protocol/disco#info' node='urn:test:open'/></iq>");
            assertThat(reply(mallory, "g7")).as("XEP-0060 §5.3").contains("<identity category='pubsub' type='leaf'/>");
            mallory.send("<iq type='get' id='g8' to='alice@localhost'>" +
                "<query xmlns='http://jabber.org/protocol/disco#info' node='urn:test:friends'/></iq>");
            assertThat(reply(mallory, "g8")).as("a node mallory may not read is not there for him")
                .contains("<item-not-found");

            alice.send("<iq type='set' id='p3'>" + PUBSUB + "<publish node='urn:test:friends'>" +
                "<item><note xmlns='urn:test'>again</note></item></publish>" + publishOptions("open") +
                "</pubsub></iq>");
            assertThat(reply(alice, "p3")).contains("<conflict")
                .contains("<precondition-not-met xmlns='http://jabber.org/protocol/pubsub#errors'/>");
            alice.send("<iq type='set' id='p4'>" + PUBSUB + "<publish node='urn:test:friends'><item/></publish>" +
                "</pubsub></iq>");
            assertThat(reply(alice, "p4")).contains("<bad-request").contains("<payload-required");
            alice.send("<iq type='set' id='p5'>" + PUBSUB + "<publish node='urn:test:friends'>" +
                "<item><note>no namespace of its own</note></item></publish></pubsub></iq>");
            assertThat(reply(alice, "p5")).contains("<bad-request").contains("<invalid-payload");

            alice.send("<iq type='set' id='p6'>" + PUBSUB + "<publish node='" + "n".repeat(1025) + "'>" +
                "<item><note xmlns='urn:test'/></item></publish></pubsub></iq>");
            assertThat(reply(alice, "p6")).as("node names are bounded").contains("<not-acceptable");

            final String big = "b".repeat(250_000);
            for (int i = 1; i <= 5; i++)
            {
                alice.send("<iq type='set' id='big" + i + "'>" + PUBSUB + "<publish node='urn:test:big" + i + "'>" +
                    "<item><blob xmlns='urn:test'>" + big + "</blob></item></publish></pubsub></iq>");
                final String answer = reply(alice, "big" + i);
                assertThat(answer).as("§7.1.3.4: an account keeps at most 1 MiB")
                    .contains(i < 5 ? "type='result'" : "<payload-too-big");
            }

            alice.send("<iq type='set' id='c1'>" + OWNER + "<configure node='urn:test:open'>" +
                "<x xmlns='jabber:x:data' type='submit'>" +
                field("FORM_TYPE", "http://jabber.org/protocol/pubsub#node_config") +
                field("pubsub#access_model", "whitelist") + "</x></configure></pubsub></iq>");
            assertThat(reply(alice, "c1")).contains("type='result'");
            alice.send("<iq type='get' id='c2'>" + OWNER + "<configure node='urn:test:open'/></pubsub></iq>");
            assertThat(reply(alice, "c2"))
                .contains("<field var='pubsub#access_model' type='list-single'><value>whitelist</value>");
            mallory.send("<iq type='get' id='g6' to='alice@localhost'>" + PUBSUB +
                "<items node='urn:test:open'/></pubsub></iq>");
            assertThat(reply(mallory, "g6")).contains("<not-allowed").contains("<closed-node");

            alice.send("<iq type='get' id='i1'>" + PUBSUB + "<items node='urn:test:open'/></pubsub></iq>");
            assertThat(reply(alice, "i1")).as("the owner reads its whitelist node").contains("for anyone");
            mallory.send("<iq type='set' id='u0' to='alice@localhost'>" + OWNER + "<purge node='urn:test:open'/>" +
                "</pubsub></iq>");
            assertThat(reply(mallory, "u0")).as("XEP-0060 §8.5: only the owner purges").contains("<forbidden");
            alice.send("<iq type='set' id='u1'>" + OWNER + "<purge node='urn:test:open'/></pubsub></iq>");
            assertThat(reply(alice, "u1")).contains("type='result'");
            alice.send("<iq type='get' id='u2'>" + PUBSUB + "<items node='urn:test:open'/></pubsub></iq>");
            assertThat(reply(alice, "u2")).as("purged, the node stays").contains("<items node='urn:test:open'")
                .doesNotContain("for anyone");
            alice.send("<iq type='set' id='d1'>" + OWNER + "<delete node='urn:test:open'/></pubsub></iq>");
            assertThat(reply(alice, "d1")).contains("type='result'");
            alice.send("<iq type='get' id='i2'>" + PUBSUB + "<items node='urn:test:open'/></pubsub></iq>");
            assertThat(reply(alice, "i2")).contains("<item-not-found");
            alice.send("<iq type='get' id='i3'><query xmlns='http://jabber.org/protocol/disco#items'/></iq>");
            assertThat(reply(alice, "i3")).contains("node='urn:test:friends'").doesNotContain("urn:test:open");
        }
    }

    private static String publishOptions(final String accessModel)
    {
        return "<publish-options><x xmlns='jabber:x:data' type='submit'>" +
            field("FORM_TYPE", "http://jabber.org/protocol/pubsub#publish-options") +
            field("pubsub#access_model", accessModel) + "</x></publish-options>";
    }

    private static String field(final String var, final String value)
    {
        return "<field var='" + var + "'><value>" + value + "</value></field>";
    }

    /**
     * @return the IQ with this id the server sent, whole; what was read up to now is forgotten.
     */
    private static String reply(final RawClient client, final String id) throws Exception
    {
        final String marker = "id='" + id + "'";
        final long deadline = System.currentTimeMillis() + 5_000;
        String all = client.readUntil(marker, 5_000);
        while (System.currentTimeMillis() < deadline)
        {
            final int at = all.indexOf(marker);
            final int start = at < 0 ? -1 : all.lastIndexOf("<iq", at);
            final int tagEnd = start < 0 ? -1 : all.indexOf('>', start);
            final int end = tagEnd < 0 ? -1 :
                all.charAt(tagEnd - 1) == '/' ? tagEnd + 1 : all.indexOf("</iq>", tagEnd) + "</iq>".length();
            if (end > tagEnd)
            {
                client.readPast("", 10);
                return all.substring(start, end);
            }
            all = client.readUntil("</iq>" + marker, 100);
        }
        return all;
    }

    private static void subscribeBothWays(final XMPPTCPConnection one, final XMPPTCPConnection two) throws Exception
    {
        final BareJid oneJid = one.getUser().asBareJid();
        final BareJid twoJid = two.getUser().asBareJid();
        final Roster oneRoster = Roster.getInstanceFor(one);
        final Roster twoRoster = Roster.getInstanceFor(two);
        oneRoster.setSubscriptionMode(Roster.SubscriptionMode.accept_all);
        twoRoster.setSubscriptionMode(Roster.SubscriptionMode.accept_all);
        oneRoster.reloadAndWait();
        twoRoster.reloadAndWait();
        oneRoster.createItemAndRequestSubscription(twoJid, null, null);
        await(() -> isFrom(twoRoster.getEntry(oneJid)));
        twoRoster.createItemAndRequestSubscription(oneJid, null, null);
        await(() -> both(oneRoster.getEntry(twoJid)) && both(twoRoster.getEntry(oneJid)));
    }

    private static boolean isFrom(final RosterEntry entry)
    {
        return entry != null && entry.getType() == RosterPacket.ItemType.from;
    }

    private static boolean both(final RosterEntry entry)
    {
        return entry != null && entry.getType() == RosterPacket.ItemType.both;
    }

    private static boolean pollUntil(final BlockingQueue<String> queue, final String expected)
        throws InterruptedException
    {
        String next;
        while ((next = queue.poll(10, TimeUnit.SECONDS)) != null)
        {
            if (next.equals(expected))
            {
                return true;
            }
        }
        return false;
    }

    private static void await(final BooleanSupplier condition) throws InterruptedException
    {
        final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!condition.getAsBoolean())
        {
            assertThat(System.nanoTime()).as("condition within 10 s").isLessThan(deadline);
            Thread.sleep(20);
        }
    }
}
