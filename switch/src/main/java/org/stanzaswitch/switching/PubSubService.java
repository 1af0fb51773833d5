package org.stanzaswitch.switching;

import org.agrona.ExpandableArrayBuffer;
import org.stanzaswitch.codec.Bytes;
import org.stanzaswitch.codec.ElementFlyweight;
import org.stanzaswitch.codec.Jid;
import org.stanzaswitch.codec.JidParser;
import org.stanzaswitch.codec.StanzaErrorCondition;
import org.stanzaswitch.codec.XmlEncoder;
import org.stanzaswitch.codec.XmlReader;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * The XEP-0060 publish-subscribe service at {@code pubsub.<domain>}: the server's accounts create nodes (named or
 * instant, configured or not), own them and name their publishers, publish and retract items, subscribe and
 * unsubscribe, read items, and learn their subscriptions and affiliations; subscribers get each event as a
 * headline. Nodes are user data under {@code @pubsub.<domain>} ({@link PubSubNode}), journaled and snapshotted
 * like accounts. Notifications reach this server's users only, so only they may use the service. Owned by the
 * router thread.
 */
final class PubSubService extends SubdomainService
{
    private static final String PREFIX = "pubsub.";
    private static final String KEY_PREFIX = "node ";
    private static final String NODE_CONFIG = PepService.PUBSUB_NS + "#node_config";
    private static final String META_DATA = PepService.PUBSUB_NS + "#meta-data";
    /** §10: what this service does. */
    private static final String[] FEATURES = PepService.features("access-open", "access-whitelist",
        "config-node", "create-and-configure", "create-nodes", "delete-items", "delete-nodes", "instant-nodes",
        "item-ids", "manage-affiliations", "manage-subscriptions", "modify-affiliations", "persistent-items",
        "publish", "publisher-affiliation", "purge-nodes", "retract-items", "retrieve-affiliations",
        "retrieve-default", "retrieve-items", "retrieve-subscriptions", "subscribe", "subscription-notifications");
    private static final int MAX_NODES = 10_000;
    private static final int MAX_NODES_PER_ACCOUNT = 256;
    private static final int MAX_SUBSCRIBERS = 10_000;
    private static final int MAX_NAME_BYTES = 1024;
    /** Everything the service keeps, configurations, subscribers and items, in stored bytes. */
    private static final long MAX_SERVICE_BYTES = 256L << 20;

    private static final byte[] PUBSUB = Bytes.ascii("pubsub");
    private static final byte[] CREATE = Bytes.ascii("create");
    private static final byte[] PUBLISH = Bytes.ascii("publish");
    private static final byte[] ITEMS = Bytes.ascii("items");
    private static final byte[] ITEM = Bytes.ascii("item");
    private static final byte[] SUBSCRIPTION = Bytes.ascii("subscription");
    private static final byte[] SUBSCRIPTIONS = Bytes.ascii("subscriptions");
    private static final byte[] AFFILIATION = Bytes.ascii("affiliation");
    private static final byte[] AFFILIATIONS = Bytes.ascii("affiliations");
    private static final byte[] CONFIGURE = Bytes.ascii("configure");
    private static final byte[] DEFAULT = Bytes.ascii("default");
    private static final byte[] QUERY = Bytes.ascii("query");
    private static final byte[] IDENTITY = Bytes.ascii("identity");
    private static final byte[] FEATURE = Bytes.ascii("feature");
    private static final byte[] X = Bytes.ascii("x");
    private static final byte[] XMLNS = Bytes.ascii("xmlns");
    private static final byte[] NODE = Bytes.ascii("node");
    private static final byte[] JID = Bytes.ascii("jid");
    private static final byte[] ID = Bytes.ascii("id");
    private static final byte[] NAME = Bytes.ascii("name");
    private static final byte[] VAR = Bytes.ascii("var");
    private static final byte[] CATEGORY = Bytes.ascii("category");
    private static final byte[] TYPE = Bytes.ascii("type");
    private static final byte[] RESULT = Bytes.ascii("result");

    private final String owner;
    private final Jid domain;
    private final StateWriter writer;
    private final UserData data;
    private final SessionRegistry sessions;
    private final PubSubEvents events = new PubSubEvents("pubsub-");
    private final XmlReader nodeReader = new XmlReader();
    private final XmlEncoder nodeXml = new XmlEncoder();
    private final JidParser parser = new JidParser();
    private final ExpandableArrayBuffer stored = new ExpandableArrayBuffer(4096);
    private final ExpandableArrayBuffer command = new ExpandableArrayBuffer(4096);
    /** Nodes by the account that created them, and the bytes all nodes keep: counted once, then kept up. */
    private Map<String, Integer> createdBy;
    private long storedBytes;

    PubSubService(final Jid domain, final StateWriter writer, final SessionRegistry sessions)
    {
        super(domain, PREFIX, "Publish-Subscribe", 4096);
        // No account name has an '@', so the service's nodes are apart from every account's data.
        this.owner = "@" + service;
        this.domain = domain;
        this.writer = writer;
        this.data = writer.state().userData();
        this.sessions = sessions;
    }

    @Override
    StanzaErrorCondition onRequest(final Session sender, final ElementFlyweight iq, final boolean get,
        final String namespace)
    {
        if (get && ServerServices.DISCO_INFO.equals(namespace))
        {
            return discoInfo(sender, iq, reader.attributeValue("node"));
        }
        if (get && ServerServices.DISCO_ITEMS.equals(namespace))
        {
            return discoItems(sender, iq, reader.attributeValue("node"));
        }
        final boolean ownerNamespace = PepService.OWNER_NS.equals(namespace);
        if (!"pubsub".equals(reader.localName()) || !(ownerNamespace || PepService.PUBSUB_NS.equals(namespace)))
        {
            return StanzaErrorCondition.FEATURE_NOT_IMPLEMENTED;
        }
        if (!sender.jid().domain().equals(domain.domain()))
        {
            return StanzaErrorCondition.FORBIDDEN;
        }
        final PubSubRequest request = PubSubRequest.read(reader);
        if (request.action == null)
        {
            return StanzaErrorCondition.BAD_REQUEST;
        }
        if (tooLong(request.node) || tooLong(request.itemId()))
        {
            return StanzaErrorCondition.NOT_ACCEPTABLE;
        }
        final String action = (ownerNamespace ? "owner " : "") + (get ? "get " : "set ") + request.action;
        if (action.equals("set create"))
        {
            return create(sender, iq, request);
        }
        if (action.equals("owner get default"))
        {
            return defaultConfiguration(sender, iq);
        }
        if (action.equals("get subscriptions") || action.equals("get affiliations"))
        {
            return own(sender, iq, request);
        }
        if (request.node == null || request.node.isEmpty())
        {
            return error(sender, iq, StanzaErrorCondition.BAD_REQUEST, "nodeid-required");
        }
        final PubSubNode node = load(request.node);
        if (node == null)
        {
            return StanzaErrorCondition.ITEM_NOT_FOUND;
        }
        if (ownerNamespace && !node.isOwner(sender.jid().bare().toString()))
        {
            // §8: only an owner manages a node.
            return StanzaErrorCondition.FORBIDDEN;
        }
        return switch (action)
        {
            case "set publish" -> publish(sender, iq, request, node);
            case "set retract" -> retract(sender, iq, request, node);
            case "set subscribe" -> subscribe(sender, iq, request, node);
            case "set unsubscribe" -> unsubscribe(sender, iq, request, node);
            case "get items" -> items(sender, iq, request, node);
            case "owner get configure" -> configuration(sender, iq, request, node);
            case "owner set configure" -> configure(sender, iq, request, node);
            case "owner set delete" -> delete(sender, iq, request, node);
            case "owner set purge" -> purge(sender, iq, request, node);
            case "owner get subscriptions" -> subscribers(sender, iq, request, node);
            case "owner get affiliations" -> affiliations(sender, iq, request, node);
            case "owner set affiliations" -> changeAffiliations(sender, iq, request, node);
            // Subscription options (§6.3) and pending approvals (§8.6, §8.7) are not offered.
            default -> StanzaErrorCondition.FEATURE_NOT_IMPLEMENTED;
        };
    }

    /**
     * §8.1.2 (instant nodes, named by the service) and §8.1.3 (created and configured at once).
     */
    private StanzaErrorCondition create(final Session sender, final ElementFlyweight iq, final PubSubRequest request)
    {
        final String name = request.node == null || request.node.isEmpty() ? UUID.randomUUID().toString() :
            request.node;
        if (load(name) != null)
        {
            return StanzaErrorCondition.CONFLICT;
        }
        final String creator = sender.jid().bare().toString();
        final Map<String, Integer> counts = createdBy();
        if (nodeCount() >= MAX_NODES || counts.getOrDefault(creator, 0) >= MAX_NODES_PER_ACCOUNT)
        {
            return StanzaErrorCondition.RESOURCE_CONSTRAINT;
        }
        final PubSubNode node = new PubSubNode();
        node.creator = creator;
        node.affiliations.put(creator, PubSubNode.OWNER);
        if (request.form != null && (!NODE_CONFIG.equals(request.form.type()) ||
            node.configure(request.form.fields()) != null))
        {
            return StanzaErrorCondition.NOT_ACCEPTABLE;
        }
        if (!store(name, node))
        {
            return StanzaErrorCondition.RESOURCE_CONSTRAINT;
        }
        counts.merge(creator, 1, Integer::sum);
        result(sender, iq).start(PUBSUB).attribute(XMLNS, PepService.PUBSUB_NS).start(CREATE).attribute(NODE, name);
        sender.deliver(out, 0, xml.end().end().end().length());
        return null;
    }

    /**
     * §7.1, with §7.1.3.6's rules for each event type: a persistent node needs an item, a payload node a payload,
     * and a transient notification-only node takes none.
     */
    private StanzaErrorCondition publish(final Session sender, final ElementFlyweight iq,
        final PubSubRequest request, final PubSubNode node)
    {
        if (!node.mayPublish(sender.jid().bare().toString()))
        {
            return StanzaErrorCondition.FORBIDDEN;
        }
        if (request.form != null)
        {
            return unsupported(sender, iq, "publish-options");
        }
        final int items = request.itemIds.size();
        if (!node.persistItems && !node.deliverPayloads)
        {
            if (items > 0)
            {
                return error(sender, iq, StanzaErrorCondition.BAD_REQUEST, "item-forbidden");
            }
        }
        else if (items == 0)
        {
            return error(sender, iq, StanzaErrorCondition.BAD_REQUEST,
                node.persistItems ? "item-required" : "payload-required");
        }
        else if (items > 1 || request.payloads > 1 || request.payloads == 1 && !request.payloadSelfContained)
        {
            return error(sender, iq, StanzaErrorCondition.BAD_REQUEST, "invalid-payload");
        }
        else if (node.deliverPayloads && request.payloads == 0)
        {
            return error(sender, iq, StanzaErrorCondition.BAD_REQUEST, "payload-required");
        }
        final String id = request.itemId() == null || request.itemId().isEmpty() ?
            UUID.randomUUID().toString() : request.itemId();
        byte[] payload = null;
        if (request.payloads == 1)
        {
            payload = new byte[request.payloadLength];
            iq.buffer().getBytes(request.payloadOffset, payload);
        }
        if (node.persistItems)
        {
            node.items.publish(id, payload, node.maxItems);
            if (!store(request.node, node))
            {
                return error(sender, iq, StanzaErrorCondition.NOT_ACCEPTABLE, "payload-too-big");
            }
        }
        result(sender, iq).start(PUBSUB).attribute(XMLNS, PepService.PUBSUB_NS)
            .start(PUBLISH).attribute(NODE, request.node).start(ITEM).attribute(ID, id).end().end();
        sender.deliver(out, 0, xml.end().end().length());
        notifySubscribers(request.node, node, PubSubEvents.Kind.ITEM,
            new NodeItems.Item(id, node.deliverPayloads ? payload : null));
        return null;
    }

    /**
     * §7.2: an owner or publisher deletes an item; subscribers hear of it if the node or the request says so.
     */
    private StanzaErrorCondition retract(final Session sender, final ElementFlyweight iq,
        final PubSubRequest request, final PubSubNode node)
    {
        final String id = request.itemId();
        if (id == null)
        {
            return error(sender, iq, StanzaErrorCondition.BAD_REQUEST, "item-required");
        }
        if (!node.mayPublish(sender.jid().bare().toString()))
        {
            return StanzaErrorCondition.FORBIDDEN;
        }
        if (!node.items.retract(id))
        {
            return StanzaErrorCondition.ITEM_NOT_FOUND;
        }
        store(request.node, node);
        sender.deliver(out, 0, result(sender, iq).end().length());
        if (node.notifyRetract || request.notify)
        {
            notifySubscribers(request.node, node, PubSubEvents.Kind.RETRACT, new NodeItems.Item(id, null));
        }
        return null;
    }

    /**
     * §6.1: a subscription for the requester's own bare or full JID, to a node it may access; the last item
     * follows if the node sends it on subscription.
     */
    private StanzaErrorCondition subscribe(final Session sender, final ElementFlyweight iq,
        final PubSubRequest request, final PubSubNode node)
    {
        final Jid subscriber = ownJid(sender, request.jid);
        if (subscriber == null)
        {
            return error(sender, iq, StanzaErrorCondition.BAD_REQUEST, "invalid-jid");
        }
        if (!node.mayAccess(subscriber.bare().toString()))
        {
            return error(sender, iq, StanzaErrorCondition.NOT_ALLOWED, "closed-node");
        }
        if (!node.subscribers.contains(subscriber.toString()))
        {
            if (node.subscribers.size() >= MAX_SUBSCRIBERS)
            {
                return StanzaErrorCondition.RESOURCE_CONSTRAINT;
            }
            node.subscribers.add(subscriber.toString());
            if (!store(request.node, node))
            {
                return StanzaErrorCondition.RESOURCE_CONSTRAINT;
            }
        }
        result(sender, iq).start(PUBSUB).attribute(XMLNS, PepService.PUBSUB_NS);
        subscription(request.node, subscriber.toString());
        sender.deliver(out, 0, xml.end().end().length());
        final NodeItems.Item last = node.items.last();
        if (node.sendLastOnSubscribe && last != null)
        {
            deliver(subscriber, events.write(service.toString(), subscriber, request.node, PubSubEvents.Kind.ITEM,
                node.deliverPayloads ? last : new NodeItems.Item(last.id(), null)));
        }
        return null;
    }

    /**
     * §6.2.
     */
    private StanzaErrorCondition unsubscribe(final Session sender, final ElementFlyweight iq,
        final PubSubRequest request, final PubSubNode node)
    {
        final Jid subscriber = ownJid(sender, request.jid);
        if (subscriber == null)
        {
            return error(sender, iq, StanzaErrorCondition.BAD_REQUEST, "invalid-jid");
        }
        if (!node.subscribers.remove(subscriber.toString()))
        {
            return error(sender, iq, StanzaErrorCondition.UNEXPECTED_REQUEST, "not-subscribed");
        }
        store(request.node, node);
        sender.deliver(out, 0, result(sender, iq).end().length());
        return null;
    }

    /**
     * §6.5: the items of a node the requester may access, all, the newest {@code max_items}, or those named.
     */
    private StanzaErrorCondition items(final Session sender, final ElementFlyweight iq,
        final PubSubRequest request, final PubSubNode node)
    {
        if (!node.mayAccess(sender.jid().bare().toString()))
        {
            return error(sender, iq, StanzaErrorCondition.NOT_ALLOWED, "closed-node");
        }
        final int first = node.items.firstOfNewest(request.maxItems);
        if (first < 0)
        {
            return StanzaErrorCondition.BAD_REQUEST;
        }
        result(sender, iq).start(PUBSUB).attribute(XMLNS, PepService.PUBSUB_NS).start(ITEMS)
            .attribute(NODE, request.node);
        node.items.encode(xml, first, request.itemIds);
        sender.deliver(out, 0, xml.end().end().end().length());
        return null;
    }

    /**
     * §5.6 and §5.7: the requester's own subscriptions or affiliations, of one node or all.
     */
    private StanzaErrorCondition own(final Session sender, final ElementFlyweight iq, final PubSubRequest request)
    {
        final boolean subscriptions = request.action.equals("subscriptions");
        final String user = sender.jid().bare().toString();
        result(sender, iq).start(PUBSUB).attribute(XMLNS, PepService.PUBSUB_NS)
            .start(subscriptions ? SUBSCRIPTIONS : AFFILIATIONS);
        for (final String name : request.node == null ? nodeNames() : List.of(request.node))
        {
            final PubSubNode node = load(name);
            if (node == null)
            {
                continue;
            }
            if (!subscriptions && node.affiliations.containsKey(user))
            {
                xml.start(AFFILIATION).attribute(NODE, name).attribute(AFFILIATION, node.affiliation(user)).end();
            }
            for (final String subscriber : subscriptions ? node.subscribers : List.<String>of())
            {
                if (subscriber.equals(user) || subscriber.startsWith(user + "/"))
                {
                    subscription(name, subscriber);
                }
            }
        }
        sender.deliver(out, 0, xml.end().end().end().length());
        return null;
    }

    private void subscription(final String node, final String subscriber)
    {
        xml.start(SUBSCRIPTION).attribute(NODE, node).attribute(JID, subscriber)
            .attribute(SUBSCRIPTION, "subscribed").end();
    }

    /**
     * §8.2.1: the node's configuration as a form to fill in.
     */
    private StanzaErrorCondition configuration(final Session sender, final ElementFlyweight iq,
        final PubSubRequest request, final PubSubNode node)
    {
        result(sender, iq).start(PUBSUB).attribute(XMLNS, PepService.OWNER_NS).start(CONFIGURE)
            .attribute(NODE, request.node);
        configurationForm(node);
        sender.deliver(out, 0, xml.end().end().end().length());
        return null;
    }

    /**
     * §8.3: the configuration a new node gets.
     */
    private StanzaErrorCondition defaultConfiguration(final Session sender, final ElementFlyweight iq)
    {
        result(sender, iq).start(PUBSUB).attribute(XMLNS, PepService.OWNER_NS).start(DEFAULT);
        configurationForm(new PubSubNode());
        sender.deliver(out, 0, xml.end().end().end().length());
        return null;
    }

    /**
     * §16.4.3's fields this service offers, typed, so a client can fill the form in.
     */
    private void configurationForm(final PubSubNode node)
    {
        xml.start(X).attribute(XMLNS, DataForm.NS).attribute(TYPE, "form");
        field(PepNode.FORM_TYPE, "hidden", NODE_CONFIG);
        field(PubSubNode.TITLE, "text-single", node.title);
        field(PubSubNode.ACCESS_MODEL, "list-single", node.accessModel, PubSubNode.ACCESS_MODELS);
        field(PubSubNode.PUBLISH_MODEL, "list-single", node.publishModel, PubSubNode.PUBLISH_MODELS);
        field(PubSubNode.MAX_ITEMS, "text-single", Integer.toString(node.maxItems));
        field(PubSubNode.PERSIST_ITEMS, "boolean", bool(node.persistItems));
        field(PubSubNode.DELIVER_PAYLOADS, "boolean", bool(node.deliverPayloads));
        field(PubSubNode.DELIVER_NOTIFICATIONS, "boolean", "1");
        field(PubSubNode.NOTIFY_RETRACT, "boolean", bool(node.notifyRetract));
        field(PubSubNode.NOTIFY_DELETE, "boolean", bool(node.notifyDelete));
        field(PubSubNode.SEND_LAST, "list-single", node.sendLastOnSubscribe ? "on_sub" : "never",
            PubSubNode.SEND_LAST_VALUES);
        xml.end();
    }

    private void field(final String var, final String type, final String value)
    {
        DataForm.writeField(xml, var, type, value);
    }

    private void field(final String var, final String type, final String value, final List<String> options)
    {
        DataForm.writeField(xml, var, type, List.of(value), options);
    }

    private static String bool(final boolean value)
    {
        return value ? "1" : "0";
    }

    /**
     * §8.2.4.
     */
    private StanzaErrorCondition configure(final Session sender, final ElementFlyweight iq,
        final PubSubRequest request, final PubSubNode node)
    {
        if (request.form == null || !NODE_CONFIG.equals(request.form.type()) ||
            node.configure(request.form.fields()) != null)
        {
            return StanzaErrorCondition.NOT_ACCEPTABLE;
        }
        store(request.node, node);
        sender.deliver(out, 0, result(sender, iq).end().length());
        return null;
    }

    /**
     * §8.4: the node goes, and its subscribers hear of it.
     */
    private StanzaErrorCondition delete(final Session sender, final ElementFlyweight iq,
        final PubSubRequest request, final PubSubNode node)
    {
        sender.deliver(out, 0, result(sender, iq).end().length());
        deleteNode(request.node, node);
        return null;
    }

    private void deleteNode(final String name, final PubSubNode node)
    {
        createdBy().merge(node.creator, -1, Integer::sum);
        storedBytes -= data.get(owner, KEY_PREFIX + name).length;
        writer.write(command, UserDataCommand.encode(command, owner, KEY_PREFIX + name, stored, 0, 0));
        if (node.notifyDelete)
        {
            notifySubscribers(name, node, PubSubEvents.Kind.DELETE, null);
        }
    }

    /**
     * An account was deleted: its subscriptions and affiliations go, and the nodes it alone owned are deleted, so
     * that whoever registers the name next inherits none of them.
     *
     * @param account the account's bare JID.
     */
    void forget(final Jid account)
    {
        final String bare = account.toString();
        for (final String name : nodeNames())
        {
            final PubSubNode node = load(name);
            final boolean subscribed = node.subscribers.removeIf(
                subscriber -> subscriber.equals(bare) || subscriber.startsWith(bare + "/"));
            final boolean affiliated = node.affiliations.remove(bare) != null;
            if (!node.affiliations.containsValue(PubSubNode.OWNER))
            {
                deleteNode(name, node);
            }
            else if (subscribed || affiliated)
            {
                store(name, node);
            }
        }
    }

    /**
     * §8.5: every item goes, and subscribers hear of it.
     */
    private StanzaErrorCondition purge(final Session sender, final ElementFlyweight iq,
        final PubSubRequest request, final PubSubNode node)
    {
        node.items.clear();
        store(request.node, node);
        sender.deliver(out, 0, result(sender, iq).end().length());
        notifySubscribers(request.node, node, PubSubEvents.Kind.PURGE, null);
        return null;
    }

    /**
     * §8.8.1: who is subscribed.
     */
    private StanzaErrorCondition subscribers(final Session sender, final ElementFlyweight iq,
        final PubSubRequest request, final PubSubNode node)
    {
        result(sender, iq).start(PUBSUB).attribute(XMLNS, PepService.OWNER_NS).start(SUBSCRIPTIONS)
            .attribute(NODE, request.node);
        for (final String subscriber : node.subscribers)
        {
            xml.start(SUBSCRIPTION).attribute(JID, subscriber).attribute(SUBSCRIPTION, "subscribed").end();
        }
        sender.deliver(out, 0, xml.end().end().end().length());
        return null;
    }

    /**
     * §8.9.1: who is affiliated, and how.
     */
    private StanzaErrorCondition affiliations(final Session sender, final ElementFlyweight iq,
        final PubSubRequest request, final PubSubNode node)
    {
        result(sender, iq).start(PUBSUB).attribute(XMLNS, PepService.OWNER_NS).start(AFFILIATIONS)
            .attribute(NODE, request.node);
        for (final Map.Entry<String, String> affiliation : node.affiliations.entrySet())
        {
            xml.start(AFFILIATION).attribute(JID, affiliation.getKey())
                .attribute(AFFILIATION, affiliation.getValue()).end();
        }
        sender.deliver(out, 0, xml.end().end().end().length());
        return null;
    }

    /**
     * §8.9.2: owners, publishers and members named, others' affiliations removed with 'none', an item without an
     * affiliation left as it is (§8.9.2.1); the outcast and publish-only affiliations are not offered
     * (§8.9.2.3.2); all or nothing, and never the node's last owner (§8.9.2.4).
     */
    private StanzaErrorCondition changeAffiliations(final Session sender, final ElementFlyweight iq,
        final PubSubRequest request, final PubSubNode node)
    {
        final Map<String, String> changed = new HashMap<>(node.affiliations);
        for (final PubSubRequest.Affiliation affiliation : request.affiliations)
        {
            final Jid jid = affiliation.jid() == null ? null : parser.parse(affiliation.jid());
            final String value = affiliation.affiliation();
            if (jid == null)
            {
                return StanzaErrorCondition.BAD_REQUEST;
            }
            if (value == null)
            {
                continue;
            }
            if (value.equals("outcast") || value.equals("publish-only"))
            {
                return unsupported(sender, iq, value + "-affiliation");
            }
            if (!List.of(PubSubNode.OWNER, PubSubNode.PUBLISHER, PubSubNode.MEMBER, "none").contains(value))
            {
                return StanzaErrorCondition.BAD_REQUEST;
            }
            if (value.equals("none"))
            {
                changed.remove(jid.bare().toString());
            }
            else
            {
                changed.put(jid.bare().toString(), value);
            }
        }
        if (!changed.containsValue(PubSubNode.OWNER) || changed.size() > MAX_SUBSCRIBERS)
        {
            return StanzaErrorCondition.NOT_ACCEPTABLE;
        }
        node.affiliations.clear();
        node.affiliations.putAll(changed);
        store(request.node, node);
        sender.deliver(out, 0, result(sender, iq).end().length());
        return null;
    }

    /**
     * §5.1, §5.3 and §5.4: the service, or a node and its metadata; a whitelist node only to those it lets in.
     */
    private StanzaErrorCondition discoInfo(final Session sender, final ElementFlyweight iq, final String nodeName)
    {
        final PubSubNode node = nodeName == null ? null : load(nodeName);
        if (nodeName != null && (node == null || !node.mayAccess(sender.jid().bare().toString())))
        {
            return StanzaErrorCondition.ITEM_NOT_FOUND;
        }
        result(sender, iq).start(QUERY).attribute(XMLNS, ServerServices.DISCO_INFO);
        if (node == null)
        {
            xml.start(IDENTITY).attribute(CATEGORY, "pubsub").attribute(TYPE, "service").attribute(NAME, name())
                .end().start(FEATURE).attribute(VAR, ServerServices.DISCO_INFO).end()
                .start(FEATURE).attribute(VAR, ServerServices.DISCO_ITEMS).end()
                .start(FEATURE).attribute(VAR, PepService.PUBSUB_NS).end();
            for (final String feature : FEATURES)
            {
                xml.start(FEATURE).attribute(VAR, feature).end();
            }
        }
        else
        {
            xml.attribute(NODE, nodeName).start(IDENTITY).attribute(CATEGORY, "pubsub").attribute(TYPE, "leaf").end()
                .start(FEATURE).attribute(VAR, PepService.PUBSUB_NS).end()
                .start(X).attribute(XMLNS, DataForm.NS).attribute(TYPE, RESULT);
            field(PepNode.FORM_TYPE, "hidden", META_DATA);
            field(PubSubNode.TITLE, "text-single", node.title);
            field(PubSubNode.ACCESS_MODEL, "list-single", node.accessModel);
            field(PubSubNode.PUBLISH_MODEL, "list-single", node.publishModel);
            final List<String> owners = new ArrayList<>();
            for (final Map.Entry<String, String> affiliation : node.affiliations.entrySet())
            {
                if (affiliation.getValue().equals(PubSubNode.OWNER))
                {
                    owners.add(affiliation.getKey());
                }
            }
            DataForm.writeField(xml, "pubsub#owner", "jid-multi", owners, List.of());
            xml.end();
        }
        sender.deliver(out, 0, xml.end().end().length());
        return null;
    }

    /**
     * §5.2 and §5.5: the nodes the requester may access, or the item ids of one.
     */
    private StanzaErrorCondition discoItems(final Session sender, final ElementFlyweight iq, final String nodeName)
    {
        final String user = sender.jid().bare().toString();
        final PubSubNode named = nodeName == null ? null : load(nodeName);
        if (nodeName != null && (named == null || !named.mayAccess(user)))
        {
            return StanzaErrorCondition.ITEM_NOT_FOUND;
        }
        result(sender, iq).start(QUERY).attribute(XMLNS, ServerServices.DISCO_ITEMS);
        if (named != null)
        {
            xml.attribute(NODE, nodeName);
            for (final NodeItems.Item item : named.items)
            {
                xml.start(ITEM).attribute(JID, service.toString()).attribute(NAME, item.id()).end();
            }
        }
        else
        {
            for (final String name : nodeNames())
            {
                final PubSubNode node = load(name);
                if (node.mayAccess(user))
                {
                    xml.start(ITEM).attribute(JID, service.toString()).attribute(NODE, name)
                        .attribute(NAME, node.title).end();
                }
            }
        }
        sender.deliver(out, 0, xml.end().end().length());
        return null;
    }

    /**
     * §7.1.2.1, §7.2.2.1, §8.4.2, §8.5.2: to every subscriber, a bare JID's available resources each.
     */
    private void notifySubscribers(final String nodeName, final PubSubNode node, final PubSubEvents.Kind kind,
        final NodeItems.Item item)
    {
        for (final String subscriber : node.subscribers)
        {
            final Jid to = parser.parse(subscriber);
            if (to != null)
            {
                deliver(to, events.write(service.toString(), to, nodeName, kind, item));
            }
        }
    }

    /**
     * Deliver the notification {@link #events} holds: to a full JID's resource, or to each available resource of
     * a bare JID (RFC 6121 §8.5.2.1.1, as for a headline); nothing is kept for one offline.
     */
    private void deliver(final Jid to, final int length)
    {
        final ExpandableArrayBuffer notification = events.buffer();
        if (!to.isBare())
        {
            final SessionState resource = sessions.full(to);
            if (resource != null && resource.available)
            {
                resource.session.deliver(notification, 0, length);
            }
            return;
        }
        final List<SessionState> resources = sessions.bare(to);
        for (int i = 0; i < resources.size(); i++)
        {
            if (resources.get(i).available)
            {
                resources.get(i).session.deliver(notification, 0, length);
            }
        }
    }

    /**
     * §6.1.3.1: one subscribes only oneself.
     *
     * @return the JID the request names, if it is the requester's bare or full JID; else null.
     */
    private Jid ownJid(final Session sender, final String jid)
    {
        final Jid parsed = jid == null ? null : parser.parse(jid);
        return parsed != null && parsed.bare().equals(sender.jid().bare()) ? parsed : null;
    }

    private List<String> nodeNames()
    {
        final List<String> names = new ArrayList<>();
        for (final String key : data.keys(owner))
        {
            if (key.startsWith(KEY_PREFIX))
            {
                names.add(key.substring(KEY_PREFIX.length()));
            }
        }
        return names;
    }

    private int nodeCount()
    {
        return data.keys(owner).size();
    }

    /**
     * @return nodes by creator, counted from what is stored the first time it is asked for.
     */
    private Map<String, Integer> createdBy()
    {
        if (createdBy == null)
        {
            createdBy = new HashMap<>();
            storedBytes = 0;
            for (final String name : nodeNames())
            {
                createdBy.merge(load(name).creator, 1, Integer::sum);
                storedBytes += data.get(owner, KEY_PREFIX + name).length;
            }
        }
        return createdBy;
    }

    private PubSubNode load(final String name)
    {
        final byte[] bytes = data.get(owner, KEY_PREFIX + name);
        return bytes == null ? null : PubSubNode.decode(nodeReader, bytes);
    }

    /**
     * Journal the node as it is now, if the service's bound on what it keeps allows.
     *
     * @return false if the node would take the service over its bound; nothing was written then.
     */
    private boolean store(final String name, final PubSubNode node)
    {
        createdBy();
        final byte[] kept = data.get(owner, KEY_PREFIX + name);
        final int length = node.encode(nodeXml, stored);
        final long after = storedBytes - (kept == null ? 0 : kept.length) + length;
        if (after > MAX_SERVICE_BYTES && length > (kept == null ? 0 : kept.length))
        {
            return false;
        }
        writer.write(command, UserDataCommand.encode(command, owner, KEY_PREFIX + name, stored, 0, length));
        storedBytes = after;
        return true;
    }

    private StanzaErrorCondition error(final Session sender, final ElementFlyweight iq,
        final StanzaErrorCondition condition, final String pubsubCondition)
    {
        return error(sender, iq, condition, null, PubSubRequest.errorCondition(pubsubCondition));
    }

    /**
     * §7.1.3 and others: {@code <unsupported feature=''/>} beside feature-not-implemented.
     */
    private StanzaErrorCondition unsupported(final Session sender, final ElementFlyweight iq, final String feature)
    {
        return error(sender, iq, StanzaErrorCondition.FEATURE_NOT_IMPLEMENTED, null,
            PubSubRequest.unsupported(feature));
    }

    private static boolean tooLong(final String name)
    {
        return name != null && name.getBytes(StandardCharsets.UTF_8).length > MAX_NAME_BYTES;
    }
}
