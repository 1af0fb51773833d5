package org.stanzaswitch.gateway;

import org.jivesoftware.smack.packet.ExtensionElement;
import org.jivesoftware.smack.packet.Message;
import org.jivesoftware.smack.packet.Presence;
import org.jivesoftware.smack.packet.Stanza;
import org.jivesoftware.smack.packet.StandardExtensionElement;
import org.jivesoftware.smack.tcp.XMPPTCPConnection;
import org.jivesoftware.smackx.disco.ServiceDiscoveryManager;
import org.jivesoftware.smackx.mam.MamManager;
import org.jivesoftware.smackx.muc.MultiUserChat;
import org.jivesoftware.smackx.muc.MUCAffiliation;
import org.jivesoftware.smackx.muc.MUCRole;
import org.jivesoftware.smackx.muc.MultiUserChatManager;
import org.jivesoftware.smackx.muc.packet.MUCItem;
import org.jivesoftware.smackx.muc.packet.MUCUser;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.jxmpp.jid.EntityBareJid;
import org.jxmpp.jid.EntityFullJid;
import org.jxmpp.jid.impl.JidCreate;
import org.jxmpp.jid.parts.Resourcepart;

import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * XEP-0421 occupant ids in XEP-0045 rooms: on every presence and message from an occupant, in history and in the
 * room's archive; the same for a user each time, another in another room, and never the sender's own claim.
 */
@Timeout(90)
class OccupantIdSystemTest
{
    private static final String SERVICE = "conference.localhost";
    private static final String NS = "urn:xmpp:occupant-id:0";

    @Test
    @DisplayName("XEP-0421 §3, §4: occupant ids are stable, per room, on presence, messages, history and archive")
    void shouldNameOccupantsStably() throws Exception
    {
        try (TestServer server = TestServer.start().addUser("alice", "a").addUser("bob", "b").addUser("carol", "c"))
        {
            final XMPPTCPConnection alice = TestClients.login(server, "alice", "a");
            final XMPPTCPConnection bob = TestClients.login(server, "bob", "b");
            final XMPPTCPConnection carol = TestClients.login(server, "carol", "c");
            try
            {
                final EntityBareJid roomJid = JidCreate.entityBareFrom("ids@" + SERVICE);
                assertThat(ServiceDiscoveryManager.getInstanceFor(alice)
                    .supportsFeature(JidCreate.domainBareFrom(SERVICE), NS)).as("§4: on for every room").isTrue();
                final MultiUserChat room = MultiUserChatManager.getInstanceFor(alice).getMultiUserChat(roomJid);
                room.create(Resourcepart.from("Alice")).makeInstant();
                assertThat(ServiceDiscoveryManager.getInstanceFor(bob).supportsFeature(roomJid, NS)).isTrue();
                final BlockingQueue<Presence> aliceSees = new LinkedBlockingQueue<>();
                room.addParticipantListener(aliceSees::add);

                final MultiUserChat bobRoom = MultiUserChatManager.getInstanceFor(bob).getMultiUserChat(roomJid);
                final BlockingQueue<Message> bobHears = new LinkedBlockingQueue<>();
                bobRoom.addMessageListener(bobHears::add);
                final String bobsId = joinedAs(bobRoom, "Bob");
                assertThat(bobsId).as("on the occupant's own presence").isNotNull();
                assertThat(occupantId(aliceSees.poll(10, TimeUnit.SECONDS))).as("and on everyone's copy")
                    .isEqualTo(bobsId);
                bobHears.poll(10, TimeUnit.SECONDS);

                room.sendMessage(room.buildMessage().setBody("hello")
                    .addExtension(StandardExtensionElement.builder("occupant-id", NS).addAttribute("id", "forged")
                        .build()));
                final Message heard = bobHears.poll(10, TimeUnit.SECONDS);
                assertThat(heard.getExtensions("occupant-id", NS)).as("§4: one, the room's").hasSize(1);
                final String alicesId = occupantId(heard);
                assertThat(alicesId).isNotEqualTo("forged").isNotEqualTo(bobsId);

                final MUCUser claim = new MUCUser();
                claim.setItem(new MUCItem(MUCAffiliation.owner, MUCRole.moderator, null, null, null, null, null));
                bob.sendStanza(bob.getStanzaFactory().buildPresenceStanza().to(roomJid + "/Bob")
                    .addExtension(StandardExtensionElement.builder("occupant-id", NS).addAttribute("id", "forged")
                        .build())
                    .addExtension(claim).build());
                final Presence update = aliceSees.poll(10, TimeUnit.SECONDS);
                assertThat(update.getExtensions("occupant-id", NS)).hasSize(1);
                assertThat(occupantId(update)).isEqualTo(bobsId);
                assertThat(update.getExtensions(MUCUser.ELEMENT, MUCUser.NAMESPACE))
                    .as("an occupant's own muc#user claim is not passed on").hasSize(1);
                assertThat(MUCUser.from(update).getItem().getRole()).isEqualTo(MUCRole.participant);

                MucTestRooms.leave(bob, bobRoom);
                aliceSees.poll(10, TimeUnit.SECONDS);
                assertThat(joinedAs(bobRoom, "Robert")).as("§4.1: stable for the user")
                    .isEqualTo(bobsId);

                final MultiUserChat carolRoom = MultiUserChatManager.getInstanceFor(carol).getMultiUserChat(roomJid);
                final BlockingQueue<Message> carolHears = new LinkedBlockingQueue<>();
                carolRoom.addMessageListener(carolHears::add);
                carolRoom.join(Resourcepart.from("Carol"));
                assertThat(occupantId(carolHears.poll(10, TimeUnit.SECONDS))).as("§4: on history")
                    .isEqualTo(alicesId);
                final List<Message> archived = MamManager.getInstanceFor(carolRoom)
                    .queryArchive(MamManager.MamQueryArgs.builder().build()).getMessages();
                assertThat(occupantId(archived.get(0))).as("§4: on the archive's copy").isEqualTo(alicesId);

                final MultiUserChat other = MultiUserChatManager.getInstanceFor(alice)
                    .getMultiUserChat(JidCreate.entityBareFrom("elsewhere@" + SERVICE));
                other.create(Resourcepart.from("Alice")).makeInstant();
                assertThat(ownId(other, "Alice")).as("§4.1: another room, another id").isNotNull()
                    .isNotEqualTo(alicesId);
            }
            finally
            {
                alice.disconnect();
                bob.disconnect();
                carol.disconnect();
            }
        }
    }

    /**
     * @return the occupant id on the room's presence for the new occupant, as the occupant saw it.
     */
    private static String joinedAs(final MultiUserChat room, final String nick) throws Exception
    {
        room.join(Resourcepart.from(nick));
        return ownId(room, nick);
    }

    /**
     * @return the occupant id on the room's presence for the occupant itself, as its client keeps it.
     */
    private static String ownId(final MultiUserChat room, final String nick) throws Exception
    {
        // join() returns on the room's answer; Smack files it among the occupants on another thread, a moment later.
        final EntityFullJid self = JidCreate.entityFullFrom(room.getRoom() + "/" + nick);
        final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (room.getOccupantPresence(self) == null && System.nanoTime() < deadline)
        {
            Thread.sleep(10);
        }
        return occupantId(room.getOccupantPresence(self));
    }

    private static String occupantId(final Stanza stanza)
    {
        final ExtensionElement element = stanza.getExtensionElement("occupant-id", NS);
        return element == null ? null : ((StandardExtensionElement)element).getAttributeValue("id");
    }
}
