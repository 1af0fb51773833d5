package org.stanzaswitch.gateway;

import org.jivesoftware.smack.packet.Message;
import org.jivesoftware.smack.packet.Presence;
import org.jivesoftware.smack.tcp.XMPPTCPConnection;
import org.jivesoftware.smackx.disco.ServiceDiscoveryManager;
import org.jivesoftware.smackx.disco.packet.DiscoverInfo;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.jxmpp.jid.impl.JidCreate;

import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * XEP-0079 Advanced Message Processing: rules evaluated in order against what the server would do with the
 * message (§3.4), the actions drop, alert, error and notify (§3.3.2), and the errors for rules the server does
 * not support or accept (§4), advertised in disco (§2.2).
 */
@Timeout(90)
class AmpSystemTest
{
    private static final String NS = "http://jabber.org/protocol/amp";
    private static final String AMP = "<amp xmlns='" + NS + "'>";

    private static String message(final String id, final String to, final String body, final String... rules)
    {
        final StringBuilder xml = new StringBuilder("<message id='" + id + "' to='" + to + "' type='chat'><body>" +
            body + "</body>" + AMP);
        for (final String rule : rules)
        {
            xml.append(rule);
        }
        return xml.append("</amp></message>").toString();
    }

    private static String rule(final String action, final String condition, final String value)
    {
        return "<rule action='" + action + "' condition='" + condition + "' value='" + value + "'/>";
    }

    private static XMPPTCPConnection bob(final TestServer server, final String resource,
        final BlockingQueue<Message> received) throws Exception
    {
        final XMPPTCPConnection bob = new XMPPTCPConnection(
            TestClients.startTls(server, "bob", "bob-secret").setResource(resource).build());
        bob.addSyncStanzaListener(stanza -> received.add((Message)stanza), stanza -> stanza instanceof Message);
        bob.connect().login();
        return bob;
    }

    @Test
    @DisplayName("XEP-0079: deliver, expire-at and match-resource with drop, alert, error and notify; unsupported " +
        "rules refused")
    void shouldApplyRules() throws Exception
    {
        try (TestServer server = TestServer.start().addUser("alice", "alice-secret").addUser("bob", "bob-secret");
            RawClient alice = RawClient.directTls(server))
        {
            final String aliceJid = alice.login("", "alice", "alice-secret");

            // §3.3.1 deliver=stored while bob is offline: alert (and dropped), then notify (and stored).
            alice.send(message("m1", "bob@localhost", "dropped with an alert", rule("alert", "deliver", "stored")));
            assertThat(alice.readUntil("status='alert'", 5_000)).contains(
                "<message from='localhost' to='" + aliceJid + "' id='m1'><amp xmlns='http://jabber.org/protocol/amp' " +
                    "status='alert' from='" + aliceJid + "' to='bob@localhost'>" +
                    "<rule action='alert' condition='deliver' value='stored'/></amp></message>");
            alice.send(message("m2", "bob@localhost", "stored with a notification",
                rule("drop", "deliver", "direct"), rule("notify", "deliver", "stored")));
            assertThat(alice.readUntil("status='notify'", 5_000)).contains("id='m2'><amp")
                .contains("<rule action='notify' condition='deliver' value='stored'/>");
            // §3.3.2 expire-at in the past: dropped, nobody told. One a second ahead is stored, and expires there.
            alice.send(message("m3", "bob@localhost", "expired", rule("drop", "expire-at", "2004-01-01T00:00:00Z")));
            final String soon = java.time.Instant.now().plusSeconds(1).toString();
            alice.send(message("m3b", "bob@localhost", "expires while stored", rule("drop", "expire-at", soon)));
            alice.send("<iq type='get' id='sync'><ping xmlns='urn:xmpp:ping'/></iq>").readUntil("id='sync'", 5_000);
            Thread.sleep(1_500);

            final BlockingQueue<Message> toBob = new LinkedBlockingQueue<>();
            final XMPPTCPConnection bob = bob(server, "phone", toBob);
            try
            {
                bob.sendStanza(bob.getStanzaFactory().buildPresenceStanza().ofType(Presence.Type.available).build());
                final Message offline = toBob.poll(10, TimeUnit.SECONDS);
                assertThat(offline.getBody()).isEqualTo("stored with a notification");

                // §3.3.1 deliver=direct with error: bounced with <failed-rules/>, not delivered.
                alice.send(message("m4", "bob@localhost", "refused", rule("error", "deliver", "direct")));
                assertThat(alice.readUntil("</failed-rules>", 5_000)).contains(
                    "<message from='localhost' to='" + aliceJid + "' id='m4' type='error'>" +
                        "<amp xmlns='http://jabber.org/protocol/amp' status='error' from='" + aliceJid +
                        "' to='bob@localhost'><rule action='error' condition='deliver' value='direct'/></amp>" +
                        "<error type='modify' code='500'><undefined-condition " +
                        "xmlns='urn:ietf:params:xml:ns:xmpp-stanzas'/><failed-rules " +
                        "xmlns='http://jabber.org/protocol/amp#errors'>");
                // §3.3.3 match-resource: to bob/desk, which is not there, it would reach bob/phone.
                alice.send(message("m5", "bob@localhost/desk", "not for the phone",
                    rule("drop", "match-resource", "exact"), rule("alert", "match-resource", "other")));
                assertThat(alice.readUntil("id='m5'><amp", 5_000)).contains("status='alert'");
                alice.send(message("m6", "bob@localhost/phone", "exactly for the phone",
                    rule("drop", "match-resource", "other"), rule("notify", "match-resource", "exact")));
                assertThat(alice.readUntil("id='m6'><amp", 5_000)).contains("to='bob@localhost/phone'>" +
                    "<rule action='notify' condition='match-resource' value='exact'/>");

                final Message next = toBob.poll(10, TimeUnit.SECONDS);
                assertThat(next.getBody()).as("m1, m3, m3b (expired while stored), m4, m5 never reach bob")
                    .isEqualTo("exactly for the phone");
                assertThat(next.hasExtension("amp", NS)).as("the rules travel with the message").isTrue();

                // §4: what the server does not support or accept is refused before anything is done.
                alice.send(message("m7", "bob@localhost", "x", rule("explode", "deliver", "direct")));
                assertThat(alice.readUntil("</unsupported-actions>", 5_000)).contains("id='m7' type='error'")
                    .contains("<error type='modify' code='400'><bad-request");
                alice.send(message("m8", "bob@localhost", "x", rule("drop", "expire-in", "60")));
                assertThat(alice.readUntil("</unsupported-conditions>", 5_000)).contains("id='m8' type='error'");
                alice.send(message("m9", "bob@localhost", "x", rule("drop", "deliver", "sometimes")));
                assertThat(alice.readUntil("</invalid-rules>", 5_000)).contains("id='m9' type='error'")
                    .contains("<error type='modify' code='405'><not-acceptable");
                assertThat(toBob.poll(300, TimeUnit.MILLISECONDS)).as("refused messages go nowhere").isNull();

                // §2.2: support, and each action and condition, in disco.
                final ServiceDiscoveryManager disco = ServiceDiscoveryManager.getInstanceFor(bob);
                assertThat(disco.serverSupportsFeature(NS)).isTrue();
                final DiscoverInfo node = disco.discoverInfo(JidCreate.from("localhost"), NS);
                for (final String supported : new String[]{"action=alert", "action=drop", "action=error",
                    "action=notify",
                    "condition=deliver", "condition=expire-at", "condition=match-resource"})
                {
                    assertThat(node.containsFeature(NS + "?" + supported)).as(supported).isTrue();
                }
            }
            finally
            {
                bob.disconnect();
            }
        }
    }
}
