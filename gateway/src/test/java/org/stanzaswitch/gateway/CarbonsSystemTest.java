package org.stanzaswitch.gateway;

import org.jivesoftware.smack.packet.Message;
import org.jivesoftware.smack.packet.MessageBuilder;
import org.jivesoftware.smack.tcp.XMPPTCPConnection;
import org.jivesoftware.smackx.carbons.CarbonManager;
import org.jivesoftware.smackx.carbons.packet.CarbonExtension;
import org.jivesoftware.smackx.sid.element.StanzaIdElement;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.jxmpp.jid.impl.JidCreate;

import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * XEP-0280 Message Carbons between two resources of one account and a contact, with Smack's CarbonManager.
 */
@Timeout(60)
class CarbonsSystemTest
{
    /** One carbon copy as a client sees it. */
    private record Copy(CarbonExtension.Direction direction, Message message, Message wrapper)
    {
    }

    private static XMPPTCPConnection login(final TestServer server, final String user, final String resource)
        throws Exception
    {
        return TestClients.connect(TestClients.startTls(server, user, user + "-secret").setResource(resource));
    }

    @Test
    @DisplayName("XEP-0280 §6, §7, §8: sent and received copies to the other enabled resource; none for <private/>")
    void shouldCopyToOtherResources() throws Exception
    {
        try (TestServer server = TestServer.start().addUser("alice", "alice-secret").addUser("bob", "bob-secret"))
        {
            final XMPPTCPConnection phone = login(server, "alice", "phone");
            final XMPPTCPConnection desktop = login(server, "alice", "desktop");
            final XMPPTCPConnection bob = login(server, "bob", "home");
            try
            {
                final CarbonManager carbons = CarbonManager.getInstanceFor(phone);
                assertThat(carbons.isSupportedByServer()).isTrue();
                carbons.enableCarbons();
                final BlockingQueue<Copy> copies = new LinkedBlockingQueue<>();
                carbons.addCarbonCopyReceivedListener((direction, message, wrapper) ->
                    copies.add(new Copy(direction, message, wrapper)));

                desktop.sendStanza(MessageBuilder.buildMessage().to(JidCreate.from("bob@localhost"))
                    .ofType(Message.Type.chat).setBody("from the desktop").build());
                final Copy sent = copies.poll(10, TimeUnit.SECONDS);
                assertThat(sent.direction()).isEqualTo(CarbonExtension.Direction.sent);
                assertThat(sent.message().getBody()).isEqualTo("from the desktop");
                assertThat(sent.message().getFrom().toString()).isEqualTo("alice@localhost/desktop");
                assertThat(sent.wrapper().getFrom().toString()).isEqualTo("alice@localhost");
                assertThat(sent.wrapper().getType()).isEqualTo(Message.Type.chat);

                bob.sendStanza(MessageBuilder.buildMessage().to(JidCreate.from("alice@localhost/desktop"))
                    .ofType(Message.Type.chat).setBody("to the desktop").build());
                final Copy received = copies.poll(10, TimeUnit.SECONDS);
                assertThat(received.direction()).isEqualTo(CarbonExtension.Direction.received);
                assertThat(received.message().getBody()).isEqualTo("to the desktop");
                assertThat(StanzaIdElement.getStanzaId(received.message()).getBy())
                    .as("the copy is the message as the recipient got it").isEqualTo("alice@localhost");

                desktop.sendStanza(MessageBuilder.buildMessage().to(JidCreate.from("bob@localhost"))
                    .ofType(Message.Type.chat).setBody("private").addExtension(CarbonExtension.Private.INSTANCE)
                        .build());
                desktop.sendStanza(MessageBuilder.buildMessage().to(JidCreate.from("bob@localhost"))
                    .ofType(Message.Type.chat).setBody("after").build());
                assertThat(copies.poll(10, TimeUnit.SECONDS).message().getBody())
                    .as("no copy of the private message").isEqualTo("after");

                carbons.disableCarbons();
                desktop.sendStanza(MessageBuilder.buildMessage().to(JidCreate.from("bob@localhost"))
                    .ofType(Message.Type.chat).setBody("not copied").build());
                assertThat(copies.poll(1, TimeUnit.SECONDS)).as("§5: disabled").isNull();
            }
            finally
            {
                phone.disconnect();
                desktop.disconnect();
                bob.disconnect();
            }
        }
    }
}
