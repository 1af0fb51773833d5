package org.stanzaswitch.gateway;

import org.jivesoftware.smack.XMPPException;
import org.jivesoftware.smack.packet.Message;
import org.jivesoftware.smack.packet.StanzaError;
import org.jivesoftware.smack.tcp.XMPPTCPConnection;
import org.jivesoftware.smackx.delay.packet.DelayInformation;
import org.jivesoftware.smackx.iqregister.AccountManager;
import org.jivesoftware.smackx.muc.MucEnterConfiguration;
import org.jivesoftware.smackx.muc.MultiUserChat;
import org.jivesoftware.smackx.muc.MultiUserChatManager;
import org.jivesoftware.smackx.muc.ParticipantStatusListener;
import org.jivesoftware.smackx.muc.UserStatusListener;
import org.jivesoftware.smackx.muc.packet.MUCUser;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.jxmpp.jid.DomainBareJid;
import org.jxmpp.jid.EntityBareJid;
import org.jxmpp.jid.EntityFullJid;
import org.jxmpp.jid.impl.JidCreate;
import org.jxmpp.jid.parts.Resourcepart;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

/**
 * XEP-0045 Multi-User Chat at conference.localhost, with Smack's MultiUserChat: rooms made by joining them,
 * groupchat with history and subject, private messages, kicks, bans, members-only and password rooms, and an
 * occupant who goes offline.
 */
@Timeout(90)
class MucSystemTest
{
    private static final String SERVICE = "conference.localhost";

    @Test
    @DisplayName("XEP-0045 §6.1, §7.2, §7.4, §7.5, §10.1: create, discover, join with history and subject, talk")
    void shouldCreateJoinAndTalk() throws Exception
    {
        try (TestServer server = TestServer.start().addUser("alice", "a").addUser("bob", "b").addUser("carol", "c"))
        {
            final XMPPTCPConnection alice = TestClients.login(server, "alice", "a");
            final XMPPTCPConnection bob = TestClients.login(server, "bob", "b");
            final XMPPTCPConnection carol = TestClients.login(server, "carol", "c");
            try
            {
                final MultiUserChatManager aliceMuc = MultiUserChatManager.getInstanceFor(alice);
                assertThat(aliceMuc.getMucServiceDomains()).containsExactly(JidCreate.domainBareFrom(SERVICE));
                final EntityBareJid roomJid = JidCreate.entityBareFrom("lobby@" + SERVICE);
                final MultiUserChat room = aliceMuc.getMultiUserChat(roomJid);
                room.create(Resourcepart.from("Alice")).makeInstant();
                assertThat(aliceMuc.getRoomsHostedBy(JidCreate.domainBareFrom(SERVICE))).containsKey(roomJid);

                final MultiUserChat bobRoom = MultiUserChatManager.getInstanceFor(bob).getMultiUserChat(roomJid);
                final BlockingQueue<Message> bobHears = new LinkedBlockingQueue<>();
                bobRoom.addMessageListener(bobHears::add);
                bobRoom.join(Resourcepart.from("Bob"));
                assertThat(bobHears.poll(10, TimeUnit.SECONDS).getSubject()).as("§7.2.15: the empty subject on joining")
                    .isEmpty();
                room.changeSubject("Plans & <ideas>");
                assertThat(bobHears.poll(10, TimeUnit.SECONDS).getSubject()).isEqualTo("Plans & <ideas>");
                room.sendMessage("hello, room");
                final Message heard = bobHears.poll(10, TimeUnit.SECONDS);
                assertThat(heard.getBody()).isEqualTo("hello, room");
                assertThat(heard.getFrom().toString()).isEqualTo("lobby@" + SERVICE + "/Alice");
                assertThat(heard.getType()).isEqualTo(Message.Type.groupchat);

                final BlockingQueue<Message> aliceDirect = new LinkedBlockingQueue<>();
                alice.addAsyncStanzaListener(stanza -> aliceDirect.add((Message)stanza),
                    stanza -> stanza instanceof Message && ((Message)stanza).getType() == Message.Type.chat);
                bob.sendStanza(bob.getStanzaFactory().buildMessageStanza()
                    .to(JidCreate.entityFullFrom("lobby@" + SERVICE + "/Alice")).ofType(Message.Type.chat)
                    .setBody("just to you").build());
                final Message direct = aliceDirect.poll(10, TimeUnit.SECONDS);
                assertThat(direct.getBody()).isEqualTo("just to you");
                assertThat(direct.getFrom().toString()).as("§7.5: from the sender's room JID")
                    .isEqualTo("lobby@" + SERVICE + "/Bob");

                final MultiUserChat carolRoom = MultiUserChatManager.getInstanceFor(carol).getMultiUserChat(roomJid);
                final BlockingQueue<Message> carolHears = new LinkedBlockingQueue<>();
                carolRoom.addMessageListener(carolHears::add);
                carolRoom.join(Resourcepart.from("Carol"));
                final Message history = carolHears.poll(10, TimeUnit.SECONDS);
                assertThat(history.getBody()).as("§7.2.15: history first").isEqualTo("hello, room");
                assertThat(DelayInformation.from(history)).as("with its delay").isNotNull();
                assertThat(carolHears.poll(10, TimeUnit.SECONDS).getSubject()).as("then the subject")
                    .isEqualTo("Plans & <ideas>");
                assertThat(carolRoom.getOccupants()).hasSize(3);

                final BlockingQueue<EntityFullJid> left = new LinkedBlockingQueue<>();
                room.addParticipantStatusListener(new ParticipantStatusListener()
                {
                    @Override
                    public void left(final EntityFullJid participant)
                    {
                        left.add(participant);
                    }
                });
                carol.disconnect();
                assertThat(left.poll(10, TimeUnit.SECONDS).toString()).as("an occupant who goes offline leaves")
                    .isEqualTo("lobby@" + SERVICE + "/Carol");
                bobRoom.leave();
                room.leave();
                assertThat(aliceMuc.getRoomsHostedBy(JidCreate.domainBareFrom(SERVICE)))
                    .as("§10.9: a temporary room goes with its last occupant").isEmpty();
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
    @DisplayName("XEP-0045 §7.2.5-§7.2.9, §8.2, §9.1, §9.3, §10.9: who may enter, kicks, bans, destruction")
    void shouldEnforceEntryRulesAndModeration() throws Exception
    {
        try (TestServer server = TestServer.start().addUser("owner", "o").addUser("guest", "g"))
        {
            final XMPPTCPConnection owner = TestClients.login(server, "owner", "o");
            final XMPPTCPConnection guest = TestClients.login(server, "guest", "g");
            try
            {
                final DomainBareJid service = JidCreate.domainBareFrom(SERVICE);
                final EntityBareJid roomJid = JidCreate.entityBareFrom("council@" + SERVICE);
                final MultiUserChat room = MultiUserChatManager.getInstanceFor(owner).getMultiUserChat(roomJid);
                room.create(Resourcepart.from("Chair"));
                final MultiUserChat guestRoom = MultiUserChatManager.getInstanceFor(guest).getMultiUserChat(roomJid);
                assertThat(condition(() -> guestRoom.join(Resourcepart.from("Guest"))))
                    .as("§10.1.2: locked until configured").isEqualTo(StanzaError.Condition.item_not_found);
                room.getConfigFormManager().makeMembersOnly().submitConfigurationForm();
                assertThat(condition(() -> guestRoom.join(Resourcepart.from("Guest"))))
                    .isEqualTo(StanzaError.Condition.registration_required);
                room.grantMembership(guest.getUser().asBareJid());
                assertThat(condition(() -> guestRoom.join(Resourcepart.from("Chair"))))
                    .as("§7.2.9: nickname taken").isEqualTo(StanzaError.Condition.conflict);

                final BlockingQueue<String> guestFate = new LinkedBlockingQueue<>();
                guestRoom.addUserStatusListener(new UserStatusListener()
                {
                    @Override
                    public void kicked(final org.jxmpp.jid.Jid actor, final String reason)
                    {
                        guestFate.add("kicked: " + reason);
                    }

                    @Override
                    public void banned(final org.jxmpp.jid.Jid actor, final String reason)
                    {
                        guestFate.add("banned: " + reason);
                    }

                    @Override
                    public void roomDestroyed(final MultiUserChat alternate, final String reason)
                    {
                        guestFate.add("destroyed: " + reason);
                    }
                });
                guestRoom.join(Resourcepart.from("Guest"));
                room.kickParticipant(Resourcepart.from("Guest"), "too loud");
                assertThat(guestFate.poll(10, TimeUnit.SECONDS)).isEqualTo("kicked: too loud");
                guestRoom.join(Resourcepart.from("Guest"));
                room.banUser(guest.getUser().asBareJid(), "for good");
                assertThat(guestFate.poll(10, TimeUnit.SECONDS)).isEqualTo("banned: for good");
                assertThat(condition(() -> guestRoom.join(Resourcepart.from("Guest"))))
                    .isEqualTo(StanzaError.Condition.forbidden);

                final EntityBareJid secretJid = JidCreate.entityBareFrom("secret@" + SERVICE);
                final MultiUserChat secret = MultiUserChatManager.getInstanceFor(owner).getMultiUserChat(secretJid);
                secret.create(Resourcepart.from("Chair"));
                MucTestRooms.configure(secret, form ->
                {
                    form.setAnswer("muc#roomconfig_passwordprotectedroom", true);
                    form.setAnswer("muc#roomconfig_roomsecret", "open sesame");
                    form.setAnswer("muc#roomconfig_publicroom", false);
                });
                assertThat(MultiUserChatManager.getInstanceFor(guest).getRoomsHostedBy(service))
                    .as("§6.3: hidden rooms are not listed").doesNotContainKey(secretJid);
                final MultiUserChat guestSecret =
                    MultiUserChatManager.getInstanceFor(guest).getMultiUserChat(secretJid);
                assertThat(condition(() -> guestSecret.join(Resourcepart.from("Guest"), "wrong")))
                    .isEqualTo(StanzaError.Condition.not_authorized);
                guestSecret.join(Resourcepart.from("Guest"), "open sesame");
                guestSecret.addUserStatusListener(new UserStatusListener()
                {
                    @Override
                    public void roomDestroyed(final MultiUserChat alternate, final String reason)
                    {
                        guestFate.add("destroyed: " + reason);
                    }
                });
                final BlockingQueue<Message> refused = new LinkedBlockingQueue<>();
                guest.addAsyncStanzaListener(stanza -> refused.add((Message)stanza),
                    stanza -> stanza instanceof Message && ((Message)stanza).getType() == Message.Type.error);
                guest.sendStanza(guest.getStanzaFactory().buildMessageStanza().to(secretJid)
                    .ofType(Message.Type.groupchat).setSubject("mine now").build());
                assertThat(refused.poll(10, TimeUnit.SECONDS).getError().getCondition())
                    .as("§8.1: only moderators change the subject here").isEqualTo(StanzaError.Condition.forbidden);
                secret.destroy("closing time", null);
                assertThat(guestFate.poll(10, TimeUnit.SECONDS)).isEqualTo("destroyed: closing time");
            }
            finally
            {
                owner.disconnect();
                guest.disconnect();
            }
        }
    }

    @Test
    @DisplayName("XEP-0045 §7.4, §6.6, §8.5: non-occupants neither speak nor ask occupants; visitors get voice")
    void shouldKeepOutsidersOutAndGiveVoice() throws Exception
    {
        try (TestServer server = TestServer.start().addUser("host", "h").addUser("visitor", "v");
             RawClient outsider = RawClient.directTls(server))
        {
            server.addUser("outsider", "o");
            final XMPPTCPConnection host = TestClients.login(server, "host", "h");
            final XMPPTCPConnection visitor = TestClients.login(server, "visitor", "v");
            try
            {
                final EntityBareJid roomJid = JidCreate.entityBareFrom("stage@" + SERVICE);
                final MultiUserChat room = MultiUserChatManager.getInstanceFor(host).getMultiUserChat(roomJid);
                room.create(Resourcepart.from("Host"));
                MucTestRooms.configure(room, form -> form.setAnswer("muc#roomconfig_moderatedroom", true));
                final MultiUserChat visitorRoom =
                    MultiUserChatManager.getInstanceFor(visitor).getMultiUserChat(roomJid);
                final BlockingQueue<MUCUser> visitorPresence = new LinkedBlockingQueue<>();
                visitor.addAsyncStanzaListener(stanza -> visitorPresence.add(MUCUser.from(stanza)),
                    stanza -> MUCUser.from(stanza) != null && stanza.getFrom().toString().endsWith("/Listener"));
                visitorRoom.join(Resourcepart.from("Listener"));
                assertThat(visitorPresence.poll(10, TimeUnit.SECONDS).getItem().getRole().name())
                    .as("§5.1.2: no voice in a moderated room").isEqualTo("visitor");
                final BlockingQueue<Message> refused = new LinkedBlockingQueue<>();
                visitor.addAsyncStanzaListener(stanza -> refused.add((Message)stanza),
                    stanza -> stanza instanceof Message && ((Message)stanza).getType() == Message.Type.error);
                visitorRoom.sendMessage("may I?");
                assertThat(refused.poll(10, TimeUnit.SECONDS).getError().getCondition()).as("§7.4: visitors listen")
                    .isEqualTo(StanzaError.Condition.forbidden);
                room.grantVoice(Resourcepart.from("Listener"));
                assertThat(visitorPresence.poll(10, TimeUnit.SECONDS).getItem().getRole().name())
                    .isEqualTo("participant");

                assertThat(outsider.login("", "outsider", "o")).isNotNull();
                outsider.send("<message to='stage@" + SERVICE + "' type='groupchat' id='m1'><body>hi</body></message>");
                assertThat(outsider.readUntil("</message>", 5_000)).contains("type='error'")
                    .contains("<not-acceptable");
                outsider.send("<iq to='stage@" + SERVICE + "/Host' type='get' id='q1'>" +
                    "<query xmlns='http://jabber.org/protocol/disco#info'/></iq>");
                assertThat(outsider.readUntil("<bad-request", 5_000)).as("§6.6").contains("id='q1'")
                    .contains("<bad-request");
            }
            finally
            {
                host.disconnect();
                visitor.disconnect();
            }
        }
    }

    @Test
    @DisplayName("XEP-0077 §3.2 cancel: a deleted account's room affiliations go, a re-registered name has none")
    void shouldForgetDeletedAccountsAffiliations() throws Exception
    {
        final EntityBareJid roomJid = JidCreate.entityBareFrom("club@" + SERVICE);
        try (TestServer server = TestServer.start(context -> context.registrationOpen(true))
            .addUser("owner", "o").addUser("member", "m"))
        {
            final XMPPTCPConnection owner = TestClients.login(server, "owner", "o");
            try
            {
                final MultiUserChat room = MultiUserChatManager.getInstanceFor(owner).getMultiUserChat(roomJid);
                room.create(Resourcepart.from("Chair"));
                MucTestRooms.configure(room, form ->
                {
                    form.setAnswer("muc#roomconfig_persistentroom", true);
                    form.setAnswer("muc#roomconfig_membersonly", true);
                });
                room.grantMembership(JidCreate.entityBareFrom("member@localhost"));
                final XMPPTCPConnection member = TestClients.login(server, "member", "m");
                AccountManager.getInstance(member).deleteAccount();
                member.disconnect();

                server.addUser("member", "new");
                final XMPPTCPConnection newcomer = TestClients.login(server, "member", "new");
                try
                {
                    final XMPPException.XMPPErrorException refused = catchThrowableOfType(
                        XMPPException.XMPPErrorException.class, () -> MultiUserChatManager.getInstanceFor(newcomer)
                            .getMultiUserChat(roomJid).join(Resourcepart.from("Newcomer")));
                    assertThat(refused.getStanzaError().getCondition()).as("§7.2.6: not a member")
                        .isEqualTo(StanzaError.Condition.registration_required);
                }
                finally
                {
                    newcomer.disconnect();
                }
                assertThat(room.getMembers()).isEmpty();
            }
            finally
            {
                owner.disconnect();
            }
        }
    }

    @Test
    @DisplayName("XEP-0045 §10.2: a persistent room's configuration, subject and members outlive a restart")
    void shouldKeepPersistentRoomsAcrossRestart() throws Exception
    {
        final Path data = TestServer.newDataDir();
        final EntityBareJid keptJid = JidCreate.entityBareFrom("kept@" + SERVICE);
        final EntityBareJid passingJid = JidCreate.entityBareFrom("passing@" + SERVICE);
        try
        {
            try (TestServer server = TestServer.start(data, false, context -> { }))
            {
                server.addUser("owner", "o").addUser("member", "m");
                final XMPPTCPConnection owner = TestClients.login(server, "owner", "o");
                try
                {
                    final MultiUserChat kept = MultiUserChatManager.getInstanceFor(owner).getMultiUserChat(keptJid);
                    kept.create(Resourcepart.from("Chair"));
                    MucTestRooms.configure(kept, form ->
                    {
                        form.setAnswer("muc#roomconfig_persistentroom", true);
                        form.setAnswer("muc#roomconfig_membersonly", true);
                        form.setAnswer("muc#roomconfig_roomname", "Kept & <named>");
                    });
                    kept.grantMembership(JidCreate.entityBareFrom("member@localhost"));
                    kept.changeSubject("line one\nline two");
                    kept.leave();
                    MultiUserChatManager.getInstanceFor(owner).getMultiUserChat(passingJid)
                        .create(Resourcepart.from("Chair")).makeInstant();
                }
                finally
                {
                    owner.disconnect();
                }
            }
            try (TestServer server = TestServer.start(data, false, context -> { }))
            {
                final XMPPTCPConnection member = TestClients.login(server, "member", "m");
                try
                {
                    final MultiUserChatManager manager = MultiUserChatManager.getInstanceFor(member);
                    assertThat(manager.getRoomsHostedBy(JidCreate.domainBareFrom(SERVICE)))
                        .as("the persistent room is listed, the temporary one is gone").containsOnlyKeys(keptJid);
                    assertThat(manager.getRoomsHostedBy(JidCreate.domainBareFrom(SERVICE)).get(keptJid).getName())
                        .isEqualTo("Kept & <named>");
                    final MultiUserChat kept = manager.getMultiUserChat(keptJid);
                    final BlockingQueue<Message> heard = new LinkedBlockingQueue<>();
                    kept.addMessageListener(heard::add);
                    kept.join(Resourcepart.from("Member"));
                    assertThat(heard.poll(10, TimeUnit.SECONDS).getSubject()).isEqualTo("line one\nline two");
                    assertThat(kept.getOccupants()).as("nobody else came back with it").hasSize(1);
                }
                finally
                {
                    member.disconnect();
                }
            }
        }
        finally
        {
            TestServer.delete(data);
        }
    }

    @Test
    @DisplayName("XEP-0410 §3.3: the room answers a self-ping for the occupant, not-acceptable when not joined")
    void shouldAnswerSelfPings() throws Exception
    {
        try (TestServer server = TestServer.start().addUser("alice", "a").addUser("dave", "dave-secret");
             RawClient dave = RawClient.directTls(server))
        {
            final XMPPTCPConnection alice = TestClients.login(server, "alice", "a");
            try
            {
                final EntityBareJid roomJid = JidCreate.entityBareFrom("pings@" + SERVICE);
                MultiUserChatManager.getInstanceFor(alice).getMultiUserChat(roomJid)
                    .create(Resourcepart.from("Alice")).makeInstant();
                assertThat(dave.login("", "dave", "dave-secret")).startsWith("dave@localhost/");
                dave.send("<iq type='get' id='p0' to='pings@" + SERVICE + "/Dave'><ping xmlns='urn:xmpp:ping'/></iq>");
                assertThat(dave.readUntil("id='p0'", 5_000)).as("not joined").contains("type='error'")
                    .contains("<not-acceptable");
                dave.readPast("id='p0'", 5_000);
                dave.send("<iq type='get' id='d1' to='pings@" + SERVICE + "'>" +
                    "<query xmlns='http://jabber.org/protocol/disco#info'/></iq>");
                assertThat(dave.readUntil("</query>", 5_000))
                    .contains("<feature var='http://jabber.org/protocol/muc#self-ping-optimization'/>")
                    .contains("<feature var='http://jabber.org/protocol/muc#stable_id'/>");
                dave.send("<presence to='pings@" + SERVICE + "/Dave'><x xmlns='http://jabber.org/protocol/muc'/>" +
                    "</presence>");
                assertThat(dave.readPast("</subject>", 5_000)).isTrue();
                dave.send("<iq type='get' id='p1' to='pings@" + SERVICE + "/Dave'><ping xmlns='urn:xmpp:ping'/></iq>");
                final String answer = dave.readUntil("id='p1'", 5_000);
                assertThat(answer).as("answered by the room: this client answers no pings, and none came to it")
                    .doesNotContain("urn:xmpp:ping").contains("type='result'");
            }
            finally
            {
                alice.disconnect();
            }
        }
    }

    @Test
    @DisplayName("XEP-0045 §8.2, §10.7: one request's items act together: a kick named twice, both owners demoted")
    void shouldApplyAdminItemsAsOneRequest() throws Exception
    {
        try (TestServer server = TestServer.start().addUser("alice", "a").addUser("bob", "b");
             RawClient alice = RawClient.directTls(server); RawClient bob = RawClient.directTls(server))
        {
            final String room = "admins@" + SERVICE;
            final String admin = "<iq type='%s' id='%s' to='" + room + "'>" +
                "<query xmlns='http://jabber.org/protocol/muc#admin'>%s</query></iq>";
            alice.login("", "alice", "a");
            alice.send("<presence to='" + room + "/Alice'><x xmlns='http://jabber.org/protocol/muc'/></presence>");
            assertThat(alice.readPast("code='201'", 5_000)).isTrue();
            alice.send("<iq type='set' id='u' to='" + room + "'><query xmlns='http://jabber.org/protocol/muc#owner'>" +
                "<x xmlns='jabber:x:data' type='submit'/></query></iq>");
            assertThat(alice.readPast("id='u'", 5_000)).isTrue();
            alice.send(String.format(admin, "set", "o", "<item jid='carol@localhost' affiliation='owner'/>"));
            assertThat(alice.readUntil("id='o'", 5_000)).contains("type='result'");
            alice.readPast("id='o'", 0);
            bob.login("", "bob", "b");
            bob.send("<presence to='" + room + "/Bob'><x xmlns='http://jabber.org/protocol/muc'/></presence>");
            assertThat(bob.readPast("</subject>", 5_000)).isTrue();

            final String kick = "<item nick='Bob' role='none'/>";
            alice.send(String.format(admin, "set", "k", kick + kick));
            assertThat(alice.readUntil("id='k'", 5_000)).as("answered").contains("type='result'");
            alice.readPast("id='k'", 0);
            final String kicked = bob.readUntil("code='307'", 5_000);
            assertThat(kicked.split("code='307'", -1)).as("§8.2: one kick").hasSize(2);

            alice.send(String.format(admin, "set", "d", "<item jid='alice@localhost' affiliation='admin'/>" +
                "<item jid='carol@localhost' affiliation='admin'/>"));
            assertThat(alice.readUntil("id='d'", 5_000)).as("§10.7").contains("type='error'").contains("<conflict");
            alice.readPast("id='d'", 0);
            alice.send(String.format(admin, "get", "l", "<item affiliation='owner'/>"));
            assertThat(alice.readUntil("</query>", 5_000)).contains("jid='alice@localhost'")
                .contains("jid='carol@localhost'");
        }
    }

    @Test
    @DisplayName("XEP-0045 §7.2.15: history by maxstanzas, maxchars (whole stanzas), seconds and since")
    void shouldLimitHistoryAsAsked() throws Exception
    {
        try (TestServer server = TestServer.start().addUser("alice", "a").addUser("bob", "b"))
        {
            final XMPPTCPConnection alice = TestClients.login(server, "alice", "a");
            try
            {
                final EntityBareJid roomJid = JidCreate.entityBareFrom("history@" + SERVICE);
                final MultiUserChat room = MultiUserChatManager.getInstanceFor(alice).getMultiUserChat(roomJid);
                room.create(Resourcepart.from("Alice")).makeInstant();
                final BlockingQueue<Message> echoes = new LinkedBlockingQueue<>();
                room.addMessageListener(echoes::add);
                for (int i = 1; i <= 5; i++)
                {
                    room.sendMessage("message " + i);
                    assertThat(echoes.poll(10, TimeUnit.SECONDS)).isNotNull();
                }
                final History bobRoom = new History(server, roomJid);
                assertThat(history(bobRoom, builder -> builder.requestMaxStanzasHistory(2)))
                    .containsExactly("message 4", "message 5");
                // One history stanza here is about 400 characters (addresses, body, occupant and stanza ids, delay).
                assertThat(history(bobRoom, builder -> builder.requestMaxCharsHistory(600)))
                    .as("whole stanzas that fit, the newest").containsExactly("message 5");
                assertThat(history(bobRoom, builder -> builder.requestHistorySince(3600))).hasSize(5);
                assertThat(history(bobRoom, builder -> builder.requestMaxCharsHistory(0))).isEmpty();
                assertThat(history(bobRoom, builder -> builder.requestHistorySince(
                    new java.util.Date(System.currentTimeMillis() + 60_000)))).as("since a moment to come").isEmpty();
            }
            finally
            {
                alice.disconnect();
            }
        }
    }

    /** Where bob asks for history: each time on a connection of its own, a new occupant with nothing left over. */
    private record History(TestServer server, EntityBareJid room)
    {
    }

    /**
     * Join with a history request, collect the history up to the subject that ends it (§7.2.16), and go.
     */
    private static List<String> history(final History where, final Consumer<MucEnterConfiguration.Builder> request)
        throws Exception
    {
        final XMPPTCPConnection bob = TestClients.login(where.server(), "bob", "b");
        try
        {
            final MultiUserChat room = MultiUserChatManager.getInstanceFor(bob).getMultiUserChat(where.room());
            final BlockingQueue<Message> heard = new LinkedBlockingQueue<>();
            room.addMessageListener(heard::add);
            final MucEnterConfiguration.Builder builder = room.getEnterConfigurationBuilder(Resourcepart.from("Bob"));
            request.accept(builder);
            room.join(builder.build());
            final List<String> bodies = new ArrayList<>();
            Message message;
            while ((message = heard.poll(10, TimeUnit.SECONDS)) != null && message.getSubject() == null)
            {
                bodies.add(message.getBody());
            }
            return bodies;
        }
        finally
        {
            bob.disconnect();
        }
    }

    /** A step that fails with an XMPP error. */
    @FunctionalInterface
    private interface Step
    {
        void run() throws Exception;
    }

    /**
     * @return the error condition the step failed with, null if it did not fail.
     */
    private static StanzaError.Condition condition(final Step step) throws Exception
    {
        try
        {
            step.run();
            return null;
        }
        catch (final XMPPException.XMPPErrorException ex)
        {
            return ex.getStanzaError().getCondition();
        }
    }
}
