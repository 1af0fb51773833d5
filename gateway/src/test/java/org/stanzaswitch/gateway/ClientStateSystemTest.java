package org.stanzaswitch.gateway;

import org.jivesoftware.smack.packet.Message;
import org.jivesoftware.smack.packet.MessageBuilder;
import org.jivesoftware.smack.packet.Presence;
import org.jivesoftware.smack.tcp.XMPPTCPConnection;
import org.jivesoftware.smackx.chatstates.ChatState;
import org.jivesoftware.smackx.chatstates.packet.ChatStateExtension;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.jxmpp.jid.impl.JidCreate;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * XEP-0352 Client State Indication: an inactive client is spared presence churn (only the latest from each
 * contact, on becoming active or with the next urgent message) and body-less messages until then.
 */
@Timeout(90)
class ClientStateSystemTest
{
    private static final int CONTACTS = 10;
    private static final int UPDATES = 20;

    @Test
    @DisplayName("XEP-0352 §3: presence is coalesced while inactive; bytes saved on a presence-heavy roster")
    void shouldCoalescePresenceWhileInactive() throws Exception
    {
        try (TestServer server = TestServer.start().addUser("watcher", "w-secret"))
        {
            final List<XMPPTCPConnection> contacts = new ArrayList<>();
            for (int c = 0; c < CONTACTS; c++)
            {
                server.addUser("contact" + c, "c-secret");
                contacts.add(TestClients.connect(TestClients.startTls(server, "contact" + c, "c-secret")));
            }
            try (RawClient active = RawClient.directTls(server); RawClient inactive = RawClient.directTls(server))
            {
                final String activeJid = active.login("", "watcher", "w-secret");
                final String inactiveJid = inactive.login("", "watcher", "w-secret");
                active.send("<presence/>");
                inactive.send("<presence/><inactive xmlns='urn:xmpp:csi:0'/>");
                final int activeBefore = bytes(active.readUntil("never", 500));
                final int inactiveBefore = bytes(inactive.readUntil("never", 200));

                // Each contact changes its status many times, straight to both of the watcher's resources.
                for (int u = 0; u < UPDATES; u++)
                {
                    for (int c = 0; c < CONTACTS; c++)
                    {
                        final XMPPTCPConnection contact = contacts.get(c);
                        for (final String to : List.of(activeJid, inactiveJid))
                        {
                            contact.sendStanza(contact.getStanzaFactory().buildPresenceStanza()
                                .ofType(Presence.Type.available).setStatus("status " + u)
                                    .to(JidCreate.from(to)).build());
                        }
                    }
                }
                // A typing notification waits too; a message with a body is urgent.
                contacts.get(0).sendStanza(MessageBuilder.buildMessage().to(JidCreate.from(inactiveJid))
                    .ofType(Message.Type.chat).addExtension(new ChatStateExtension(ChatState.composing)).build());
                final String activeSeen = readUntilCount(active, "<status>", CONTACTS * UPDATES);
                assertThat(count(activeSeen, "<status>")).as("an active client gets every update")
                    .isEqualTo(CONTACTS * UPDATES);
                final String held = inactive.readUntil("never", 1_000);
                assertThat(count(held, "status ")).as("nothing while inactive").isZero();

                contacts.get(1).sendStanza(MessageBuilder.buildMessage().to(JidCreate.from(inactiveJid))
                    .ofType(Message.Type.chat).setBody("urgent").build());
                final String flushed = inactive.readUntil(">urgent<", 5_000);
                assertThat(count(flushed, "<status>")).as("the latest presence of each contact").isEqualTo(CONTACTS);
                assertThat(flushed).contains("status " + (UPDATES - 1)).doesNotContain("status 0<");
                assertThat(flushed.indexOf("composing")).as("held messages, in order, before the urgent one")
                    .isLessThan(flushed.indexOf(">urgent<")).isPositive();

                final int activeBytes = bytes(activeSeen) - activeBefore;
                final int inactiveBytes = bytes(flushed) - inactiveBefore;
                System.out.printf("CSI: %d presence updates from %d contacts: %d bytes to an active client, %d to an " +
                    "inactive one (%.0f%% saved)%n", CONTACTS * UPDATES, CONTACTS, activeBytes, inactiveBytes,
                    100.0 * (activeBytes - inactiveBytes) / activeBytes);
                assertThat(inactiveBytes).isLessThan(activeBytes / 10);

                inactive.send("<active xmlns='urn:xmpp:csi:0'/>");
            }
            finally
            {
                contacts.forEach(XMPPTCPConnection::disconnect);
            }
        }
    }

    private static String readUntilCount(final RawClient client, final String needle, final int wanted) throws Exception
    {
        final long deadline = System.currentTimeMillis() + 20_000;
        String text = "";
        while (count(text, needle) < wanted && System.currentTimeMillis() < deadline)
        {
            text = client.readUntil("never", 200);
        }
        return text;
    }

    private static int bytes(final String text)
    {
        return text.getBytes(StandardCharsets.UTF_8).length;
    }

    private static int count(final String text, final String needle)
    {
        int count = 0;
        for (int at = text.indexOf(needle); at >= 0; at = text.indexOf(needle, at + needle.length()))
        {
            count++;
        }
        return count;
    }
}
