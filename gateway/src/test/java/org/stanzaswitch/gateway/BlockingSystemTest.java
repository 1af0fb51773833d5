package org.stanzaswitch.gateway;

import org.jivesoftware.smack.packet.Message;
import org.jivesoftware.smack.packet.Stanza;
import org.jivesoftware.smack.packet.StanzaError;
import org.jivesoftware.smack.tcp.XMPPTCPConnection;
import org.jivesoftware.smackx.blocking.BlockingCommandManager;
import org.jivesoftware.smackx.ping.packet.Ping;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.jxmpp.jid.Jid;
import org.jxmpp.jid.impl.JidCreate;

import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * XEP-0191 over real sockets: the block list, and what a block does to stanzas in both directions.
 */
@Timeout(60)
class BlockingSystemTest
{
    @Test
    @DisplayName("XEP-0191 §3.1-§3.4: block, list, both directions refused, unblock")
    void shouldBlockAndUnblock() throws Exception
    {
        try (TestServer server = TestServer.start().addUser("iago", "i").addUser("othello", "o"))
        {
            final XMPPTCPConnection iago = TestClients.connect(TestClients.startTls(server, "iago", "i"));
            final XMPPTCPConnection othello = TestClients.connect(TestClients.startTls(server, "othello", "o"));
            try
            {
                final BlockingQueue<Stanza> toOthello = new ArrayBlockingQueue<>(10);
                final BlockingQueue<Stanza> toIago = new ArrayBlockingQueue<>(10);
                othello.addSyncStanzaListener(toOthello::add, stanza -> stanza instanceof Message);
                iago.addSyncStanzaListener(toIago::add, stanza -> stanza instanceof Message);
                othello.sendStanza(othello.getStanzaFactory().buildPresenceStanza().build());
                iago.sendStanza(iago.getStanzaFactory().buildPresenceStanza().build());

                final BlockingCommandManager blocking = BlockingCommandManager.getInstanceFor(othello);
                assertThat((Boolean)blocking.isSupportedByServer()).isTrue();
                final Jid iagoJid = JidCreate.bareFrom("iago@localhost");
                blocking.blockContacts(List.of(iagoJid));
                assertThat(blocking.getBlockList().toString()).isEqualTo("[iago@localhost]");

                iago.sendStanza(chat(iago, "othello@localhost", "whisper"));
                final Message bounced = (Message)toIago.poll(10, TimeUnit.SECONDS);
                assertThat(bounced.getError().getCondition()).isEqualTo(StanzaError.Condition.service_unavailable);

                othello.sendStanza(chat(othello, "iago@localhost", "begone"));
                final Message refused = (Message)toOthello.poll(10, TimeUnit.SECONDS);
                assertThat(refused.getError().getCondition()).isEqualTo(StanzaError.Condition.not_acceptable);
                assertThat(refused.getError().toXML().toString())
                    .contains("<blocked xmlns='urn:xmpp:blocking:errors'/>");

                blocking.unblockAll();
                othello.createStanzaCollectorAndSend(new Ping(JidCreate.from(TestServer.DOMAIN))).nextResultOrThrow();
                iago.sendStanza(chat(iago, "othello@localhost", "again"));
                final Message delivered = (Message)toOthello.poll(10, TimeUnit.SECONDS);
                assertThat(delivered.getBody()).isEqualTo("again");
                assertThat(blocking.getBlockList().size()).isZero();
            }
            finally
            {
                iago.disconnect();
                othello.disconnect();
            }
        }
    }

    private static Message chat(final XMPPTCPConnection from, final String to, final String body) throws Exception
    {
        return from.getStanzaFactory().buildMessageStanza().to(JidCreate.from(to)).ofType(Message.Type.chat)
            .setBody(body).build();
    }
}
