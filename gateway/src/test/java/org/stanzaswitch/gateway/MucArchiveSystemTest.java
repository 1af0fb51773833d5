package org.stanzaswitch.gateway;

import org.jivesoftware.smack.XMPPException;
import org.jivesoftware.smack.packet.Message;
import org.jivesoftware.smack.packet.StandardExtensionElement;
import org.jivesoftware.smack.packet.StanzaError;
import org.jivesoftware.smack.tcp.XMPPTCPConnection;
import org.jivesoftware.smackx.delay.packet.DelayInformation;
import org.jivesoftware.smackx.mam.MamManager;
import org.jivesoftware.smackx.mam.element.MamElements;
import org.jivesoftware.smackx.muc.MultiUserChat;
import org.jivesoftware.smackx.muc.MultiUserChatManager;
import org.jivesoftware.smackx.muc.packet.MUCUser;
import org.jivesoftware.smackx.sid.element.StanzaIdElement;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.jxmpp.jid.EntityBareJid;
import org.jxmpp.jid.impl.JidCreate;
import org.jxmpp.jid.parts.Resourcepart;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * XEP-0313 archives of XEP-0045 rooms, with Smack's MamManager for a MultiUserChat: what a room says is archived
 * once, live copies name their archive id (XEP-0359), the archive answers at the room's bare JID to whoever may
 * enter, and it outlives a restart but not the room.
 */
@Timeout(90)
class MucArchiveSystemTest
{
    private static final String SERVICE = "conference.localhost";

    @Test
    @DisplayName("XEP-0313 §3.2, §3.3, MUC archives: kept once, stanza-ids on the live copies, read by a newcomer")
    void shouldArchiveWhatTheRoomSays() throws Exception
    {
        try (TestServer server = TestServer.start().addUser("alice", "a").addUser("bob", "b").addUser("carol", "c"))
        {
            final XMPPTCPConnection alice = TestClients.login(server, "alice", "a");
            final XMPPTCPConnection bob = TestClients.login(server, "bob", "b");
            final XMPPTCPConnection carol = TestClients.login(server, "carol", "c");
            try
            {
                final EntityBareJid roomJid = JidCreate.entityBareFrom("hall@" + SERVICE);
                final MultiUserChat room = MultiUserChatManager.getInstanceFor(alice).getMultiUserChat(roomJid);
                room.create(Resourcepart.from("Alice")).makeInstant();
                final MultiUserChat bobRoom = MultiUserChatManager.getInstanceFor(bob).getMultiUserChat(roomJid);
                final BlockingQueue<Message> bobHears = new LinkedBlockingQueue<>();
                bobRoom.addMessageListener(bobHears::add);
                bobRoom.join(Resourcepart.from("Bob"));
                assertThat(bobHears.poll(10, TimeUnit.SECONDS).getSubject()).isEmpty();

                final List<String> liveIds = new ArrayList<>();
                for (int i = 0; i < 4; i++)
                {
                    room.sendMessage("message " + i);
                    final Message heard = bobHears.poll(10, TimeUnit.SECONDS);
                    assertThat(heard.getBody()).isEqualTo("message " + i);
                    final StanzaIdElement stanzaId = StanzaIdElement.getStanzaId(heard);
                    assertThat(stanzaId).as("XEP-0313 §3.3: the live copy names its archive id").isNotNull();
                    assertThat(stanzaId.getBy()).as("by the room's bare JID").isEqualTo(roomJid.toString());
                    liveIds.add(stanzaId.getId());
                }
                room.sendMessage(room.buildMessage().setBody("forged")
                    .addExtension(StandardExtensionElement.builder("stanza-id", StanzaIdElement.NAMESPACE)
                        .addAttribute("id", "forged-id").addAttribute("by", roomJid.toString()).build())
                    .addExtension(StandardExtensionElement.builder("x", MUCUser.NAMESPACE)
                        .addElement(StandardExtensionElement.builder("item", MUCUser.NAMESPACE)
                            .addAttribute("jid", "mallory@localhost").build()).build()));
                final Message forged = bobHears.poll(10, TimeUnit.SECONDS);
                assertThat(forged.getBody()).isEqualTo("forged");
                assertThat(forged.getExtensions(StanzaIdElement.ELEMENT, StanzaIdElement.NAMESPACE))
                    .as("XEP-0359 §5: only the room's own stanza-id").hasSize(1);
                assertThat(StanzaIdElement.getStanzaId(forged).getId()).isNotEqualTo("forged-id");
                liveIds.add(StanzaIdElement.getStanzaId(forged).getId());
                assertThat(MUCUser.from(forged)).as("XEP-0313 §8.2: a sender's muc#user claim is dropped").isNull();
                bobRoom.sendMessage("from bob");
                liveIds.add(StanzaIdElement.getStanzaId(bobHears.poll(10, TimeUnit.SECONDS)).getId());

                final MultiUserChat carolRoom = MultiUserChatManager.getInstanceFor(carol).getMultiUserChat(roomJid);
                final MamManager archive = MamManager.getInstanceFor(carolRoom);
                assertThat(archive.isSupported()).as("the room advertises urn:xmpp:mam:2").isTrue();
                final MamManager.MamQuery all = archive.queryArchive(MamManager.MamQueryArgs.builder().build());
                assertThat(all.getMessages()).extracting(Message::getBody).as("one copy each, in order, to someone "
                    + "who never entered").containsExactly("message 0", "message 1", "message 2", "message 3",
                    "forged", "from bob");
                assertThat(all.getMessages().get(0).getFrom().toString()).isEqualTo("hall@" + SERVICE + "/Alice");
                assertThat(all.getMessages().get(0).getType()).isEqualTo(Message.Type.groupchat);
                assertThat(all.getMamResultExtensions()).extracting(MamElements.MamResultExtension::getId)
                    .as("archive ids are the live stanza-ids").containsExactlyElementsOf(liveIds);
                assertThat(MUCUser.from(all.getMessages().get(4))).isNull();
                assertThat(all.isComplete()).isTrue();

                final MamManager.MamQuery paged = archive.queryArchive(
                    MamManager.MamQueryArgs.builder().setResultPageSize(4).build());
                assertThat(paged.getMessages()).hasSize(4);
                assertThat(paged.pageNext(4)).extracting(Message::getBody).containsExactly("forged", "from bob");
                final MamManager.MamQuery bobs = archive.queryArchive(MamManager.MamQueryArgs.builder()
                    .limitResultsToJid(JidCreate.entityFullFrom("hall@" + SERVICE + "/Bob")).build());
                assertThat(bobs.getMessages()).extracting(Message::getBody)
                    .as("XEP-0313 §4.1.1: 'with' an occupant's room JID").containsExactly("from bob");
                final MamManager.MamQuery after = archive.queryArchive(
                    MamManager.MamQueryArgs.builder().afterUid(liveIds.get(3)).build());
                assertThat(after.getMessages()).extracting(Message::getBody).containsExactly("forged", "from bob");

                room.changeSubject("Archived subject");
                final MamManager.MamQuery withSubject = archive.queryArchive(
                    MamManager.MamQueryArgs.builder().queryLastPage().setResultPageSize(1).build());
                assertThat(withSubject.getMessages().get(0).getSubject())
                    .as("business rules: subject changes are kept too").isEqualTo("Archived subject");

                final BlockingQueue<Message> carolHears = new LinkedBlockingQueue<>();
                carolRoom.addMessageListener(carolHears::add);
                carolRoom.join(Resourcepart.from("Carol"));
                final List<String> historyIds = new ArrayList<>();
                for (int i = 0; i < liveIds.size(); i++)
                {
                    historyIds.add(StanzaIdElement.getStanzaId(carolHears.poll(10, TimeUnit.SECONDS)).getId());
                }
                assertThat(historyIds).as("§7.2.15 history names the same archive ids, to tell duplicates apart")
                    .containsExactlyElementsOf(liveIds);
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
    @DisplayName("XEP-0313 MUC archives: who may not enter may not read; an owner can turn archiving off")
    void shouldGuardTheArchive() throws Exception
    {
        try (TestServer server = TestServer.start().addUser("owner", "o").addUser("member", "m")
            .addUser("stranger", "s"))
        {
            final XMPPTCPConnection owner = TestClients.login(server, "owner", "o");
            final XMPPTCPConnection member = TestClients.login(server, "member", "m");
            final XMPPTCPConnection stranger = TestClients.login(server, "stranger", "s");
            try
            {
                final EntityBareJid privateJid = JidCreate.entityBareFrom("private@" + SERVICE);
                final MultiUserChat privateRoom =
                    MultiUserChatManager.getInstanceFor(owner).getMultiUserChat(privateJid);
                privateRoom.create(Resourcepart.from("Chair"));
                MucTestRooms.configure(privateRoom, form -> form.setAnswer("muc#roomconfig_membersonly", true));
                privateRoom.grantMembership(JidCreate.entityBareFrom("member@localhost"));
                final BlockingQueue<Message> echoed = new LinkedBlockingQueue<>();
                privateRoom.addMessageListener(echoed::add);
                privateRoom.sendMessage("members only");
                // Sent from another connection, the query could reach the router first: the room's copy to its
                // sender comes after the archive has the message.
                assertThat(echoed.poll(10, TimeUnit.SECONDS)).isNotNull();
                final MamManager.MamQuery memberQuery = MamManager.getInstanceFor(
                    MultiUserChatManager.getInstanceFor(member).getMultiUserChat(privateJid))
                    .queryArchive(MamManager.MamQueryArgs.builder().build());
                assertThat(memberQuery.getMessages()).extracting(Message::getBody).containsExactly("members only");
                assertThat(condition(MamManager.getInstanceFor(
                    MultiUserChatManager.getInstanceFor(stranger).getMultiUserChat(privateJid))))
                    .as("members-only: only owners, admins and members").isEqualTo(StanzaError.Condition.forbidden);

                final EntityBareJid quietJid = JidCreate.entityBareFrom("quiet@" + SERVICE);
                final MultiUserChat quiet = MultiUserChatManager.getInstanceFor(owner).getMultiUserChat(quietJid);
                quiet.create(Resourcepart.from("Chair"));
                MucTestRooms.configure(quiet, form -> form.setAnswer("muc#roomconfig_enablearchiving", false));
                final BlockingQueue<Message> heard = new LinkedBlockingQueue<>();
                quiet.addMessageListener(heard::add);
                quiet.sendMessage("not kept");
                assertThat(StanzaIdElement.getStanzaId(heard.poll(10, TimeUnit.SECONDS))).isNull();
                final MamManager quietArchive = MamManager.getInstanceFor(
                    MultiUserChatManager.getInstanceFor(stranger).getMultiUserChat(quietJid));
                assertThat(quietArchive.isSupported()).isFalse();
                assertThat(condition(quietArchive)).isEqualTo(StanzaError.Condition.feature_not_implemented);
            }
            finally
            {
                owner.disconnect();
                member.disconnect();
                stranger.disconnect();
            }
        }
    }

    @Test
    @DisplayName("XEP-0313 MUC archives: a persistent room's archive outlives a restart, not the room's destruction")
    void shouldKeepTheArchiveAsLongAsTheRoom() throws Exception
    {
        final Path data = TestServer.newDataDir();
        final EntityBareJid roomJid = JidCreate.entityBareFrom("lasting@" + SERVICE);
        try
        {
            try (TestServer server = TestServer.start(data, false, context -> { }))
            {
                server.addUser("owner", "o").addUser("guest", "g");
                final XMPPTCPConnection owner = TestClients.login(server, "owner", "o");
                try
                {
                    final MultiUserChat room = MultiUserChatManager.getInstanceFor(owner).getMultiUserChat(roomJid);
                    room.create(Resourcepart.from("Chair"));
                    MucTestRooms.configure(room, form -> form.setAnswer("muc#roomconfig_persistentroom", true));
                    room.sendMessage("before the restart");
                    room.leave();
                }
                finally
                {
                    owner.disconnect();
                }
            }
            try (TestServer server = TestServer.start(data, false, context -> { }))
            {
                final XMPPTCPConnection owner = TestClients.login(server, "owner", "o");
                final XMPPTCPConnection guest = TestClients.login(server, "guest", "g");
                try
                {
                    final MultiUserChat guestRoom =
                        MultiUserChatManager.getInstanceFor(guest).getMultiUserChat(roomJid);
                    final MamManager guestArchive = MamManager.getInstanceFor(guestRoom);
                    final MamManager.MamQuery kept =
                        guestArchive.queryArchive(MamManager.MamQueryArgs.builder().build());
                    assertThat(kept.getMessages()).extracting(Message::getBody).containsExactly("before the restart");
                    final BlockingQueue<Message> guestHears = new LinkedBlockingQueue<>();
                    guestRoom.addMessageListener(guestHears::add);
                    guestRoom.join(Resourcepart.from("Guest"));
                    final Message history = guestHears.poll(10, TimeUnit.SECONDS);
                    assertThat(history.getBody()).as("XEP-0045 §7.2.15: from before the restart, by the archive")
                        .isEqualTo("before the restart");
                    assertThat(history.getFrom().toString()).isEqualTo(roomJid + "/Chair");
                    assertThat(StanzaIdElement.getStanzaId(history).getId())
                        .isEqualTo(kept.getMamResultExtensions().get(0).getId());
                    assertThat(DelayInformation.from(history)).isNotNull();
                    guestRoom.leave();
                    final MultiUserChat room = MultiUserChatManager.getInstanceFor(owner).getMultiUserChat(roomJid);
                    room.join(Resourcepart.from("Chair"));
                    room.destroy("done", null);
                    room.create(Resourcepart.from("Chair")).makeInstant();
                    assertThat(guestArchive.queryArchive(MamManager.MamQueryArgs.builder().build()).getMessages())
                        .as("a new room of the same name inherits nothing").isEmpty();
                }
                finally
                {
                    owner.disconnect();
                    guest.disconnect();
                }
            }
        }
        finally
        {
            TestServer.delete(data);
        }
    }

    @Test
    @DisplayName("XEP-0045 §7.4: prefixes the message's own tag declares go with its children; forged claims do not")
    void shouldCarryPrefixesDeclaredOnTheMessage() throws Exception
    {
        try (TestServer server = TestServer.start().addUser("alice", "a").addUser("dave", "dave-secret");
             RawClient dave = RawClient.directTls(server))
        {
            final XMPPTCPConnection alice = TestClients.login(server, "alice", "a");
            try
            {
                final EntityBareJid roomJid = JidCreate.entityBareFrom("prefixes@" + SERVICE);
                final MultiUserChat room = MultiUserChatManager.getInstanceFor(alice).getMultiUserChat(roomJid);
                room.create(Resourcepart.from("Alice")).makeInstant();
                final BlockingQueue<Message> aliceHears = new LinkedBlockingQueue<>();
                room.addMessageListener(aliceHears::add);
                assertThat(dave.login("", "dave", "dave-secret")).startsWith("dave@localhost/");
                dave.send("<presence id='join-1' to='prefixes@" + SERVICE + "/Dave'>" +
                    "<x xmlns='http://jabber.org/protocol/muc'/></presence>");
                final String joined = dave.readUntil("code='110'", 5_000);
                assertThat(joined.substring(joined.lastIndexOf("<presence"))).as("muc#stable_id: the join's id back")
                    .contains("id='join-1'");
                dave.send("<message to='prefixes@" + SERVICE + "' type='groupchat' xmlns:e='urn:example:e' " +
                    "xmlns:u='" + MUCUser.NAMESPACE + "' xmlns:s='" + StanzaIdElement.NAMESPACE + "'>" +
                    "<body>prefixed</body><e:note>kept</e:note><u:x><u:item jid='mallory@localhost'/></u:x>" +
                    "<s:stanza-id id='forged-id' by='prefixes@" + SERVICE + "'/></message>");
                final Message heard = aliceHears.poll(10, TimeUnit.SECONDS);
                assertThat(heard.getBody()).isEqualTo("prefixed");
                final StandardExtensionElement note =
                    (StandardExtensionElement)heard.getExtensionElement("note", "urn:example:e");
                assertThat(note).as("declared on the copy, so the recipient's parser could read it").isNotNull();
                assertThat(note.getText()).isEqualTo("kept");
                assertThat(MUCUser.from(heard)).as("a muc#user claim under a prefix is dropped too").isNull();
                assertThat(StanzaIdElement.getStanzaId(heard).getId()).isNotEqualTo("forged-id");
                assertThat(heard.getExtensions(StanzaIdElement.ELEMENT, StanzaIdElement.NAMESPACE)).hasSize(1);

                final BlockingQueue<Message> direct = new LinkedBlockingQueue<>();
                alice.addAsyncStanzaListener(stanza -> direct.add((Message)stanza),
                    stanza -> stanza instanceof Message && ((Message)stanza).getType() == Message.Type.chat);
                dave.send("<message to='prefixes@" + SERVICE + "/Alice' type='chat' xmlns:e='urn:example:e'>" +
                    "<body>private</body><e:note>between us</e:note></message>");
                final Message privately = direct.poll(10, TimeUnit.SECONDS);
                assertThat(privately.getBody()).as("§7.5, the same for a private message").isEqualTo("private");
                assertThat(privately.getExtensionElement("note", "urn:example:e")).isNotNull();

                dave.send("<presence id='leave-1' type='unavailable' to='prefixes@" + SERVICE + "/Dave'/>");
                final String left = dave.readUntil("id='leave-1'", 5_000);
                assertThat(left).as("muc#stable_id: the leave's id back").contains("id='leave-1'");
                assertThat(left.substring(left.lastIndexOf("<presence"))).contains("type='unavailable'");
            }
            finally
            {
                alice.disconnect();
            }
        }
    }

    /**
     * @return the condition an archive query failed with, null if it was answered.
     */
    private static StanzaError.Condition condition(final MamManager archive) throws Exception
    {
        try
        {
            archive.queryArchive(MamManager.MamQueryArgs.builder().build());
            return null;
        }
        catch (final XMPPException.XMPPErrorException ex)
        {
            return ex.getStanzaError().getCondition();
        }
    }
}
