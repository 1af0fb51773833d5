package org.stanzaswitch.gateway;

import org.jivesoftware.smack.packet.Message;
import org.jivesoftware.smack.tcp.XMPPTCPConnection;
import org.jivesoftware.smackx.mam.MamManager;
import org.jivesoftware.smackx.muc.Affiliate;
import org.jivesoftware.smackx.muc.MultiUserChat;
import org.jivesoftware.smackx.muc.MultiUserChatManager;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.jxmpp.jid.EntityBareJid;
import org.jxmpp.jid.impl.JidCreate;
import org.jxmpp.jid.parts.Resourcepart;

import java.nio.file.Path;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * An account deleted with the CLI while the server is stopped: the server applies the deletion when it replays
 * its journal at the next start, and must then also drop what the account left outside the accounts, as it does
 * for a deletion it sees while running. Otherwise whoever registers the name next inherits it.
 */
@Timeout(90)
class DeletedWhileStoppedSystemTest
{
    @Test
    @DisplayName("XEP-0077 §3.2 while stopped: archive, offline messages and room membership go with the account")
    void shouldForgetWhatTheAccountLeft() throws Exception
    {
        final Path data = TestServer.newDataDir();
        final EntityBareJid roomJid = JidCreate.entityBareFrom("club@conference.localhost");
        try
        {
            try (TestServer server = TestServer.start(data, false, context -> { }))
            {
                server.addUser("alice", "a").addUser("bob", "b");
                final XMPPTCPConnection alice = TestClients.login(server, "alice", "a");
                final XMPPTCPConnection bob = TestClients.login(server, "bob", "b");
                try
                {
                    final MultiUserChat room = MultiUserChatManager.getInstanceFor(alice).getMultiUserChat(roomJid);
                    room.create(Resourcepart.from("Alice"));
                    MucTestRooms.configure(room, form -> form.setAnswer("muc#roomconfig_persistentroom", true));
                    room.grantMembership(JidCreate.entityBareFrom("bob@localhost"));
                    final BlockingQueue<Message> bobGets = new LinkedBlockingQueue<>();
                    bob.addAsyncStanzaListener(stanza -> bobGets.add((Message)stanza),
                        stanza -> stanza instanceof Message && ((Message)stanza).getBody() != null);
                    alice.sendStanza(chat(alice, "bob@localhost", "archived for bob"));
                    assertThat(bobGets.poll(10, TimeUnit.SECONDS).getBody()).isEqualTo("archived for bob");
                    bob.disconnect();
                    alice.sendStanza(chat(alice, "bob@localhost", "kept offline for bob"));
                    // Acknowledged once alice's own archive holds it: the offline store took it before.
                    final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
                    while (MamManager.getInstanceFor(alice).queryArchive(MamManager.MamQueryArgs.builder().build())
                        .getMessageCount() < 2 && System.nanoTime() < deadline)
                    {
                        Thread.sleep(20);
                    }
                    room.leave();
                }
                finally
                {
                    alice.disconnect();
                    bob.disconnect();
                }
            }
            try (AccountAdmin admin = new AccountAdmin(
                new ServerContext().domain(TestServer.DOMAIN).dataDir(data).conclude()))
            {
                admin.delete("bob");
            }
            try (TestServer server = TestServer.start(data, false, context -> { }))
            {
                server.addUser("bob", "new");
                final XMPPTCPConnection alice = TestClients.login(server, "alice", "a");
                final XMPPTCPConnection newBob = TestClients.login(server, "bob", "new");
                try
                {
                    final BlockingQueue<Message> newBobGets = new LinkedBlockingQueue<>();
                    newBob.addAsyncStanzaListener(stanza -> newBobGets.add((Message)stanza),
                        stanza -> stanza instanceof Message && ((Message)stanza).getBody() != null);
                    alice.sendStanza(chat(alice, "bob@localhost", "hello, new bob"));
                    assertThat(newBobGets.poll(10, TimeUnit.SECONDS).getBody())
                        .as("no offline message of the old bob comes first").isEqualTo("hello, new bob");
                    assertThat(MamManager.getInstanceFor(newBob).queryArchive(MamManager.MamQueryArgs.builder()
                        .build()).getMessages()).extracting(Message::getBody)
                        .as("nor any of his archive").containsExactly("hello, new bob");
                    final MultiUserChat room = MultiUserChatManager.getInstanceFor(alice).getMultiUserChat(roomJid);
                    room.join(Resourcepart.from("Alice"));
                    assertThat(room.getMembers()).extracting(Affiliate::getJid).as("nor his membership").isEmpty();
                }
                finally
                {
                    alice.disconnect();
                    newBob.disconnect();
                }
            }
        }
        finally
        {
            TestServer.delete(data);
        }
    }

    private static Message chat(final XMPPTCPConnection from, final String to, final String body) throws Exception
    {
        return from.getStanzaFactory().buildMessageStanza().to(JidCreate.entityBareFrom(to))
            .ofType(Message.Type.chat).setBody(body).build();
    }
}
