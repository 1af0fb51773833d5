package org.stanzaswitch.gateway;

import org.jivesoftware.smack.XMPPException;
import org.jivesoftware.smack.packet.StanzaError;
import org.jivesoftware.smack.tcp.XMPPTCPConnection;
import org.jivesoftware.smackx.pubsub.AccessModel;
import org.jivesoftware.smackx.pubsub.Affiliation;
import org.jivesoftware.smackx.pubsub.Item;
import org.jivesoftware.smackx.pubsub.LeafNode;
import org.jivesoftware.smackx.pubsub.PayloadItem;
import org.jivesoftware.smackx.pubsub.PubSubManager;
import org.jivesoftware.smackx.pubsub.SimplePayload;
import org.jivesoftware.smackx.pubsub.Subscription;
import org.jivesoftware.smackx.pep.PepManager;
import org.jivesoftware.smackx.pubsub.form.ConfigureForm;
import org.jivesoftware.smackx.pubsub.form.FillableConfigureForm;
import org.jivesoftware.smackx.xdata.FormField;
import org.jivesoftware.smackx.pubsub.listener.ItemEventListener;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.jxmpp.jid.BareJid;
import org.jxmpp.jid.impl.JidCreate;

import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

/**
 * XEP-0060 at {@code pubsub.localhost} with Smack's PubSubManager: found among the server's items, nodes created,
 * configured, published to, subscribed to, kept across a restart, and the errors §6, §7 and §8 ask for.
 */
@Timeout(90)
class PubSubSystemTest
{
    private static final long WAIT_MILLIS = 5_000;
    private static final String PAYLOAD = "<entry xmlns='urn:example:news'>%s</entry>";
    private static final List<String> PUBSUB_ERRORS = List.of("item-forbidden", "item-required", "payload-required",
        "invalid-jid", "invalid-payload", "closed-node", "not-subscribed", "nodeid-required");

    @Test
    @DisplayName("XEP-0060 §5.1, §6.1, §7.1, §7.2, §8.4: subscribers get each publish, retraction and the deletion")
    void shouldNotifySubscribers() throws Exception
    {
        try (TestServer server = TestServer.start().addUser("alice", "a").addUser("bob", "b"))
        {
            final XMPPTCPConnection alice = TestClients.login(server, "alice", "a");
            final XMPPTCPConnection bob = TestClients.login(server, "bob", "b");
            try
            {
                assertThat(PubSubManager.getPubSubService(alice).toString()).isEqualTo("pubsub.localhost");
                final PubSubManager alices = PubSubManager.getInstanceFor(alice);
                assertThat(alices.canCreateNodesAndPublishItems()).as("an instant node, made and deleted").isTrue();
                final FillableConfigureForm config = alices.getDefaultConfiguration().getFillableForm();
                config.setTitle("News");
                config.setMaxItems(2);
                final LeafNode news = (LeafNode)alices.createNode("news", config);

                final LeafNode bobsView = PubSubManager.getInstanceFor(bob).getLeafNode("news");
                final BlockingQueue<String> events = new LinkedBlockingQueue<>();
                final ItemEventListener<PayloadItem<?>> published = event -> event.getItems().forEach(item ->
                    events.add("item " + item.getPayload().toXML()));
                bobsView.addItemEventListener(published);
                bobsView.addItemDeleteListener(new org.jivesoftware.smackx.pubsub.listener.ItemDeleteListener()
                {
                    @Override
                    public void handleDeletedItems(final org.jivesoftware.smackx.pubsub.ItemDeleteEvent event)
                    {
                        events.add("retract " + event.getItemIds());
                    }

                    @Override
                    public void handlePurge()
                    {
                        events.add("purge");
                    }
                });
                final Subscription subscription = bobsView.subscribe(bob.getUser().asBareJid());
                assertThat(subscription.getState()).isEqualTo(Subscription.State.subscribed);

                for (int i = 1; i <= 3; i++)
                {
                    news.publish(new PayloadItem<>("i" + i, new SimplePayload(String.format(PAYLOAD, i))));
                    assertThat(events.poll(10, TimeUnit.SECONDS)).contains("item ").contains(">" + i + "<");
                }
                final List<Item> kept = bobsView.getItems();
                assertThat(kept).extracting(Item::getId).as("max_items 2").containsExactly("i2", "i3");
                assertThat(bobsView.<Item>getItems(1)).extracting(Item::getId).containsExactly("i3");

                news.deleteItem("i3");
                assertThat(events.poll(10, TimeUnit.SECONDS)).isEqualTo("retract [i3]");
                news.deleteAllItems();
                assertThat(events.poll(10, TimeUnit.SECONDS)).isEqualTo("purge");

                assertThat(PubSubManager.getInstanceFor(bob).getSubscriptions()).extracting(Subscription::getNode)
                    .containsExactly("news");
                assertThat(alices.getAffiliations()).extracting(Affiliation::getNode).containsExactly("news");
                bobsView.unsubscribe(bob.getUser().asBareJid().toString());
                assertThat(PubSubManager.getInstanceFor(bob).getSubscriptions()).isEmpty();
                assertThat(alices.deleteNode("news")).isTrue();
            }
            finally
            {
                alice.disconnect();
                bob.disconnect();
            }
        }
    }

    @Test
    @DisplayName("XEP-0068: PEP's and the service's node_config forms type each field alike, as Smack insists")
    void shouldTypeConfigurationFieldsAlike() throws Exception
    {
        try (TestServer server = TestServer.start().addUser("alice", "a"))
        {
            final XMPPTCPConnection alice = TestClients.login(server, "alice", "a");
            try
            {
                final PepManager pep = PepManager.getInstanceFor(alice);
                pep.publish("urn:example:pep", new PayloadItem<>("one", new SimplePayload(String.format(PAYLOAD, 1))));
                final ConfigureForm pepForm = pep.getPepPubSubManager().getLeafNode("urn:example:pep")
                    .getNodeConfiguration();
                assertThat(pepForm.getField("pubsub#access_model").getType()).isEqualTo(FormField.Type.list_single);
                // Smack registers each field's type the first time it sees it, and closes the connection when
                // the same field comes with another: this read failed so after the PEP form above.
                final ConfigureForm serviceForm = PubSubManager.getInstanceFor(alice).getDefaultConfiguration();
                assertThat(serviceForm.getAccessModel()).isEqualTo(AccessModel.open);
                assertThat(alice.isConnected()).isTrue();
            }
            finally
            {
                alice.disconnect();
            }
        }
    }

    @Test
    @DisplayName("XEP-0060 §7.1.3.6: each event type takes the items it should; §8: only an owner manages")
    void shouldRefuseWhatNodeDoesNotTake() throws Exception
    {
        try (TestServer server = TestServer.start().addUser("alice", "a").addUser("bob", "b"))
        {
            final XMPPTCPConnection alice = TestClients.login(server, "alice", "a");
            final XMPPTCPConnection bob = TestClients.login(server, "bob", "b");
            try
            {
                final PubSubManager alices = PubSubManager.getInstanceFor(alice);
                final FillableConfigureForm config = alices.getDefaultConfiguration().getFillableForm();
                config.setDeliverPayloads(false);
                config.setPersistentItems(false);
                final LeafNode signal = (LeafNode)alices.createNode("signal", config);
                signal.publish();
                assertThat(error(() -> signal.publish(new PayloadItem<>("x", new SimplePayload(
                    String.format(PAYLOAD, "x")))))).isEqualTo("bad-request item-forbidden");

                final LeafNode persistent = alices.createNode("persistent");
                assertThat(error(persistent::publish)).isEqualTo("bad-request item-required");
                assertThat(error(() -> persistent.publish(new Item("no-payload"))))
                    .isEqualTo("bad-request payload-required");

                final LeafNode bobsView = PubSubManager.getInstanceFor(bob).getLeafNode("persistent");
                assertThat(error(() -> bobsView.publish(new PayloadItem<>("b", new SimplePayload(
                    String.format(PAYLOAD, "b")))))).as("§7.1.3.1: not a publisher").isEqualTo("forbidden");
                assertThat(error(() -> PubSubManager.getInstanceFor(bob).deleteNode("persistent")))
                    .isEqualTo("forbidden");
                assertThat(error(() -> alices.createNode("persistent"))).isEqualTo("conflict");
                assertThat(error(() -> bobsView.subscribe(alice.getUser().asBareJid())))
                    .as("§6.1.3.1: one subscribes oneself").isEqualTo("bad-request invalid-jid");
                assertThat(error(() -> PubSubManager.getInstanceFor(bob).getLeafNode("missing")))
                    .isEqualTo("item-not-found");
            }
            finally
            {
                alice.disconnect();
                bob.disconnect();
            }
        }
    }

    @Test
    @DisplayName("XEP-0060 §4.5, §8.9: a whitelist node lets in those the owner affiliates, and they may publish")
    void shouldKeepWhitelistNodeClosed() throws Exception
    {
        try (TestServer server = TestServer.start().addUser("alice", "a").addUser("bob", "b"))
        {
            final XMPPTCPConnection alice = TestClients.login(server, "alice", "a");
            final XMPPTCPConnection bob = TestClients.login(server, "bob", "b");
            try
            {
                final PubSubManager alices = PubSubManager.getInstanceFor(alice);
                final FillableConfigureForm config = alices.getDefaultConfiguration().getFillableForm();
                config.setAccessModel(AccessModel.whitelist);
                final LeafNode team = (LeafNode)alices.createNode("team", config);
                final PubSubManager bobs = PubSubManager.getInstanceFor(bob);
                assertThat(bobs.discoverNodes(null).getItems()).as("§5.2: not listed to outsiders").isEmpty();
                final BareJid bobJid = bob.getUser().asBareJid();
                assertThat(error(() -> bobs.getLeafNode("team"))).isEqualTo("item-not-found");

                team.modifyAffiliationAsOwner(List.of(new Affiliation(bobJid, Affiliation.Type.publisher)));
                // §5.7: Bob learns his affiliation (Smack 4.4 cannot parse §8.9.1's owner list, so it is not read).
                assertThat(bobs.getAffiliations()).extracting(affiliation -> affiliation.getNode() + " " +
                    affiliation.getAffiliation()).containsExactly("team publisher");
                final LeafNode bobsView = bobs.getLeafNode("team");
                bobsView.subscribe(bobJid);
                bobsView.publish(new PayloadItem<>("from-bob", new SimplePayload(String.format(PAYLOAD, "b"))));
                assertThat(team.getSubscriptionsAsOwner()).extracting(Subscription::getJid).containsExactly(bobJid);
                assertThat(error(() -> team.modifyAffiliationAsOwner(List.of(new Affiliation(
                    alice.getUser().asBareJid(), Affiliation.Type.none))))).as("§8.9.2.4: the last owner stays")
                    .isEqualTo("not-acceptable");
            }
            finally
            {
                alice.disconnect();
                bob.disconnect();
            }
        }
    }

    @Test
    @DisplayName("XEP-0060 with the state journal: nodes, items, affiliations and subscriptions survive a restart")
    void shouldKeepNodesAcrossRestart() throws Exception
    {
        final Path dataDir = TestServer.newDataDir();
        try (TestServer server = TestServer.start(dataDir, false, context -> { })
            .addUser("alice", "a").addUser("bob", "b"))
        {
            final XMPPTCPConnection alice = TestClients.login(server, "alice", "a");
            final XMPPTCPConnection bob = TestClients.login(server, "bob", "b");
            try
            {
                final LeafNode node = PubSubManager.getInstanceFor(alice).createNode("kept");
                PubSubManager.getInstanceFor(bob).getLeafNode("kept").subscribe(bob.getUser().asBareJid());
                node.publish(new PayloadItem<>("one", new SimplePayload(String.format(PAYLOAD, "&amp; &lt;1&gt;"))));
            }
            finally
            {
                alice.disconnect();
                bob.disconnect();
            }
        }
        try (TestServer server = TestServer.start(dataDir, true, context -> { }))
        {
            final XMPPTCPConnection bob = TestClients.login(server, "bob", "b");
            try
            {
                final LeafNode node = PubSubManager.getInstanceFor(bob).getLeafNode("kept");
                final List<PayloadItem<?>> items = node.getItems();
                assertThat(items).hasSize(1);
                assertThat(items.get(0).getPayload().toXML().toString()).contains("&amp; &lt;1&gt;");
                assertThat(PubSubManager.getInstanceFor(bob).getSubscriptions()).extracting(Subscription::getJid)
                    .containsExactly(JidCreate.bareFrom("bob@localhost"));
                assertThat(error(() -> PubSubManager.getInstanceFor(bob).createNode("kept"))).isEqualTo("conflict");
            }
            finally
            {
                bob.disconnect();
            }
        }
    }

    @Test
    @DisplayName("XEP-0077 §3.2 cancel: the account's subscriptions, affiliations and sole-owned nodes go with it")
    void shouldForgetDeletedAccount() throws Exception
    {
        try (TestServer server = TestServer.start(context -> context.registrationOpen(true))
            .addUser("alice", "a").addUser("bob", "b"))
        {
            final XMPPTCPConnection alice = TestClients.login(server, "alice", "a");
            try
            {
                final XMPPTCPConnection bob = TestClients.login(server, "bob", "b");
                final PubSubManager bobs = PubSubManager.getInstanceFor(bob);
                final LeafNode alicesNode = PubSubManager.getInstanceFor(alice).createNode("alices");
                alicesNode.modifyAffiliationAsOwner(List.of(new Affiliation(bob.getUser().asBareJid(),
                    Affiliation.Type.publisher)));
                bobs.getLeafNode("alices").subscribe(bob.getUser().asBareJid());
                bobs.createNode("bobs");
                org.jivesoftware.smackx.iqregister.AccountManager.getInstance(bob).deleteAccount();
                bob.disconnect();

                server.addUser("bob", "new");
                final XMPPTCPConnection newBob = TestClients.login(server, "bob", "new");
                try
                {
                    final PubSubManager newBobs = PubSubManager.getInstanceFor(newBob);
                    assertThat(newBobs.getSubscriptions()).as("subscriptions are not inherited").isEmpty();
                    assertThat(newBobs.getAffiliations()).as("nor affiliations").isEmpty();
                    assertThat(error(() -> newBobs.getLeafNode("bobs"))).as("the node bob alone owned")
                        .isEqualTo("item-not-found");
                    assertThat(alicesNode.getSubscriptionsAsOwner()).isEmpty();
                }
                finally
                {
                    newBob.disconnect();
                }
            }
            finally
            {
                alice.disconnect();
            }
        }
    }

    @Test
    @DisplayName("XEP-0060 §8.9.2.1: an item without an affiliation changes nothing; §8.9.2.3.2: outcast is refused")
    void shouldLeaveAffiliationAloneWhenNotGiven() throws Exception
    {
        try (TestServer server = TestServer.start().addUser("alice", "a");
             RawClient alice = RawClient.directTls(server))
        {
            assertThat(alice.login("", "alice", "a")).isNotNull();
            final String owner = "<iq type='%s' to='pubsub.localhost' id='%s'>" +
                "<pubsub xmlns='http://jabber.org/protocol/pubsub#owner'>%s</pubsub></iq>";
            alice.send("<iq type='set' to='pubsub.localhost' id='c1'>" +
                "<pubsub xmlns='http://jabber.org/protocol/pubsub'><create node='n1'/></pubsub></iq>");
            assertThat(alice.readPast("id='c1'", WAIT_MILLIS)).isTrue();
            alice.send(String.format(owner, "set", "m1", "<affiliations node='n1'>" +
                "<affiliation jid='bob@localhost' affiliation='publisher'/><affiliation jid='carol@localhost'/>" +
                "</affiliations>"));
            assertThat(alice.readUntil("id='m1'", WAIT_MILLIS)).contains("type='result'");
            alice.readPast("id='m1'", 0);
            alice.send(String.format(owner, "set", "m2", "<affiliations node='n1'>" +
                "<affiliation jid='bob@localhost' affiliation='outcast'/></affiliations>"));
            assertThat(alice.readUntil("</iq>", WAIT_MILLIS)).contains("id='m2'", "<feature-not-implemented",
                "feature='outcast-affiliation'");
            alice.readPast("</iq>", 0);
            alice.send(String.format(owner, "get", "g1", "<affiliations node='n1'/>"));
            assertThat(alice.readUntil("</iq>", WAIT_MILLIS)).contains("id='g1'")
                .contains("jid='bob@localhost' affiliation='publisher'").doesNotContain("carol");
        }
    }

    private interface Request
    {
        void run() throws Exception;
    }

    /**
     * @return the stanza error's condition, and its pubsub-specific condition if there is one.
     */
    private static String error(final Request request)
    {
        final Throwable thrown = catchThrowable(request::run);
        assertThat(thrown).isInstanceOf(XMPPException.XMPPErrorException.class);
        final StanzaError error = ((XMPPException.XMPPErrorException)thrown).getStanzaError();
        return PUBSUB_ERRORS.stream()
            .filter(name -> error.getExtension(name, "http://jabber.org/protocol/pubsub#errors") != null)
            .map(name -> error.getCondition() + " " + name)
            .findFirst().orElse(error.getCondition().toString());
    }
}
