package org.stanzaswitch.gateway;

import org.jivesoftware.smack.packet.Message;
import org.jivesoftware.smack.packet.MessageBuilder;
import org.jivesoftware.smack.packet.Presence;
import org.jivesoftware.smack.tcp.XMPPTCPConnection;
import org.jivesoftware.smackx.carbons.CarbonManager;
import org.jivesoftware.smackx.carbons.packet.CarbonExtension;
import org.jivesoftware.smackx.delay.packet.DelayInformation;
import org.jivesoftware.smackx.mam.MamManager;
import org.jivesoftware.smackx.receipts.DeliveryReceipt;
import org.jivesoftware.smackx.receipts.DeliveryReceiptRequest;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.jxmpp.jid.impl.JidCreate;

import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The server's part of XEP-0184 delivery receipts: a receipt is routed like any message, copied to the
 * recipient's other resources (XEP-0280 §6.1 names receipts), kept offline for a sender who left (XEP-0160),
 * and not archived (XEP-0313 §7.1.1 archives conversation with a body; a receipt has none).
 */
@Timeout(60)
class ReceiptsSystemTest
{
    private static XMPPTCPConnection login(final TestServer server, final String user, final String resource)
        throws Exception
    {
        return TestClients.connect(TestClients.startTls(server, user, user + "-secret").setResource(resource));
    }

    @Test
    @DisplayName("XEP-0184 §5: receipts are routed, carbon-copied, kept offline, and not archived")
    void shouldRouteCopyAndKeepReceipts() throws Exception
    {
        try (TestServer server = TestServer.start().addUser("alice", "alice-secret").addUser("bob", "bob-secret"))
        {
            final XMPPTCPConnection alice = login(server, "alice", "phone");
            final XMPPTCPConnection bob = login(server, "bob", "desk");
            final XMPPTCPConnection bobPhone = login(server, "bob", "phone");
            try
            {
                final CarbonManager bobCarbons = CarbonManager.getInstanceFor(bobPhone);
                bobCarbons.enableCarbons();
                final BlockingQueue<CarbonExtension.Direction> copies = new LinkedBlockingQueue<>();
                bobCarbons.addCarbonCopyReceivedListener((direction, message, wrapper) -> {
                    if (DeliveryReceipt.from(message) != null)
                    {
                        copies.add(direction);
                    }
                });
                final BlockingQueue<Message> toAlice = new LinkedBlockingQueue<>();
                alice.addSyncStanzaListener(stanza -> toAlice.add((Message)stanza),
                    stanza -> stanza instanceof Message);

                final MessageBuilder request = MessageBuilder.buildMessage("receipt-asked")
                    .to(JidCreate.from("bob@localhost/desk"))
                    .ofType(Message.Type.chat).setBody("did you get this?");
                DeliveryReceiptRequest.addTo(request);
                final Message asked = request.build();
                alice.sendStanza(asked);

                bob.sendStanza(MessageBuilder.buildMessage().to(alice.getUser()).ofType(Message.Type.chat)
                    .addExtension(new DeliveryReceipt(asked.getStanzaId())).build());
                final Message receipt = toAlice.poll(10, TimeUnit.SECONDS);
                assertThat(DeliveryReceipt.from(receipt).getId()).isEqualTo(asked.getStanzaId());
                assertThat(copies.poll(10, TimeUnit.SECONDS)).as("bob's phone sees the receipt his desk sent")
                    .isEqualTo(CarbonExtension.Direction.sent);

                alice.disconnect();
                bob.sendStanza(MessageBuilder.buildMessage().to(JidCreate.from("alice@localhost"))
                    .ofType(Message.Type.chat).addExtension(new DeliveryReceipt("later-id")).build());
                bob.sendIqRequestAndWaitForResponse(
                    new org.jivesoftware.smackx.ping.packet.Ping(JidCreate.from("localhost")));

                final XMPPTCPConnection aliceAgain = TestClients.connect(
                    TestClients.startTls(server, "alice", "alice-secret").setSendPresence(false));
                final BlockingQueue<Message> kept = new LinkedBlockingQueue<>();
                aliceAgain.addSyncStanzaListener(stanza -> kept.add((Message)stanza),
                    stanza -> stanza instanceof Message);
                aliceAgain.sendStanza(aliceAgain.getStanzaFactory().buildPresenceStanza()
                    .ofType(Presence.Type.available).build());
                final Message offline = kept.poll(10, TimeUnit.SECONDS);
                assertThat(DeliveryReceipt.from(offline).getId()).isEqualTo("later-id");
                assertThat(DelayInformation.from(offline)).isNotNull();

                assertThat(MamManager.getInstanceFor(aliceAgain).queryArchive(MamManager.MamQueryArgs.builder().build())
                    .getMessages()).extracting(Message::getBody).containsExactly("did you get this?");
                aliceAgain.disconnect();
            }
            finally
            {
                bob.disconnect();
                bobPhone.disconnect();
            }
        }
    }
}
