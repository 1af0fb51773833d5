package org.stanzaswitch.gateway;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import javax.xml.stream.XMLInputFactory;
import javax.xml.stream.XMLStreamConstants;
import javax.xml.stream.XMLStreamException;
import javax.xml.stream.XMLStreamReader;
import java.io.StringReader;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeSet;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Well-formed stanzas with hostile content, for every service a client reaches: one valid request per service,
 * mutated at random (children dropped, repeated or added, attributes removed or set to empty, huge, malformed or
 * misdirected values, text replaced, types changed, namespaces of children swapped). The framer lets them all
 * through; what they meet is the services' own reading of payloads.
 * <p>
 * RFC 6120 §8.2.3: every IQ of type get or set is answered, with a result or an error, exactly once; §8.3: bad input
 * gets an error, not silence. The router never fails on an event (its exception handler would log SEVERE), the
 * stream stays open, and other users' logins and chat work afterwards.
 */
@Timeout(180)
class HostileStanzaSystemTest
{
    /** 60 batches in the build; {@code -Dhostile.batches=N} for a longer run, {@code -Dhostile.seed=S} repeats one. */
    private static final int BATCHES = Integer.getInteger("hostile.batches", 60);
    private static final int BATCH = 20;
    private static final long ANSWER_WAIT_MILLIS = 10_000;
    private static final Pattern IQ_ANSWER = Pattern.compile(
        "<iq\\s[^>]*?\\bid=(['\"])(h\\d+)\\1[^>]*>", Pattern.DOTALL);
    private static final Pattern TYPE = Pattern.compile("\\btype=(['\"])([a-z]+)\\1");

    private static final String FORM = "<x xmlns='jabber:x:data' type='submit'>" +
        "<field var='FORM_TYPE' type='hidden'><value>urn:xmpp:mam:2</value></field>" +
        "<field var='with'><value>bob@localhost</value></field>" +
        "<field var='start'><value>2010-06-07T00:00:00Z</value></field></x>";
    private static final String[] TEMPLATES = {
        "<iq type='get'><query xmlns='jabber:iq:roster' ver='v1'/></iq>",
        "<iq type='set'><query xmlns='jabber:iq:roster'><item jid='bob@localhost' name='Bob'><group>Friends</group>" +
            "</item></query></iq>",
        "<iq type='set'><query xmlns='jabber:iq:roster'><item jid='carol@localhost' subscription='remove'/></query>" +
            "</iq>",
        "<iq type='get' to='localhost'><query xmlns='http://jabber.org/protocol/disco#info' node='n'/></iq>",
        "<iq type='get' to='localhost'><query xmlns='http://jabber.org/protocol/disco#items'/></iq>",
        "<iq type='get' to='alice@localhost'><query xmlns='http://jabber.org/protocol/disco#info'/></iq>",
        "<iq type='get'><vCard xmlns='vcard-temp'/></iq>",
        "<iq type='set'><vCard xmlns='vcard-temp'><FN>Alice</FN><PHOTO><TYPE>image/png</TYPE>" +
            "<BINVAL>iVBORw0KGgo=</BINVAL></PHOTO></vCard></iq>",
        "<iq type='get'><query xmlns='jabber:iq:private'><storage xmlns='storage:bookmarks'/></query></iq>",
        "<iq type='set'><query xmlns='jabber:iq:private'><storage xmlns='storage:bookmarks'>" +
            "<conference jid='room@conference.localhost' autojoin='true' name='R'><nick>A</nick></conference>" +
            "</storage></query></iq>",
        "<iq type='get'><blocklist xmlns='urn:xmpp:blocking'/></iq>",
        "<iq type='set'><block xmlns='urn:xmpp:blocking'><item jid='eve@localhost'/></block></iq>",
        "<iq type='set'><unblock xmlns='urn:xmpp:blocking'><item jid='eve@localhost'/></unblock></iq>",
        "<iq type='set'><query xmlns='urn:xmpp:mam:2' queryid='q1'>" + FORM +
            "<set xmlns='http://jabber.org/protocol/rsm'><max>10</max><before/></set></query></iq>",
        "<iq type='set'><query xmlns='urn:xmpp:mam:2'><set xmlns='http://jabber.org/protocol/rsm'><max>5</max>" +
            "<after>xyz</after><index>3</index></set></query></iq>",
        "<iq type='get'><query xmlns='urn:xmpp:mam:2'/></iq>",
        "<iq type='get'><prefs xmlns='urn:xmpp:mam:2'/></iq>",
        "<iq type='set'><prefs xmlns='urn:xmpp:mam:2' default='roster'><always><jid>bob@localhost</jid></always>" +
            "<never/></prefs></iq>",
        "<iq type='get'><list xmlns='urn:xmpp:archive' with='bob@localhost'>" +
            "<set xmlns='http://jabber.org/protocol/rsm'><max>5</max></set></list></iq>",
        "<iq type='set'><pubsub xmlns='http://jabber.org/protocol/pubsub'><publish node='urn:xmpp:avatar:metadata'>" +
            "<item id='abc'><metadata xmlns='urn:xmpp:avatar:metadata'><info id='abc' type='image/png' bytes='10' " +
            "width='1' height='1'/></metadata></item></publish><publish-options>" +
            "<x xmlns='jabber:x:data' type='submit'><field var='FORM_TYPE' type='hidden'>" +
            "<value>http://jabber.org/protocol/pubsub#publish-options</value></field>" +
            "<field var='pubsub#access_model'><value>open</value></field></x></publish-options></pubsub></iq>",
        "<iq type='get' to='alice@localhost'><pubsub xmlns='http://jabber.org/protocol/pubsub'>" +
            "<items node='urn:xmpp:avatar:metadata' max_items='1'/></pubsub></iq>",
        "<iq type='set' to='alice@localhost'><pubsub xmlns='http://jabber.org/protocol/pubsub'>" +
            "<retract node='urn:xmpp:avatar:metadata' notify='true'><item id='abc'/></retract></pubsub></iq>",
        "<iq type='set' to='pubsub.localhost'><pubsub xmlns='http://jabber.org/protocol/pubsub'><create node='n1'/>" +
            "<configure><x xmlns='jabber:x:data' type='submit'><field var='pubsub#max_items'><value>5</value>" +
            "</field></x></configure></pubsub></iq>",
        "<iq type='set' to='pubsub.localhost'><pubsub xmlns='http://jabber.org/protocol/pubsub'>" +
            "<publish node='n1'><item id='i1'><entry xmlns='http://www.w3.org/2005/Atom'><title>t</title></entry>" +
            "</item></publish></pubsub></iq>",
        "<iq type='set' to='pubsub.localhost'><pubsub xmlns='http://jabber.org/protocol/pubsub'>" +
            "<subscribe node='n1' jid='alice@localhost'/><options><x xmlns='jabber:x:data' type='submit'/></options>" +
            "</pubsub></iq>",
        "<iq type='get' to='pubsub.localhost'><pubsub xmlns='http://jabber.org/protocol/pubsub#owner'>" +
            "<configure node='n1'/></pubsub></iq>",
        "<iq type='set' to='pubsub.localhost'><pubsub xmlns='http://jabber.org/protocol/pubsub#owner'>" +
            "<affiliations node='n1'><affiliation jid='bob@localhost' affiliation='publisher'/></affiliations>" +
            "</pubsub></iq>",
        "<iq type='set' to='pubsub.localhost'><pubsub xmlns='http://jabber.org/protocol/pubsub#owner'>" +
            "<delete node='n1'><redirect uri='xmpp:pubsub.localhost?;node=n2'/></delete></pubsub></iq>",
        "<presence to='room@conference.localhost/Alice'><x xmlns='http://jabber.org/protocol/muc'>" +
            "<history maxstanzas='5' seconds='60' since='2010-06-07T00:00:00Z'/><password>x</password></x></presence>",
        "<iq type='get' to='room@conference.localhost'><query xmlns='http://jabber.org/protocol/muc#owner'/></iq>",
        "<iq type='set' to='room@conference.localhost'><query xmlns='http://jabber.org/protocol/muc#owner'>" +
            "<x xmlns='jabber:x:data' type='submit'><field var='FORM_TYPE'>" +
            "<value>http://jabber.org/protocol/muc#roomconfig</value></field>" +
            "<field var='muc#roomconfig_persistentroom'><value>1</value></field>" +
            "<field var='muc#roomconfig_maxusers'><value>10</value></field></x></query></iq>",
        "<iq type='set' to='room@conference.localhost'><query xmlns='http://jabber.org/protocol/muc#admin'>" +
            "<item nick='Bob' role='none'><reason>x</reason></item></query></iq>",
        "<iq type='get' to='room@conference.localhost'><query xmlns='http://jabber.org/protocol/muc#admin'>" +
            "<item affiliation='member'/></query></iq>",
        "<iq type='get' to='conference.localhost'><query xmlns='http://jabber.org/protocol/disco#items'/></iq>",
        "<iq type='get' to='conference.localhost'><unique xmlns='http://jabber.org/protocol/muc#unique'/></iq>",
        "<message to='room@conference.localhost' type='groupchat'><body>hi</body><subject>s</subject></message>",
        "<message to='room@conference.localhost'><x xmlns='http://jabber.org/protocol/muc#user'>" +
            "<invite to='bob@localhost'><reason>r</reason></invite></x></message>",
        "<message to='bob@localhost' type='chat'><body>hi</body><request xmlns='urn:xmpp:receipts'/>" +
            "<active xmlns='http://jabber.org/protocol/chatstates'/><amp xmlns='http://jabber.org/protocol/amp'>" +
            "<rule condition='deliver' action='error' value='stored'/></amp></message>",
        "<message to='bob@localhost' type='chat'><body>x</body><stanza-id xmlns='urn:xmpp:sid:0' id='1' " +
            "by='bob@localhost'/><origin-id xmlns='urn:xmpp:sid:0' id='o'/>" +
            "<delay xmlns='urn:xmpp:delay' stamp='2002-09-10T23:08:25Z'/></message>",
        "<message to='nobody@localhost'><body>x</body><amp xmlns='http://jabber.org/protocol/amp' per-hop='true'>" +
            "<rule condition='expire-at' action='drop' value='2004-09-10T08:33:14Z'/></amp></message>",
        "<presence to='bob@localhost' type='subscribe'/>",
        "<presence><show>away</show><status>x</status><priority>5</priority>" +
            "<c xmlns='http://jabber.org/protocol/caps' hash='sha-1' node='n' ver='v'/></presence>",
        "<iq type='get' to='bob@localhost'><query xmlns='jabber:iq:last'/></iq>",
        "<iq type='get' to='localhost'><ping xmlns='urn:xmpp:ping'/></iq>",
        "<iq type='get' to='localhost'><time xmlns='urn:xmpp:time'/></iq>",
        "<iq type='get' to='localhost'><query xmlns='jabber:iq:version'/></iq>",
        "<iq type='set'><enable xmlns='urn:xmpp:carbons:2'/></iq>",
        "<iq type='set'><enable xmlns='urn:xmpp:push:0' jid='push.example' node='n'>" +
            "<x xmlns='jabber:x:data' type='submit'><field var='FORM_TYPE'>" +
            "<value>http://jabber.org/protocol/pubsub#publish-options</value></field></x></enable></iq>",
        "<iq type='set'><disable xmlns='urn:xmpp:push:0' jid='push.example'/></iq>",
        "<iq type='get'><query xmlns='jabber:iq:register'/></iq>",
        "<iq type='get' to='upload.localhost'><request xmlns='urn:xmpp:http:upload:0' filename='a.png' size='100' " +
            "content-type='image/png'/></iq>",
        "<iq type='get' to='proxy.localhost'><query xmlns='http://jabber.org/protocol/bytestreams'/></iq>",
        "<iq type='get' to='localhost'><services xmlns='urn:xmpp:extdisco:2' type='stun'/></iq>",
        "<iq type='set'><session xmlns='urn:ietf:params:xml:ns:xmpp-session'/></iq>",
    };
    /** Addresses the server answers for itself: never another client's connected resource. */
    private static final String[] ADDRESSES = {"localhost", "alice@localhost", "bob@localhost", "nobody@localhost",
        "conference.localhost", "room@conference.localhost", "other@conference.localhost", "pubsub.localhost",
        "proxy.localhost", "upload.localhost", "remote.example", "bob@localhost/missing", "", "a@b@c", "@localhost",
        "localhost/", "ALICE@LOCALHOST", "room@conference.localhost/", "x".repeat(1100) + "@localhost"};
    private static final String[] VALUES = {"", " ", "-1", "0", "2147483648", "99999999999999999999", "1e9",
        "true", "maybe", "a@b@c", "bob@localhost", "room@conference.localhost/Nick", "localhost", "\u00e9\u0301",
        "2010-06-07T00:00:00Z", "not-a-date", "9999-12-31T23:59:59Z", "0000-00-00T00:00:00Z", "&amp;&lt;&gt;",
        "x".repeat(1000), "urn:xmpp:mam:2", "http://jabber.org/protocol/pubsub#owner", "jabber:x:data",
        "iVBORw0KGgo=", "====", "before", "after", "none", "owner", "outcast", "moderator", "remove", "submit",
        "cancel", "form", "result", "get", "set", "error", "chat", "groupchat", "headline", "normal", "unavailable",
        "subscribed", "unsubscribe", "probe"};
    private static final String[] NAMESPACES = {"jabber:x:data", "http://jabber.org/protocol/rsm",
        "urn:xmpp:mam:2", "http://jabber.org/protocol/pubsub", "http://jabber.org/protocol/pubsub#owner",
        "http://jabber.org/protocol/muc#user", "urn:xmpp:forward:0", "jabber:client", "urn:nothing", ""};
    private static final String[] NAMES = {"x", "field", "value", "item", "set", "max", "before", "after", "with",
        "start", "end", "query", "publish", "items", "retract", "configure", "options", "invite", "decline",
        "destroy", "history", "password", "jid", "always", "never", "group", "body", "forwarded", "delay",
        "subscribe", "affiliation", "unknown"};

    @Test
    @DisplayName("RFC 6120 §8.2.3, §8.3: hostile payloads to every service get an answer, never a failed router")
    void shouldAnswerEveryMutatedRequestWithoutFailing() throws Exception
    {
        final long seed = Long.getLong("hostile.seed", System.nanoTime());
        final List<LogRecord> severe = new CopyOnWriteArrayList<>();
        final Handler capture = new Handler()
        {
            @Override
            public void publish(final LogRecord record)
            {
                if (record.getLevel().intValue() >= Level.SEVERE.intValue())
                {
                    severe.add(record);
                }
            }

            @Override
            public void flush()
            {
            }

            @Override
            public void close()
            {
            }
        };
        final Logger root = Logger.getLogger("");
        root.addHandler(capture);
        try (TestServer server = TestServer.start())
        {
            server.addUser("alice", "alice-secret").addUser("bob", "bob-secret")
                .addUser("carol", "carol-secret").addUser("dave", "dave-secret");
            final List<Node> templates = new ArrayList<>();
            for (final String template : TEMPLATES)
            {
                templates.add(Node.parse(template));
            }
            final SplittableRandom random = new SplittableRandom(seed);
            int sent = 0;
            final AtomicBoolean running = new AtomicBoolean(true);
            try (RawClient alice = RawClient.directTls(server); RawClient bob = RawClient.directTls(server))
            {
                assertThat(alice.login("", "alice", "alice-secret")).as("seed %d", seed).isNotNull();
                // A room alice owns with bob in it, and bob a contact: what the requests act on is there to act on.
                alice.send("<presence/><presence to='room@conference.localhost/Alice'>" +
                    "<x xmlns='http://jabber.org/protocol/muc'/></presence>");
                assertThat(alice.readUntil("status code='201'", ANSWER_WAIT_MILLIS)).contains("code='201'");
                alice.send("<iq type='set' to='room@conference.localhost' id='unlock'>" +
                    "<query xmlns='http://jabber.org/protocol/muc#owner'><x xmlns='jabber:x:data' type='submit'/>" +
                    "</query></iq>");
                assertThat(alice.readPast("id='unlock'", ANSWER_WAIT_MILLIS)).isTrue();
                assertThat(bob.login("", "bob", "bob-secret")).as("seed %d", seed).isNotNull();
                bob.send("<presence/><presence to='room@conference.localhost/Bob'>" +
                    "<x xmlns='http://jabber.org/protocol/muc'/></presence>");
                final Thread reader = new Thread(() -> readWhile(bob, running), "bob-reader");
                reader.start();
                for (int b = 0; b < BATCHES; b++)
                {
                    final Map<String, String> awaited = new LinkedHashMap<>();
                    final StringBuilder batch = new StringBuilder();
                    for (int s = 0; s < BATCH; s++)
                    {
                        final Node stanza = mutate(templates.get(random.nextInt(templates.size())).copy(), random);
                        final String id = "h" + sent++;
                        stanza.attributes.put("id", id);
                        final String xml = stanza.toXml();
                        batch.append(xml);
                        final String type = stanza.attributes.getOrDefault("type", "");
                        if (stanza.name.equals("iq") && (type.equals("get") || type.equals("set")))
                        {
                            awaited.put(id, xml);
                        }
                    }
                    alice.send(batch.toString());
                    assertAnswered(alice, awaited, seed);
                    assertThat(severe).as("seed %d: router or service failures", seed).isEmpty();
                }
                alice.send("<iq type='get' id='last' to='localhost'><ping xmlns='urn:xmpp:ping'/></iq>");
                assertThat(alice.readUntil("id='last'", ANSWER_WAIT_MILLIS)).as("seed %d", seed)
                    .doesNotContain("</stream:stream>").contains("id='last'");
                running.set(false);
                reader.join(ANSWER_WAIT_MILLIS);
            }
            finally
            {
                running.set(false);
            }
            assertChatStillWorks(server);
        }
        finally
        {
            root.removeHandler(capture);
        }
        assertThat(severe).as("seed %d: router or service failures", seed).isEmpty();
    }

    private static void assertAnswered(final RawClient alice, final Map<String, String> awaited, final long seed)
        throws Exception
    {
        final long deadline = System.currentTimeMillis() + ANSWER_WAIT_MILLIS;
        final Map<String, Integer> answers = new LinkedHashMap<>();
        final StringBuilder received = new StringBuilder();
        while (System.currentTimeMillis() < deadline && !answers.keySet().containsAll(awaited.keySet()))
        {
            final String chunk = alice.readAndForget(200);
            received.append(chunk);
            final Matcher iq = IQ_ANSWER.matcher(received);
            int consumed = 0;
            while (iq.find())
            {
                final Matcher type = TYPE.matcher(iq.group());
                final String kind = type.find() ? type.group(2) : "";
                assertThat(kind).as("seed %d: answer type in %s", seed, iq.group()).isIn("result", "error");
                answers.merge(iq.group(2), 1, Integer::sum);
                consumed = iq.end();
            }
            received.delete(0, consumed);
            assertThat(received.toString()).as("seed %d: the stream stays open", seed)
                .doesNotContain("</stream:stream>");
        }
        final TreeSet<String> missing = new TreeSet<>(awaited.keySet());
        missing.removeAll(answers.keySet());
        assertThat(missing).as("seed %d: IQs never answered: %s", seed,
            missing.stream().map(awaited::get).toList()).isEmpty();
        answers.forEach((id, count) -> assertThat(count).as("seed %d: %s answered %d times", seed, id, count)
            .isEqualTo(1));
    }

    /**
     * Bob reads what he is sent, as a client does, so that nothing waits on a full socket.
     */
    private static void readWhile(final RawClient client, final AtomicBoolean running)
    {
        try
        {
            while (running.get())
            {
                client.readAndForget(100);
            }
        }
        catch (final java.io.IOException ex)
        {
            // The connection ended; the test's own checks say whether it should have.
        }
    }

    /**
     * Two users the requests never touched chat as before, on fresh logins. (Alice's own state is whatever her
     * requests made it: she may have blocked bob.)
     */
    private static void assertChatStillWorks(final TestServer server) throws Exception
    {
        try (RawClient dave = RawClient.directTls(server); RawClient carol = RawClient.directTls(server))
        {
            assertThat(dave.login("", "dave", "dave-secret")).isNotNull();
            dave.send("<presence/>");
            assertThat(carol.login("", "carol", "carol-secret")).isNotNull();
            carol.send("<message to='dave@localhost' type='chat' id='after'><body>still here</body></message>");
            assertThat(dave.readUntil("still here", ANSWER_WAIT_MILLIS)).contains("still here");
        }
    }

    private static Node mutate(final Node stanza, final SplittableRandom random)
    {
        final int mutations = 1 + random.nextInt(4);
        for (int m = 0; m < mutations; m++)
        {
            final List<Node> all = new ArrayList<>();
            stanza.collect(all);
            final Node target = all.get(random.nextInt(all.size()));
            final boolean top = target == stanza;
            switch (random.nextInt(10))
            {
                case 0 -> removeAttribute(target, random, top);
                case 1 -> setAttribute(target, random, top);
                case 2 -> target.text = pick(VALUES, random);
                case 3 ->
                {
                    if (!target.children.isEmpty())
                    {
                        target.children.remove(random.nextInt(target.children.size()));
                    }
                }
                case 4 ->
                {
                    if (!target.children.isEmpty())
                    {
                        target.children.add(target.children.get(random.nextInt(target.children.size())).copy());
                    }
                }
                case 5 ->
                {
                    final Node added = new Node(pick(NAMES, random));
                    added.attributes.put("xmlns", pick(NAMESPACES, random));
                    added.text = random.nextBoolean() ? pick(VALUES, random) : null;
                    target.children.add(added);
                }
                case 6 ->
                {
                    if (!top)
                    {
                        target.attributes.put("xmlns", pick(NAMESPACES, random));
                    }
                }
                case 7 -> stanza.attributes.put("to", pick(ADDRESSES, random));
                case 8 -> stanza.attributes.put("type", pick(new String[]{"get", "set", "result", "error", "chat",
                    "groupchat", "headline", "normal", "unavailable", "subscribe", "probe", "bogus"}, random));
                default ->
                {
                    if (!target.children.isEmpty())
                    {
                        final Node child = target.children.remove(random.nextInt(target.children.size()));
                        target.children.add(random.nextInt(target.children.size() + 1), child);
                    }
                }
            }
        }
        return stanza;
    }

    private static void removeAttribute(final Node target, final SplittableRandom random, final boolean top)
    {
        final List<String> names = new ArrayList<>(target.attributes.keySet());
        // The stanza's own namespace stays: another one ends the stream (RFC 6120 §4.9.3.23), as it should.
        names.remove(top ? "xmlns" : "");
        if (!names.isEmpty())
        {
            target.attributes.remove(names.get(random.nextInt(names.size())));
        }
    }

    private static void setAttribute(final Node target, final SplittableRandom random, final boolean top)
    {
        final List<String> names = new ArrayList<>(target.attributes.keySet());
        names.remove("xmlns");
        names.add(pick(new String[]{"node", "jid", "id", "var", "type", "max_items", "nick", "role", "affiliation",
            "subscription", "queryid", "stamp", "value", "condition", "action", "seconds", "maxstanzas"}, random));
        final String name = names.get(random.nextInt(names.size()));
        if (!(top && name.equals("from")))
        {
            target.attributes.put(name, pick(VALUES, random));
        }
    }

    private static String pick(final String[] values, final SplittableRandom random)
    {
        return values[random.nextInt(values.length)];
    }

    /**
     * An element as the test builds it: names and {@code xmlns} kept as written, so that a mutation can move a
     * child into another namespace.
     */
    private static final class Node
    {
        final String name;
        final Map<String, String> attributes = new LinkedHashMap<>();
        final List<Node> children = new ArrayList<>();
        String text;

        Node(final String name)
        {
            this.name = name;
        }

        static Node parse(final String xml) throws XMLStreamException
        {
            final XMLInputFactory factory = XMLInputFactory.newFactory();
            factory.setProperty(XMLInputFactory.IS_NAMESPACE_AWARE, false);
            final XMLStreamReader reader = factory.createXMLStreamReader(new StringReader(xml));
            final List<Node> open = new ArrayList<>();
            Node root = null;
            while (reader.hasNext())
            {
                switch (reader.next())
                {
                    case XMLStreamConstants.START_ELEMENT ->
                    {
                        final Node node = new Node(reader.getLocalName());
                        for (int i = 0; i < reader.getAttributeCount(); i++)
                        {
                            node.attributes.put(reader.getAttributeLocalName(i), reader.getAttributeValue(i));
                        }
                        if (open.isEmpty())
                        {
                            root = node;
                        }
                        else
                        {
                            open.get(open.size() - 1).children.add(node);
                        }
                        open.add(node);
                    }
                    case XMLStreamConstants.CHARACTERS -> open.get(open.size() - 1).text = reader.getText();
                    case XMLStreamConstants.END_ELEMENT -> open.remove(open.size() - 1);
                    default ->
                    {
                    }
                }
            }
            return root;
        }

        Node copy()
        {
            final Node copy = new Node(name);
            copy.attributes.putAll(attributes);
            copy.text = text;
            children.forEach(child -> copy.children.add(child.copy()));
            return copy;
        }

        void collect(final List<Node> all)
        {
            all.add(this);
            children.forEach(child -> child.collect(all));
        }

        String toXml()
        {
            final StringBuilder builder = new StringBuilder();
            write(builder);
            return builder.toString();
        }

        private void write(final StringBuilder builder)
        {
            builder.append('<').append(name);
            attributes.forEach((key, value) -> builder.append(' ').append(key).append("='")
                .append(escape(value)).append('\''));
            builder.append('>');
            if (text != null)
            {
                builder.append(escape(text));
            }
            children.forEach(child -> child.write(builder));
            builder.append("</").append(name).append('>');
        }

        private static String escape(final String value)
        {
            return value.replace("&", "&amp;").replace("<", "&lt;").replace("'", "&apos;");
        }
    }
}
