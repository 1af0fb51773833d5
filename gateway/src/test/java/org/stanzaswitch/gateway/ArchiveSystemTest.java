package org.stanzaswitch.gateway;

import org.jivesoftware.smack.XMPPException;
import org.jivesoftware.smack.packet.Message;
import org.jivesoftware.smack.packet.MessageBuilder;
import org.jivesoftware.smack.packet.StanzaError;
import org.jivesoftware.smack.tcp.XMPPTCPConnection;
import org.jivesoftware.smackx.delay.packet.DelayInformation;
import org.jivesoftware.smackx.mam.MamManager;
import org.jivesoftware.smackx.mam.element.MamElements;
import org.jivesoftware.smackx.mam.element.MamPrefsIQ;
import org.jivesoftware.smackx.sid.element.StanzaIdElement;
import org.jivesoftware.smackx.xdata.FormField;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.jxmpp.jid.impl.JidCreate;

import java.nio.file.Path;
import java.util.Date;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * XEP-0313 Message Archive Management v2 with XEP-0059 paging, XEP-0359 stanza ids and XEP-0441 preferences,
 * driven by Smack's MamManager over a real server. Each test uses its own accounts, so archives (and offline
 * messages) do not mix.
 */
@Timeout(120)
class ArchiveSystemTest
{
    private static Path dataDir;
    private static TestServer server;

    @BeforeAll
    static void startServer() throws Exception
    {
        dataDir = TestServer.newDataDir();
        server = TestServer.start(dataDir, false, context -> context.archiveMaxPage(50));
        for (final String user : List.of("alice", "bob", "carol", "dave", "erin", "frank", "grace", "heidi", "ivan",
            "judy",
            "ken", "leo", "mia", "nina", "pat", "quinn", "rob", "sam", "tina"))
        {
            server.addUser(user, user + "-secret");
        }
    }

    @AfterAll
    static void stopServer()
    {
        server.close();
        TestServer.delete(dataDir);
    }

    private static XMPPTCPConnection login(final String user) throws Exception
    {
        return TestClients.connect(TestClients.startTls(server, user, user + "-secret"));
    }

    private static void send(final XMPPTCPConnection from, final String to, final String body) throws Exception
    {
        from.sendStanza(MessageBuilder.buildMessage().to(JidCreate.from(to)).ofType(Message.Type.chat).setBody(body)
            .build());
    }

    /**
     * Wait until the switch has handled everything the connection sent: a ping's answer comes after them.
     */
    private static void sync(final XMPPTCPConnection connection) throws Exception
    {
        connection.sendIqRequestAndWaitForResponse(
            new org.jivesoftware.smackx.ping.packet.Ping(JidCreate.from("localhost")));
    }

    private static List<String> bodies(final List<Message> messages)
    {
        return messages.stream().map(Message::getBody).collect(Collectors.toList());
    }

    private static MamManager.MamQueryArgs.Builder query()
    {
        return MamManager.MamQueryArgs.builder();
    }

    @Test
    @DisplayName("XEP-0313 §3, §4.2: both parties' archives hold the message; the recipient's copy names its archive " +
        "id")
    void shouldArchiveForSenderAndRecipient() throws Exception
    {
        final XMPPTCPConnection alice = login("alice");
        final XMPPTCPConnection bob = login("bob");
        try
        {
            final BlockingQueue<Message> received = new LinkedBlockingQueue<>();
            bob.addSyncStanzaListener(stanza -> received.add((Message)stanza), stanza -> stanza instanceof Message);
            final Date before = new Date(System.currentTimeMillis() - 1000);
            send(alice, "bob@localhost", "one");
            send(alice, "bob@localhost", "two <&> 'quoted'");
            final Message first = received.poll(10, TimeUnit.SECONDS);
            final Message second = received.poll(10, TimeUnit.SECONDS);
            final StanzaIdElement stanzaId = StanzaIdElement.getStanzaId(first);
            assertThat(stanzaId.getBy()).isEqualTo("bob@localhost");
            assertThat(stanzaId.getId()).hasSize(22);
            assertThat(second.getBody()).isEqualTo("two <&> 'quoted'");

            final MamManager bobArchive = MamManager.getInstanceFor(bob);
            assertThat(bobArchive.isSupported()).isTrue();
            final MamManager.MamQuery bobs = bobArchive.queryArchive(query().build());
            assertThat(bodies(bobs.getMessages())).containsExactly("one", "two <&> 'quoted'");
            assertThat(bobs.isComplete()).isTrue();
            final List<MamElements.MamResultExtension> results = bobs.getMamResultExtensions();
            assertThat(results.get(0).getId()).isEqualTo(stanzaId.getId());
            assertThat(results.get(1).getId()).isEqualTo(StanzaIdElement.getStanzaId(second).getId());
            final DelayInformation delay = results.get(0).getForwarded().getDelayInformation();
            assertThat(delay.getStamp()).isAfterOrEqualTo(before).isBeforeOrEqualTo(new Date());
            assertThat(bobs.getMessages().get(0).getFrom().toString()).isEqualTo(alice.getUser().toString());

            final MamManager.MamQuery alices = MamManager.getInstanceFor(alice).queryArchive(query().build());
            assertThat(bodies(alices.getMessages())).containsExactly("one", "two <&> 'quoted'");
            assertThat(alices.getMamResultExtensions().get(0).getId()).isEqualTo(stanzaId.getId());
        }
        finally
        {
            alice.disconnect();
            bob.disconnect();
        }
    }

    @Test
    @DisplayName("XEP-0313 §4.3, XEP-0059 §2: pages forward with <after/>, the last page with <before/>, exact " +
        "boundaries complete")
    void shouldPageThroughResults() throws Exception
    {
        final XMPPTCPConnection carol = login("carol");
        try
        {
            for (int i = 0; i < 20; i++)
            {
                send(carol, "dave@localhost", "m" + i);
            }
            sync(carol);
            final MamManager archive = MamManager.getInstanceFor(carol);
            final MamManager.MamQuery query = archive.queryArchive(query().setResultPageSize(8).build());
            assertThat(bodies(query.getMessages())).containsExactly("m0", "m1", "m2", "m3", "m4", "m5", "m6", "m7");
            assertThat(query.isComplete()).isFalse();
            assertThat(query.getPage().getMamFinIq().getRSMSet().getCount()).isEqualTo(20);
            assertThat(bodies(query.pageNext(8))).containsExactly("m8", "m9", "m10", "m11", "m12", "m13", "m14", "m15");
            assertThat(query.isComplete()).isFalse();
            assertThat(bodies(query.pageNext(8))).containsExactly("m16", "m17", "m18", "m19");
            assertThat(query.isComplete()).isTrue();

            final MamManager.MamQuery exact = archive.queryArchive(query().setResultPageSize(10).build());
            exact.pageNext(10);
            assertThat(exact.isComplete()).as("a page ending on the last result is complete").isTrue();

            final MamManager.MamQuery last = archive.queryArchive(query().setResultPageSize(3).queryLastPage().build());
            assertThat(bodies(last.getMessages())).containsExactly("m17", "m18", "m19");
            assertThat(last.getPage().getMamFinIq().getRSMSet().getFirstIndex()).isEqualTo(17);
            assertThat(bodies(last.pagePrevious(3))).containsExactly("m14", "m15", "m16");

            final MamManager.MamQuery capped = archive.queryArchive(query().setResultPageSize(1000).build());
            assertThat(capped.getMessageCount()).as("the server's page limit applies").isEqualTo(20);
        }
        finally
        {
            carol.disconnect();
        }
    }

    @Test
    @DisplayName("XEP-0313 §4.1: filters by contact, by time and by id; an unknown id is item-not-found")
    void shouldFilter() throws Exception
    {
        final XMPPTCPConnection erin = login("erin");
        final XMPPTCPConnection frank = login("frank");
        try
        {
            send(erin, "frank@localhost", "to frank 1");
            send(erin, "grace@localhost", "to grace 1");
            sync(erin);
            Thread.sleep(20);
            final Date middle = new Date();
            Thread.sleep(20);
            send(frank, "erin@localhost", "from frank");
            sync(frank);
            send(erin, "grace@localhost", "to grace 2");
            sync(erin);

            final MamManager archive = MamManager.getInstanceFor(erin);
            assertThat(bodies(archive.queryArchive(query().limitResultsToJid(JidCreate.from("frank@localhost")).build())
                .getMessages())).containsExactly("to frank 1", "from frank");
            assertThat(bodies(archive.queryArchive(query().limitResultsToJid(frank.getUser()).build())
                .getMessages())).as("a full JID matches only that resource").containsExactly("from frank");
            assertThat(bodies(archive.queryArchive(query().limitResultsSince(middle).build()).getMessages()))
                .containsExactly("from frank", "to grace 2");
            assertThat(bodies(archive.queryArchive(query().limitResultsBefore(middle).build()).getMessages()))
                .containsExactly("to frank 1", "to grace 1");

            final MamManager.MamQuery all = archive.queryArchive(query().build());
            final String secondId = all.getMamResultExtensions().get(1).getId();
            assertThat(bodies(archive.queryArchive(query().afterUid(secondId).build()).getMessages()))
                .containsExactly("from frank", "to grace 2");
            assertThat(bodies(archive.queryArchive(query().withAdditionalFormField(
                FormField.textSingleBuilder("after-id").setValue(secondId).build()).build()).getMessages()))
                .containsExactly("from frank", "to grace 2");
            final String thirdId = all.getMamResultExtensions().get(2).getId();
            assertThat(bodies(archive.queryArchive(query().withAdditionalFormField(
                FormField.textSingleBuilder("before-id").setValue(thirdId).build()).build()).getMessages()))
                .containsExactly("to frank 1", "to grace 1");

            assertThatThrownBy(() -> archive.queryArchive(query().afterUid("AAAAAAAAAAAAAAAAAAAAAA").build()))
                .isInstanceOfSatisfying(XMPPException.XMPPErrorException.class, ex ->
                    assertThat(ex.getStanzaError().getCondition()).isEqualTo(StanzaError.Condition.item_not_found));
            assertThatThrownBy(() -> archive.queryArchive(query().withAdditionalFormField(
                FormField.textSingleBuilder("{urn:example}unknown").setValue("x").build()).build()))
                .isInstanceOfSatisfying(XMPPException.XMPPErrorException.class, ex ->
                    assertThat(ex.getStanzaError().getCondition())
                        .isEqualTo(StanzaError.Condition.feature_not_implemented));
            assertThat(archive.retrieveFormFields().stream().map(FormField::getFieldName))
                .contains("with", "start", "end", "before-id", "after-id", "ids");
            assertThat(archive.getMessageUidOfLatestMessage())
                .isEqualTo(all.getMamResultExtensions().get(3).getId());
        }
        finally
        {
            erin.disconnect();
            frank.disconnect();
        }
    }

    @Test
    @DisplayName("XEP-0313 §4.1: an empty archive answers with no results and a complete fin")
    void shouldAnswerEmptyArchive() throws Exception
    {
        final XMPPTCPConnection ivan = login("ivan");
        try
        {
            final MamManager.MamQuery query = MamManager.getInstanceFor(ivan).queryArchive(query().build());
            assertThat(query.getMessages()).isEmpty();
            assertThat(query.isComplete()).isTrue();
        }
        finally
        {
            ivan.disconnect();
        }
    }

    @Test
    @DisplayName("XEP-0441 §3: preferences are kept, and 'never' and the lists decide what is archived")
    void shouldHonourPreferences() throws Exception
    {
        final XMPPTCPConnection heidi = login("heidi");
        try
        {
            final MamManager archive = MamManager.getInstanceFor(heidi);
            assertThat(archive.retrieveArchivingPreferences().mamPrefs.getDefault())
                .isEqualTo(MamPrefsIQ.DefaultBehavior.always);
            final MamManager.MamPrefs prefs = archive.retrieveArchivingPreferences().asMamPrefs();
            prefs.setDefaultBehavior(MamPrefsIQ.DefaultBehavior.never);
            prefs.getAlwaysJids().add(JidCreate.from("pat@localhost"));
            final MamManager.MamPrefsResult applied = archive.updateArchivingPreferences(prefs);
            assertThat(applied.mamPrefs.getDefault()).isEqualTo(MamPrefsIQ.DefaultBehavior.never);
            assertThat(applied.mamPrefs.getAlwaysJids().toString()).isEqualTo("[pat@localhost]");

            send(heidi, "quinn@localhost", "not archived");
            send(heidi, "pat@localhost", "archived");
            sync(heidi);
            assertThat(bodies(archive.queryArchive(query().build()).getMessages())).containsExactly("archived");

            // XEP-0441 §3.2 'roster': only contacts in the user's roster.
            final MamManager.MamPrefs byRoster = archive.retrieveArchivingPreferences().asMamPrefs();
            byRoster.setDefaultBehavior(MamPrefsIQ.DefaultBehavior.roster);
            byRoster.getAlwaysJids().clear();
            archive.updateArchivingPreferences(byRoster);
            send(heidi, "quinn@localhost", "not in the roster");
            org.jivesoftware.smack.roster.Roster.getInstanceFor(heidi)
                .createItem(JidCreate.bareFrom("quinn@localhost"), "Quinn", null);
            send(heidi, "quinn@localhost", "in the roster");
            sync(heidi);
            assertThat(bodies(archive.queryArchive(query().build()).getMessages()))
                .containsExactly("archived", "in the roster");
        }
        finally
        {
            heidi.disconnect();
        }
    }

    @Test
    @DisplayName("XEP-0136 §3, §5: auto-archiving on, the collection list and the retrieval of a collection")
    void shouldServeLegacyArchiving() throws Exception
    {
        final XMPPTCPConnection ken = login("ken");
        try (RawClient judy = RawClient.directTls(server))
        {
            send(ken, "judy@localhost", "hello judy");
            sync(ken);
            assertThat(judy.login("", "judy", "judy-secret")).startsWith("judy@localhost/");
            judy.send("<iq type='set' id='a1'><auto xmlns='urn:xmpp:archive' save='true'/></iq>");
            assertThat(judy.readUntil("id='a1'", 5_000)).contains("<iq id='a1'").contains("type='result'");
            judy.send("<message to='ken@localhost' type='chat'><body>hi &amp; bye</body></message>");
            judy.send("<iq type='get' id='l1'><list xmlns='urn:xmpp:archive' with='ken@localhost'>" +
                "<set xmlns='http://jabber.org/protocol/rsm'><max>30</max></set></list></iq>");
            final String list = judy.readUntil("</list>", 5_000);
            final java.util.regex.Matcher chat = java.util.regex.Pattern
                .compile("<chat with='ken@localhost' start='([^']+)'/>").matcher(list);
            assertThat(chat.find()).as(list).isTrue();
            assertThat(list).contains("<count>1</count>");
            judy.send("<iq type='get' id='r1'><retrieve xmlns='urn:xmpp:archive' with='ken@localhost' start='" +
                chat.group(1) + "'><set xmlns='http://jabber.org/protocol/rsm'><max>100</max></set></retrieve></iq>");
            final String retrieved = judy.readUntil("</chat></iq>", 5_000);
            assertThat(retrieved).contains("<from secs='0'><body>hello judy</body></from>")
                .containsPattern("<to secs='\\d+'><body>hi &amp; bye</body></to>").contains("<count>2</count>");
            judy.send("<iq type='get' id='r2'><retrieve xmlns='urn:xmpp:archive' with='ken@localhost' " +
                "start='2001-01-01T00:00:00Z'/></iq>");
            assertThat(judy.readUntil("item-not-found", 5_000)).containsPattern("<iq[^>]*id='r2'[^>]*type='error'");
        }
        finally
        {
            ken.disconnect();
        }
    }

    @Test
    @DisplayName("XEP-0313 §4.1.3, §4.3.2, §5: 'ids', flip-page and metadata, as raw XML")
    void shouldFlipPagesAndFetchByIds() throws Exception
    {
        final XMPPTCPConnection leo = login("leo");
        try (RawClient mia = RawClient.directTls(server))
        {
            for (int i = 0; i < 5; i++)
            {
                send(leo, "mia@localhost", "flip " + i);
            }
            sync(leo);
            final List<MamElements.MamResultExtension> all =
                MamManager.getInstanceFor(leo).queryArchive(query().build()).getMamResultExtensions();
            assertThat(mia.login("", "mia", "mia-secret")).startsWith("mia@localhost/");
            mia.send("<iq type='set' id='f1'><query xmlns='urn:xmpp:mam:2'><set " +
                "xmlns='http://jabber.org/protocol/rsm'>" +
                "<max>3</max></set><flip-page/></query></iq>");
            final String flipped = mia.readUntil("</fin>", 5_000);
            assertThat(flipped.indexOf("flip 2")).as("a flipped page comes newest first")
                .isLessThan(flipped.indexOf("flip 1")).isPositive();
            assertThat(flipped.indexOf("flip 1")).isLessThan(flipped.indexOf("flip 0"));
            assertThat(flipped).doesNotContain("flip 3").contains("<first index='0'>" + all.get(0).getId());

            mia.send("<iq type='set' id='i1'><query xmlns='urn:xmpp:mam:2'><x xmlns='jabber:x:data' type='submit'>" +
                "<field var='FORM_TYPE' type='hidden'><value>urn:xmpp:mam:2</value></field><field var='ids'>" +
                "<value>" + all.get(3).getId() + "</value><value>" + all.get(1).getId() +
                    "</value></field></x></query></iq>");
            final String byIds = mia.readUntil("<count>2</count>", 5_000);
            assertThat(byIds.substring(byIds.indexOf("</fin>") + 6)).contains("flip 1").contains("flip 3")
                .doesNotContain("flip 2").doesNotContain("flip 4");

            mia.send("<iq type='get' id='m1'><metadata xmlns='urn:xmpp:mam:2'/></iq>");
            assertThat(mia.readUntil("</metadata>", 5_000)).contains("<start id='" + all.get(0).getId() + "'")
                .contains("<end id='" + all.get(4).getId() + "'");
        }
        finally
        {
            leo.disconnect();
        }
    }

    @Test
    @DisplayName("Issue 5: deleting an account deletes its archive; a new account of that name starts empty")
    void shouldDeleteTheArchiveWithTheAccount() throws Exception
    {
        final XMPPTCPConnection nina = login("nina");
        send(nina, "rob@localhost", "before deletion");
        sync(nina);
        assertThat(MamManager.getInstanceFor(nina).queryArchive(query().build()).getMessageCount()).isEqualTo(1);
        nina.disconnect();
        try (AccountAdmin admin = new AccountAdmin(server.server().context()))
        {
            admin.delete("nina");
        }
        final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (server.server().accounts().exists("nina") && System.nanoTime() < deadline)
        {
            Thread.sleep(5);
        }
        server.addUser("nina", "nina-secret");
        final XMPPTCPConnection again = login("nina");
        try
        {
            assertThat(MamManager.getInstanceFor(again).queryArchive(query().build()).getMessages()).isEmpty();
        }
        finally
        {
            again.disconnect();
        }
    }

    @Test
    @DisplayName("XEP-0359 §5: a stanza-id claiming the recipient's archive is removed; the server's is the only one")
    void shouldStripForgedStanzaIds() throws Exception
    {
        final XMPPTCPConnection sam = login("sam");
        final XMPPTCPConnection tina = login("tina");
        try
        {
            final BlockingQueue<Message> received = new LinkedBlockingQueue<>();
            tina.addSyncStanzaListener(stanza -> received.add((Message)stanza), stanza -> stanza instanceof Message);
            sam.sendStanza(MessageBuilder.buildMessage().to(JidCreate.from("tina@localhost")).ofType(Message.Type.chat)
                .setBody("forged").addExtension(new StanzaIdElement("forged-id", "tina@localhost"))
                .addExtension(new StanzaIdElement("other-id", "sam@localhost")).build());
            final Message message = received.poll(10, TimeUnit.SECONDS);
            final List<String> byTina = message.getExtensions(StanzaIdElement.QNAME).stream()
                .map(StanzaIdElement.class::cast).filter(id -> "tina@localhost".equals(id.getBy()))
                .map(StanzaIdElement::getId).collect(Collectors.toList());
            assertThat(byTina).hasSize(1).doesNotContain("forged-id");
            assertThat(message.getExtensions(StanzaIdElement.QNAME)).as("others' ids are kept").hasSize(2);
            assertThat(MamManager.getInstanceFor(tina).queryArchive(query().build()).getMamResultExtensions().get(0)
                .getId()).isEqualTo(byTina.get(0));
        }
        finally
        {
            sam.disconnect();
            tina.disconnect();
        }
    }
}
