package org.stanzaswitch.switching;

import org.agrona.ExpandableArrayBuffer;
import org.stanzaswitch.codec.Bytes;
import org.stanzaswitch.codec.ChildElements;
import org.stanzaswitch.codec.ElementFlyweight;
import org.stanzaswitch.codec.Jid;
import org.stanzaswitch.codec.StanzaErrorCondition;
import org.stanzaswitch.codec.StanzaErrorEncoder;
import org.stanzaswitch.codec.StartTagFlyweight;
import org.stanzaswitch.codec.XmlEncoder;
import org.stanzaswitch.codec.XmlReader;
import org.stanzaswitch.switching.roster.RosterItem;
import org.stanzaswitch.switching.roster.Rosters;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.BiConsumer;

/**
 * XEP-0163 Personal Eventing Protocol: every account is a publish-subscribe service (XEP-0060) at its bare
 * JID. The owner publishes, retracts, creates, configures and deletes nodes; contacts subscribe implicitly,
 * through their presence subscription and the {@code +notify} features of their XEP-0115 capabilities, and
 * get a notification per publish and the last item when a resource becomes available. Nodes are kept as
 * user data ({@link PepNode}), so they are journaled, snapshotted and deleted with the account. Owned by the
 * router thread; nothing here runs for a chat message.
 */
final class PepService
{
    static final String PUBSUB_NS = "http://jabber.org/protocol/pubsub";
    static final String OWNER_NS = PUBSUB_NS + "#owner";
    /** XEP-0163 §5.1 and XEP-0060 §10: what an account's disco#info lists for its PEP service. */
    static final String[] FEATURES = features("access-open", "access-presence", "access-roster", "access-whitelist",
        "auto-create", "auto-subscribe", "config-node", "create-and-configure", "create-nodes", "delete-nodes",
        "filtered-notifications", "item-ids", "last-published", "multi-items", "persistent-items", "publish",
        "publish-options", "purge-nodes", "retract-items", "retrieve-items");

    private static final List<String> ACCESS_MODELS = List.of("presence", "open", "roster", "whitelist");
    private static final List<String> SEND_LAST_VALUES = List.of("never", "on_sub", "on_sub_and_presence");
    private static final String PUBLISH_OPTIONS = PUBSUB_NS + "#publish-options";
    private static final String NODE_CONFIG = PUBSUB_NS + "#node_config";
    private static final String KEY_PREFIX = "pep ";
    private static final int MAX_NODES = 256;
    private static final int MAX_NAME_BYTES = 1024;
    /** All of an account's nodes together: room for avatars, OMEMO bundles and bookmarks, not for a file store. */
    private static final long MAX_ACCOUNT_BYTES = 1024 * 1024;
    private static final int PENDING_QUERIES = 4096;
    private static final String QUERY_ID_PREFIX = "pep-caps-";

    private static final byte[] IQ = Bytes.ascii("iq");
    private static final byte[] PUBSUB = Bytes.ascii("pubsub");
    private static final byte[] ITEMS = Bytes.ascii("items");
    private static final byte[] ITEM = Bytes.ascii("item");
    private static final byte[] PUBLISH = Bytes.ascii("publish");
    private static final byte[] CONFIGURE = Bytes.ascii("configure");
    private static final byte[] QUERY = Bytes.ascii("query");
    private static final byte[] X = Bytes.ascii("x");
    private static final byte[] XMLNS = Bytes.ascii("xmlns");
    private static final byte[] NODE = Bytes.ascii("node");
    private static final byte[] JID = Bytes.ascii("jid");
    private static final byte[] ID = Bytes.ascii("id");
    private static final byte[] VAR = Bytes.ascii("var");
    private static final byte[] IDENTITY = Bytes.ascii("identity");
    private static final byte[] FEATURE = Bytes.ascii("feature");
    private static final byte[] CATEGORY = Bytes.ascii("category");
    private static final byte[] FROM = Bytes.ascii("from");
    private static final byte[] TO = Bytes.ascii("to");
    private static final byte[] TYPE = Bytes.ascii("type");
    private static final byte[] RESULT = Bytes.ascii("result");
    private static final byte[] SET = Bytes.ascii("set");
    private static final byte[] GET = Bytes.ascii("get");
    private static final byte[] C = Bytes.ascii("c");
    private static final byte[] CAPS_NS = Bytes.ascii(EntityCaps.NS);
    private static final byte[] VER_ATTRIBUTE = Bytes.ascii("ver");

    /** A disco#info query sent to a resource whose capabilities were not known. */
    private record PendingQuery(Jid resource, String ver, String hash)
    {
    }

    private final Jid domain;
    private final StateWriter writer;
    private final UserData data;
    private final Rosters rosters;
    private final BlockLists blockLists;
    private final SessionRegistry sessions;
    private final EntityCaps caps = new EntityCaps(1024);
    private final Map<String, PendingQuery> pending = new LinkedHashMap<>(16, 0.75f, false)
    {
        @Override
        protected boolean removeEldestEntry(final Map.Entry<String, PendingQuery> eldest)
        {
            return size() > PENDING_QUERIES;
        }
    };
    private final XmlReader reader = new XmlReader();
    private final ChildElements children = new ChildElements();
    private final XmlReader nodeReader = new XmlReader();
    private final XmlEncoder xml = new XmlEncoder();
    private final XmlEncoder nodeXml = new XmlEncoder();
    private final StanzaErrorEncoder errors = new StanzaErrorEncoder();
    private final PubSubEvents events = new PubSubEvents("pep-");
    private final ExpandableArrayBuffer out = new ExpandableArrayBuffer(4096);
    private final ExpandableArrayBuffer stored = new ExpandableArrayBuffer(4096);
    private final ExpandableArrayBuffer command = new ExpandableArrayBuffer(4096);
    private long queries;
    private BiConsumer<Jid, String> nodeChanges = (owner, node) ->
    {
    };

    PepService(final Jid domain, final StateWriter writer, final BlockLists blockLists, final SessionRegistry sessions)
    {
        this.domain = domain;
        this.writer = writer;
        this.data = writer.state().userData();
        this.rosters = writer.state().rosters();
        this.blockLists = blockLists;
        this.sessions = sessions;
    }

    static String[] features(final String... names)
    {
        final String[] features = new String[names.length];
        for (int i = 0; i < names.length; i++)
        {
            features[i] = PUBSUB_NS + "#" + names[i];
        }
        return features;
    }

    /**
     * A pubsub request to an account's bare JID (or to none, the requester's own).
     *
     * @param requester the session that sent it.
     * @param owner     the account whose service it addresses.
     * @param iq        the request.
     * @return null if answered, else the error to return.
     */
    StanzaErrorCondition onIq(final Session requester, final Jid owner, final ElementFlyweight iq)
    {
        final boolean set = iq.attributeValueEquals(iq.typeIndex(), SET);
        final boolean ownerRequest = owner.equals(requester.jid().bare());
        reader.wrap(iq);
        reader.next();
        reader.next();
        final boolean ownerNamespace = OWNER_NS.equals(reader.namespace());
        if (!"pubsub".equals(reader.localName()) || !(ownerNamespace || PUBSUB_NS.equals(reader.namespace())))
        {
            return StanzaErrorCondition.BAD_REQUEST;
        }
        final PubSubRequest request = PubSubRequest.read(reader);
        if (request.action == null)
        {
            return StanzaErrorCondition.BAD_REQUEST;
        }
        if (request.node == null || request.node.isEmpty())
        {
            // XEP-0060 §7.1.3.3, §8.1.3: PEP has no instant nodes, every request names its node.
            return error(requester, owner, iq, StanzaErrorCondition.BAD_REQUEST, "nodeid-required");
        }
        if (tooLong(request.node) || tooLong(request.itemId()))
        {
            // Node names are journal keys (u16-counted) and both are repeated in every notification.
            return StanzaErrorCondition.NOT_ACCEPTABLE;
        }
        if (!ownerRequest && !(!set && !ownerNamespace && request.action.equals("items")))
        {
            // XEP-0163 §1.2 (one publisher per node): only the owner changes or configures its nodes.
            return StanzaErrorCondition.FORBIDDEN;
        }
        final String action = (ownerNamespace ? "owner " : "") + (set ? "set " : "get ") + request.action;
        return switch (action)
        {
            case "set publish" -> publish(requester, owner, iq, request);
            case "set retract" -> retract(requester, owner, iq, request);
            case "set create" -> create(requester, owner, iq, request);
            case "get items" -> items(requester, owner, iq, request);
            case "owner get configure" -> configuration(requester, owner, iq, request);
            case "owner set configure" -> configure(requester, owner, iq, request);
            case "owner set delete" -> delete(requester, owner, iq, request);
            case "owner set purge" -> purge(requester, owner, iq, request);
            // Subscriptions are implicit in PEP (XEP-0163 §4.1); explicit ones and the rest are not offered.
            default -> StanzaErrorCondition.FEATURE_NOT_IMPLEMENTED;
        };
    }

    /**
     * XEP-0060 §7.1, with XEP-0163 §3's auto-create and §7.1.5's publish options.
     */
    private StanzaErrorCondition publish(
        final Session requester, final Jid owner, final ElementFlyweight iq, final PubSubRequest request)
    {
        if (request.payloads != 1 || request.itemIds.size() != 1)
        {
            return error(requester, owner, iq, StanzaErrorCondition.BAD_REQUEST,
                request.payloads == 0 ? "payload-required" : "invalid-payload");
        }
        if (!request.payloadSelfContained)
        {
            // The payload is kept as bytes and sent in other stanzas: it must say its own namespace.
            return error(requester, owner, iq, StanzaErrorCondition.BAD_REQUEST, "invalid-payload");
        }
        PepNode node = load(owner, request.node);
        if (request.form != null && !PUBLISH_OPTIONS.equals(request.form.type()))
        {
            return StanzaErrorCondition.BAD_REQUEST;
        }
        if (node == null)
        {
            if (nodeCount(owner) >= MAX_NODES)
            {
                return StanzaErrorCondition.RESOURCE_CONSTRAINT;
            }
            node = new PepNode();
            if (request.form != null && node.configure(request.form.fields()) != null)
            {
                return error(requester, owner, iq, StanzaErrorCondition.CONFLICT, "precondition-not-met");
            }
        }
        else if (request.form != null)
        {
            final PepNode wanted = node.copyConfiguration();
            if (wanted.configure(request.form.fields()) != null || !wanted.sameConfiguration(node))
            {
                return error(requester, owner, iq, StanzaErrorCondition.CONFLICT, "precondition-not-met");
            }
        }
        final String id = request.itemId() == null || request.itemId().isEmpty() ?
            UUID.randomUUID().toString() : request.itemId();
        final byte[] payload = new byte[request.payloadLength];
        iq.buffer().getBytes(request.payloadOffset, payload);
        node.publish(id, payload);
        if (storedBytes(owner, request.node) + node.items.payloadBytes() > MAX_ACCOUNT_BYTES)
        {
            // XEP-0060 §7.1.3.4: what an account keeps is bounded, whatever the stanza size limit allows.
            return error(requester, owner, iq, StanzaErrorCondition.NOT_ACCEPTABLE, "payload-too-big");
        }
        store(owner, request.node, node);
        reply(requester, owner, iq).start(PUBSUB).attribute(XMLNS, PUBSUB_NS)
            .start(PUBLISH).attribute(NODE, request.node).start(ITEM).attribute(ID, id).end().end().end();
        requester.deliver(out, 0, xml.end().length());
        notifySubscribers(owner, request.node, node, PubSubEvents.Kind.ITEM, node.items.last());
        return null;
    }

    /**
     * XEP-0060 §7.2: delete an item, and tell the subscribers when asked to.
     */
    private StanzaErrorCondition retract(
        final Session requester, final Jid owner, final ElementFlyweight iq, final PubSubRequest request)
    {
        if (request.itemId() == null)
        {
            return error(requester, owner, iq, StanzaErrorCondition.BAD_REQUEST, "item-required");
        }
        final PepNode node = load(owner, request.node);
        if (node == null || !node.items.retract(request.itemId()))
        {
            return StanzaErrorCondition.ITEM_NOT_FOUND;
        }
        store(owner, request.node, node);
        requester.deliver(out, 0, reply(requester, owner, iq).end().length());
        if (request.notify)
        {
            notifySubscribers(owner, request.node, node, PubSubEvents.Kind.RETRACT,
                new NodeItems.Item(request.itemId(), null));
        }
        return null;
    }

    /**
     * XEP-0060 §8.1.2 and §8.1.3: create a node, configured by the form if one came along.
     */
    private StanzaErrorCondition create(
        final Session requester, final Jid owner, final ElementFlyweight iq, final PubSubRequest request)
    {
        if (load(owner, request.node) != null)
        {
            return StanzaErrorCondition.CONFLICT;
        }
        if (nodeCount(owner) >= MAX_NODES)
        {
            return StanzaErrorCondition.RESOURCE_CONSTRAINT;
        }
        final PepNode node = new PepNode();
        if (request.form != null && node.configure(request.form.fields()) != null)
        {
            return StanzaErrorCondition.NOT_ACCEPTABLE;
        }
        store(owner, request.node, node);
        requester.deliver(out, 0, reply(requester, owner, iq).end().length());
        return null;
    }

    /**
     * XEP-0060 §6.5: all items, the newest {@code max_items}, or those asked for by id; if the access model
     * lets the requester see them (§6.5.9 for the errors).
     */
    private StanzaErrorCondition items(
        final Session requester, final Jid owner, final ElementFlyweight iq, final PubSubRequest request)
    {
        final PepNode node = load(owner, request.node);
        if (node == null)
        {
            return StanzaErrorCondition.ITEM_NOT_FOUND;
        }
        final Jid user = requester.jid().bare();
        if (!owner.equals(user) && !mayAccess(owner, user, node))
        {
            return switch (node.access)
            {
                case PRESENCE -> error(requester, owner, iq, StanzaErrorCondition.NOT_AUTHORIZED,
                    "presence-subscription-required");
                case ROSTER -> error(requester, owner, iq, StanzaErrorCondition.NOT_AUTHORIZED, "not-in-roster-group");
                default -> error(requester, owner, iq, StanzaErrorCondition.NOT_ALLOWED, "closed-node");
            };
        }
        final int first = node.items.firstOfNewest(request.maxItems);
        if (first < 0)
        {
            return StanzaErrorCondition.BAD_REQUEST;
        }
        reply(requester, owner, iq).start(PUBSUB).attribute(XMLNS, PUBSUB_NS).start(ITEMS)
            .attribute(NODE, request.node);
        node.items.encode(xml, first, request.itemIds);
        requester.deliver(out, 0, xml.end().end().end().length());
        return null;
    }

    /**
     * XEP-0060 §8.2.1-§8.2.3: the node's configuration form, the fields this service offers.
     */
    private StanzaErrorCondition configuration(
        final Session requester, final Jid owner, final ElementFlyweight iq, final PubSubRequest request)
    {
        final PepNode node = load(owner, request.node);
        if (node == null)
        {
            return StanzaErrorCondition.ITEM_NOT_FOUND;
        }
        reply(requester, owner, iq).start(PUBSUB).attribute(XMLNS, OWNER_NS).start(CONFIGURE)
            .attribute(NODE, request.node).start(X).attribute(XMLNS, DataForm.NS).attribute(TYPE, "form");
        DataForm.writeField(xml, PepNode.FORM_TYPE, "hidden", NODE_CONFIG);
        DataForm.writeField(xml, PepNode.ACCESS_MODEL, "list-single", List.of(node.access.value()),
            ACCESS_MODELS);
        DataForm.writeField(xml, PepNode.MAX_ITEMS_FIELD, "text-single", Integer.toString(node.maxItems));
        DataForm.writeField(xml, PepNode.SEND_LAST, "list-single",
            List.of(node.sendLastOnPresence ? "on_sub_and_presence" : "never"), SEND_LAST_VALUES);
        DataForm.writeField(xml, PepNode.ROSTER_GROUPS, "list-multi", node.rosterGroups, List.of());
        requester.deliver(out, 0, xml.end().end().end().end().length());
        return null;
    }

    /**
     * XEP-0060 §8.2.4 and §8.2.5.
     */
    private StanzaErrorCondition configure(
        final Session requester, final Jid owner, final ElementFlyweight iq, final PubSubRequest request)
    {
        final PepNode node = load(owner, request.node);
        if (node == null)
        {
            return StanzaErrorCondition.ITEM_NOT_FOUND;
        }
        if (request.form == null || !NODE_CONFIG.equals(request.form.type()) ||
            node.configure(request.form.fields()) != null)
        {
            return StanzaErrorCondition.NOT_ACCEPTABLE;
        }
        store(owner, request.node, node);
        requester.deliver(out, 0, reply(requester, owner, iq).end().length());
        return null;
    }

    /**
     * XEP-0060 §8.5: every item goes, and the subscribers hear of it (OMEMO clients purge before they delete).
     */
    private StanzaErrorCondition purge(
        final Session requester, final Jid owner, final ElementFlyweight iq, final PubSubRequest request)
    {
        final PepNode node = load(owner, request.node);
        if (node == null)
        {
            return StanzaErrorCondition.ITEM_NOT_FOUND;
        }
        node.items.clear();
        store(owner, request.node, node);
        requester.deliver(out, 0, reply(requester, owner, iq).end().length());
        notifySubscribers(owner, request.node, node, PubSubEvents.Kind.PURGE, null);
        return null;
    }

    /**
     * XEP-0060 §8.4: delete the node and tell its subscribers.
     */
    private StanzaErrorCondition delete(
        final Session requester, final Jid owner, final ElementFlyweight iq, final PubSubRequest request)
    {
        final PepNode node = load(owner, request.node);
        if (node == null)
        {
            return StanzaErrorCondition.ITEM_NOT_FOUND;
        }
        final int length = UserDataCommand.encode(
            command, owner.local(), KEY_PREFIX + request.node, stored, 0, 0);
        writer.write(command, length);
        nodeChanges.accept(owner, request.node);
        requester.deliver(out, 0, reply(requester, owner, iq).end().length());
        notifySubscribers(owner, request.node, node, PubSubEvents.Kind.DELETE, null);
        return null;
    }

    /**
     * @return the node a disco query names, or null for a query of the account itself.
     */
    String queryNode(final ElementFlyweight iq)
    {
        reader.wrap(iq);
        reader.next();
        return reader.next() == XmlReader.Event.START_ELEMENT ? reader.attributeValue("node") : null;
    }

    /**
     * XEP-0060 §5.3: what a node is, to whoever may read it; item-not-found for others, as for no node.
     *
     * @return null if answered, else the error to return.
     */
    StanzaErrorCondition onDiscoInfo(final Session requester, final Jid owner, final ElementFlyweight iq,
        final String nodeName)
    {
        final PepNode node = load(owner, nodeName);
        final Jid user = requester.jid().bare();
        if (node == null || !owner.equals(user) && !mayAccess(owner, user, node))
        {
            return StanzaErrorCondition.ITEM_NOT_FOUND;
        }
        reply(requester, owner, iq).start(QUERY).attribute(XMLNS, ServerServices.DISCO_INFO).attribute(NODE, nodeName)
            .start(IDENTITY).attribute(CATEGORY, "pubsub").attribute(TYPE, "leaf").end()
            .start(FEATURE).attribute(VAR, PUBSUB_NS).end();
        requester.deliver(out, 0, xml.end().end().length());
        return null;
    }

    /**
     * XEP-0163 §5.2 and XEP-0030 §4: the nodes of an account, only those the requester may see.
     *
     * @return null if answered, else the error to return.
     */
    StanzaErrorCondition onDiscoItems(final Session requester, final Jid owner, final ElementFlyweight iq)
    {
        final Jid user = requester.jid().bare();
        reply(requester, owner, iq).start(QUERY).attribute(XMLNS, ServerServices.DISCO_ITEMS);
        for (final String key : data.keys(owner.local()))
        {
            if (!key.startsWith(KEY_PREFIX))
            {
                continue;
            }
            final String name = key.substring(KEY_PREFIX.length());
            final PepNode node = load(owner, name);
            if (owner.equals(user) || mayAccess(owner, user, node))
            {
                xml.start(ITEM).attribute(JID, owner.toString()).attribute(NODE, name).end();
            }
        }
        requester.deliver(out, 0, xml.end().end().length());
        return null;
    }

    /**
     * An available presence from a local resource: learn what it wants notifications for from its XEP-0115
     * capabilities (asking it when they are new), and send it the last items of those nodes when it has just
     * come online (XEP-0163 §4.3.4) or newly shows interest.
     *
     * @param session  the resource.
     * @param presence the presence, without a type.
     * @param initial  true if the resource was unavailable before it.
     */
    void onAvailable(final SessionState session, final ElementFlyweight presence, final boolean initial)
    {
        if (initial)
        {
            session.pepInterests = SessionState.NO_INTERESTS;
        }
        else if (sameCaps(session, presence))
        {
            // Status and show changes keep their capabilities: read in place, nothing allocated on the way.
            return;
        }
        final EntityCaps.Advertised advertised = caps.advertised(presence);
        if (advertised == null)
        {
            session.capsVer = null;
            session.pepInterests = SessionState.NO_INTERESTS;
            return;
        }
        if (!initial && advertised.ver().equals(session.capsVer))
        {
            return;
        }
        session.capsVer = advertised.ver();
        final String[] known = "sha-1".equals(advertised.hash()) ? caps.interests(advertised.ver()) : null;
        if (known != null)
        {
            showInterest(session, known);
            return;
        }
        final String id = QUERY_ID_PREFIX + ++queries;
        final Jid resource = session.session.jid();
        pending.put(id, new PendingQuery(resource, advertised.ver(), advertised.hash()));
        xml.wrap(out, 0).start(IQ).attribute(TYPE, GET).attribute(ID, id).attribute(FROM, domain.toString())
            .attribute(TO, resource.toString()).start(QUERY).attribute(XMLNS, ServerServices.DISCO_INFO)
            .attribute(NODE, (advertised.node() == null ? "" : advertised.node()) + "#" + advertised.ver());
        session.session.deliver(out, 0, xml.end().end().length());
    }

    private boolean sameCaps(final SessionState session, final ElementFlyweight presence)
    {
        final String known = session.capsVer;
        if (presence.isEmptyElement())
        {
            return known == null;
        }
        children.wrap(presence);
        while (children.next())
        {
            if (children.is(C, CAPS_NS))
            {
                final StartTagFlyweight tag = children.tag();
                final int ver = tag.attributeIndex(VER_ATTRIBUTE);
                return known != null && ver != StartTagFlyweight.MISSING && !tag.attributeValueNeedsDecoding(ver) &&
                    Bytes.asciiEquals(
                        tag.buffer(), tag.attributeValueOffset(ver), tag.attributeValueLength(ver), known);
            }
        }
        return known == null;
    }

    /**
     * A response to the server: if it answers one of this service's disco#info queries, take the resource's
     * interests from it, and remember them for its verification string if the answer hashes to it.
     *
     * @return true if it was such an answer.
     */
    boolean onResponse(final Session sender, final ElementFlyweight iq)
    {
        reader.wrap(iq);
        reader.next();
        final String id = reader.attributeValue("id");
        final PendingQuery query = id != null && id.startsWith(QUERY_ID_PREFIX) ? pending.get(id) : null;
        if (query == null || !query.resource.equals(sender.jid()))
        {
            return false;
        }
        pending.remove(id);
        final EntityCaps.Answer answer = iq.attributeValueEquals(iq.typeIndex(), RESULT) ? caps.answer(iq) : null;
        if (answer == null)
        {
            return true;
        }
        final String[] interests = EntityCaps.interestsOf(answer.features());
        if ("sha-1".equals(query.hash) && answer.sha1().equals(query.ver))
        {
            caps.remember(query.ver, interests);
        }
        final SessionState session = sessions.full(query.resource);
        if (session != null && session.available && query.ver.equals(session.capsVer))
        {
            showInterest(session, interests);
        }
        return true;
    }

    /**
     * XEP-0163 §4.3.4: a new subscriber gets the last item of each of the owner's nodes its available resources
     * asked for.
     */
    void onNewSubscriber(final Jid owner, final Jid subscriber)
    {
        final List<SessionState> resources = sessions.bare(subscriber);
        for (int i = 0; i < resources.size(); i++)
        {
            final SessionState resource = resources.get(i);
            if (resource.available)
            {
                for (final String nodeName : resource.pepInterests)
                {
                    sendLast(resource, owner, subscriber, nodeName);
                }
            }
        }
    }

    private void showInterest(final SessionState session, final String[] interests)
    {
        final String[] before = session.pepInterests;
        session.pepInterests = interests;
        final Jid user = session.session.jid().bare();
        for (final String nodeName : interests)
        {
            if (contains(before, nodeName))
            {
                continue;
            }
            sendLast(session, user, user, nodeName);
            for (final RosterItem item : rosters.items(user.local()))
            {
                if (item.subscription().hasTo() && isLocal(item.contact()))
                {
                    sendLast(session, item.contact(), user, nodeName);
                }
            }
        }
    }

    private void sendLast(final SessionState session, final Jid owner, final Jid user, final String nodeName)
    {
        final PepNode node = load(owner, nodeName);
        if (node != null && node.sendLastOnPresence && node.items.last() != null &&
            (owner.equals(user) || mayNotify(owner, user, node)))
        {
            final int length = events.write(owner.toString(), session.session.jid(), nodeName,
                PubSubEvents.Kind.ITEM, node.items.last());
            session.session.deliver(events.buffer(), 0, length);
        }
    }

    /**
     * XEP-0163 §4.3: to the owner's and each subscribed contact's available resources that asked for the node.
     *
     * @param item the item published or retracted, or null for a deleted node.
     */
    private void notifySubscribers(final Jid owner, final String nodeName, final PepNode node,
        final PubSubEvents.Kind kind, final NodeItems.Item item)
    {
        deliverToInterested(owner, owner, nodeName, kind, item);
        if (node.access == PepNode.Access.WHITELIST)
        {
            return;
        }
        for (final RosterItem contact : rosters.items(owner.local()))
        {
            if (isLocal(contact.contact()) && mayNotify(owner, contact.contact(), node))
            {
                deliverToInterested(owner, contact.contact(), nodeName, kind, item);
            }
        }
    }

    private void deliverToInterested(final Jid owner, final Jid subscriber, final String nodeName,
        final PubSubEvents.Kind kind, final NodeItems.Item item)
    {
        final List<SessionState> resources = sessions.bare(subscriber);
        for (int i = 0; i < resources.size(); i++)
        {
            final SessionState resource = resources.get(i);
            if (resource.available && contains(resource.pepInterests, nodeName))
            {
                final int length = events.write(owner.toString(), resource.session.jid(), nodeName, kind, item);
                resource.session.deliver(events.buffer(), 0, length);
            }
        }
    }

    /**
     * XEP-0060 §4.5 for retrieval: who besides the owner may see a node's items.
     */
    private boolean mayAccess(final Jid owner, final Jid user, final PepNode node)
    {
        if (node.access == PepNode.Access.OPEN)
        {
            return !blocked(owner, user);
        }
        return mayNotify(owner, user, node);
    }

    /**
     * XEP-0163 §4.1: who besides the owner is subscribed implicitly; an open node notifies presence
     * subscribers only, others subscribe to it explicitly (not offered here).
     */
    private boolean mayNotify(final Jid owner, final Jid user, final PepNode node)
    {
        final RosterItem item = rosters.item(owner.local(), user.toString());
        if (item == null || blocked(owner, user))
        {
            return false;
        }
        return switch (node.access)
        {
            case PRESENCE, OPEN -> item.subscription().hasFrom();
            case ROSTER -> item.groups().stream().anyMatch(node.rosterGroups::contains);
            case WHITELIST -> false;
        };
    }

    /**
     * XEP-0163 §4.3.2: nothing goes to someone the owner blocks, nor to someone who blocks the owner.
     */
    private boolean blocked(final Jid owner, final Jid user)
    {
        return blockLists.isBlocked(owner.local(), user) || blockLists.isBlocked(user.local(), owner);
    }

    private boolean isLocal(final Jid jid)
    {
        return jid.local() != null && jid.domain().equals(domain.domain());
    }

    /**
     * @return bytes the account's other nodes keep.
     */
    private long storedBytes(final Jid owner, final String except)
    {
        long bytes = 0;
        for (final String key : data.keys(owner.local()))
        {
            if (key.startsWith(KEY_PREFIX) && !key.equals(KEY_PREFIX + except))
            {
                bytes += data.get(owner.local(), key).length;
            }
        }
        return bytes;
    }

    private int nodeCount(final Jid owner)
    {
        int count = 0;
        for (final String key : data.keys(owner.local()))
        {
            count += key.startsWith(KEY_PREFIX) ? 1 : 0;
        }
        return count;
    }

    private PepNode load(final Jid owner, final String nodeName)
    {
        final byte[] bytes = data.get(owner.local(), KEY_PREFIX + nodeName);
        return bytes == null ? null : PepNode.decode(nodeReader, bytes);
    }

    private void store(final Jid owner, final String nodeName, final PepNode node)
    {
        final int nodeLength = node.encode(nodeXml, stored);
        final int length = UserDataCommand.encode(
            command, owner.local(), KEY_PREFIX + nodeName, stored, 0, nodeLength);
        writer.write(command, length);
        nodeChanges.accept(owner, nodeName);
    }

    /**
     * @param listener told of every node stored or deleted, by owner and node name.
     */
    void onNodeChange(final BiConsumer<Jid, String> listener)
    {
        nodeChanges = listener;
    }

    /**
     * @return the newest item of an account's node, or null if there is none.
     */
    NodeItems.Item lastItem(final Jid owner, final String nodeName)
    {
        final PepNode node = load(owner, nodeName);
        return node == null ? null : node.items.last();
    }

    /**
     * @return whether someone may read a node's items (XEP-0060 §4.5): its owner, or whom its access model lets in.
     */
    boolean mayRead(final Jid owner, final Jid reader, final String nodeName)
    {
        if (owner.equals(reader.bare()))
        {
            return true;
        }
        final PepNode node = load(owner, nodeName);
        return node != null && mayAccess(owner, reader.bare(), node);
    }

    private XmlEncoder reply(final Session requester, final Jid owner, final ElementFlyweight request)
    {
        return xml.wrap(out, 0).startIqReply(request).attribute(FROM, owner.toString())
            .attribute(TO, requester.jid().toString()).attribute(TYPE, RESULT);
    }

    /**
     * Answer with a XEP-0060 §7.1.3 error: a defined condition and the pubsub-specific one.
     *
     * @return null: answered.
     */
    private StanzaErrorCondition error(final Session requester, final Jid owner, final ElementFlyweight iq,
        final StanzaErrorCondition condition, final String pubsubCondition)
    {
        final int length = errors.encode(iq, owner, condition, null, PubSubRequest.errorCondition(pubsubCondition),
            out, 0);
        requester.deliver(out, 0, length);
        return null;
    }

    private static boolean tooLong(final String name)
    {
        return name != null && name.getBytes(java.nio.charset.StandardCharsets.UTF_8).length > MAX_NAME_BYTES;
    }

    private static boolean contains(final String[] names, final String name)
    {
        for (final String candidate : names)
        {
            if (candidate.equals(name))
            {
                return true;
            }
        }
        return false;
    }
}
