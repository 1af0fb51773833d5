package org.stanzaswitch.gateway;

import org.jivesoftware.smack.packet.Message;
import org.jivesoftware.smack.packet.MessageBuilder;
import org.jivesoftware.smack.tcp.XMPPTCPConnection;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.jxmpp.jid.impl.JidCreate;

import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * XEP-0198 §5 stream resumption: a client whose connection drops comes back on a new one and gets exactly
 * what it had not handled; a stream not resumed in time hands its unacknowledged messages to offline storage.
 */
@Timeout(60)
class StreamResumptionSystemTest
{
    private static final Pattern ENABLED = Pattern.compile(
        "<enabled xmlns='urn:xmpp:sm:3' id='([^']+)' resume='true' max='(\\d+)'/>");

    private static void chat(final XMPPTCPConnection from, final String to, final String body) throws Exception
    {
        from.sendStanza(MessageBuilder.buildMessage().to(JidCreate.from(to)).ofType(Message.Type.chat).setBody(body)
            .build());
    }

    /**
     * @return the resumption id the server gave.
     */
    private static String enableResumption(final RawClient client) throws Exception
    {
        client.send("<enable xmlns='urn:xmpp:sm:3' resume='true'/>");
        final Matcher enabled = ENABLED.matcher(client.readUntil("<enabled", 5_000));
        assertThat(enabled.find()).isTrue();
        return enabled.group(1);
    }

    @Test
    @DisplayName("XEP-0198 §5, §6: resume on a new connection: <resumed h/>, then only what was not handled; h too " +
        "high ends that stream, not the session")
    void shouldResumeAndResendWhatWasNotHandled() throws Exception
    {
        try (TestServer server = TestServer.start().addUser("alice", "alice-secret").addUser("bob", "bob-secret")
            .addUser("carol", "carol-secret"))
        {
            final XMPPTCPConnection alice = TestClients.connect(TestClients.startTls(server, "alice", "alice-secret"));
            final String bobJid;
            final String id;
            try (RawClient bob = RawClient.directTls(server))
            {
                bobJid = bob.login("", "bob", "bob-secret");
                id = enableResumption(bob);
                bob.send("<presence/>");
                chat(alice, bobJid, "one");
                chat(alice, bobJid, "two");
                assertThat(bob.readUntil(">two<", 5_000)).contains(">one<", ">two<");
                // The connection drops without </stream:stream>.
            }
            chat(alice, bobJid, "three");
            chat(alice, bobJid, "four");
            alice.sendIqRequestAndWaitForResponse(
                new org.jivesoftware.smackx.ping.packet.Ping(JidCreate.from("localhost")));

            try (RawClient carol = RawClient.directTls(server))
            {
                assertThat(carol.authenticate("", "carol", "carol-secret")).isTrue();
                carol.send("<resume xmlns='urn:xmpp:sm:3' previd='" + id + "' h='0'/>");
                assertThat(carol.readUntil("</failed>", 5_000)).as("another account's stream")
                    .contains("<failed xmlns='urn:xmpp:sm:3'><item-not-found");
            }
            try (RawClient greedy = RawClient.directTls(server))
            {
                assertThat(greedy.authenticate("", "bob", "bob-secret")).isTrue();
                greedy.send("<resume xmlns='urn:xmpp:sm:3' previd='" + id + "' h='9'/>");
                // Sent so far: the echo of bob's own presence (RFC 6121 §4.2.2) and the four messages.
                assertThat(greedy.readUntil("</stream:stream>", 5_000)).as("§6: h above the 5 stanzas sent")
                    .contains("<undefined-condition",
                        "<handled-count-too-high xmlns='urn:xmpp:sm:3' h='9' send-count='5'/>")
                    .doesNotContain("<resumed");
            }
            try (RawClient back = RawClient.directTls(server))
            {
                assertThat(back.authenticate("", "bob", "bob-secret")).isTrue();
                // bob handled his presence's echo, "one" and "two".
                back.send("<resume xmlns='urn:xmpp:sm:3' previd='" + id + "' h='3'/>");
                final String resumed = back.readUntil(">four<", 5_000);
                assertThat(resumed).contains("<resumed xmlns='urn:xmpp:sm:3' previd='" + id + "' h='1'/>")
                    .contains(">three<", ">four<").doesNotContain(">one<").doesNotContain(">two<");
                assertThat(resumed.indexOf(">three<")).isLessThan(resumed.indexOf(">four<"));

                final BlockingQueue<Message> toAlice = new LinkedBlockingQueue<>();
                alice.addSyncStanzaListener(stanza -> toAlice.add((Message)stanza),
                    stanza -> stanza instanceof Message);
                back.send("<message to='alice@localhost' type='chat'><body>I am back</body></message>");
                final Message reply = toAlice.poll(10, TimeUnit.SECONDS);
                assertThat(reply.getBody()).isEqualTo("I am back");
                assertThat(reply.getFrom().toString()).as("the session keeps its address").isEqualTo(bobJid);

                back.send("<r xmlns='urn:xmpp:sm:3'/>");
                assertThat(back.readUntil("h='2'/>", 5_000)).as("counts carry over (§5)")
                    .contains("<a xmlns='urn:xmpp:sm:3' h='2'/>");
            }
            try (RawClient late = RawClient.directTls(server))
            {
                assertThat(late.authenticate("", "bob", "bob-secret")).isTrue();
                late.send("<resume xmlns='urn:xmpp:sm:3' previd='unknown-id' h='0'/>");
                assertThat(late.readUntil("</failed>", 5_000)).contains("<item-not-found");
            }
            alice.disconnect();
        }
    }

    @Test
    @DisplayName("XEP-0198 §5: a stream not resumed in time gives what the client never handled to offline storage")
    void shouldKeepUnhandledMessagesWhenResumptionExpires() throws Exception
    {
        try (TestServer server = TestServer.start(context -> context.resumeTimeoutSeconds(1))
            .addUser("dave", "dave-secret").addUser("erin", "erin-secret"))
        {
            final XMPPTCPConnection dave = TestClients.connect(TestClients.startTls(server, "dave", "dave-secret"));
            try (RawClient erin = RawClient.directTls(server))
            {
                final String erinJid = erin.login("", "erin", "erin-secret");
                enableResumption(erin);
                erin.send("<presence/>");
                chat(dave, erinJid, "seen, never acknowledged");
                assertThat(erin.readUntil(">seen, never acknowledged<", 5_000)).contains("never acknowledged");
            }
            Thread.sleep(2_500);
            try (RawClient again = RawClient.directTls(server))
            {
                again.login("", "erin", "erin-secret");
                again.send("<presence/>");
                assertThat(again.readUntil("</message>", 5_000)).contains(">seen, never acknowledged<")
                    .contains("<delay xmlns='urn:xmpp:delay' from='localhost'");
            }
            dave.disconnect();
        }
    }
}
