package org.stanzaswitch.switching;

import org.agrona.DirectBuffer;
import org.agrona.ExpandableArrayBuffer;
import org.stanzaswitch.codec.Bytes;
import org.stanzaswitch.codec.ElementFlyweight;
import org.stanzaswitch.codec.Jid;
import org.stanzaswitch.codec.XmlEncoder;
import org.stanzaswitch.codec.XmlReader;
import org.stanzaswitch.codec.XmppNamespaces;
import org.stanzaswitch.codec.XmppTime;

import java.util.ArrayList;
import java.util.List;

/**
 * XEP-0079 Advanced Message Processing at the recipient's server: the rules of a message's {@code <amp/>} are
 * checked (§3.4.1, E1), evaluated in order against what the server would do with the message (§3.4.3), and the
 * first one met decides: {@code drop}, {@code alert} (drop and tell the sender), {@code error} (drop and bounce
 * with {@code <failed-rules/>}) or {@code notify} (tell the sender and deliver as usual). Conditions
 * {@code deliver}, {@code expire-at} and {@code match-resource}, on chat and normal messages (the payload scan
 * of message delivery spots the {@code <amp/>}, so other messages cost nothing). Owned by the router thread.
 */
final class Amp
{
    static final String NS = "http://jabber.org/protocol/amp";
    static final String ERRORS_NS = "http://jabber.org/protocol/amp#errors";
    static final String[] ACTIONS = {"alert", "drop", "error", "notify"};
    static final String[] CONDITIONS = {"deliver", "expire-at", "match-resource"};

    /** What the server would do with the message, as the deliver condition names it (§3.3.1). */
    static final String DIRECT = "direct";
    static final String STORED = "stored";
    static final String NONE = "none";

    /** The verdict: deliver as usual, or the message is done with (dropped, and the sender told if asked). */
    static final boolean DELIVER = true;
    static final boolean DONE = false;

    private static final byte[] NS_BYTES = Bytes.ascii(NS);
    private static final String STANZAS_NS = "urn:ietf:params:xml:ns:xmpp-stanzas";
    private static final byte[] MESSAGE = Bytes.ascii("message");
    private static final byte[] AMP = Bytes.ascii("amp");
    private static final byte[] RULE = Bytes.ascii("rule");
    private static final byte[] ERROR = Bytes.ascii("error");
    private static final byte[] XMLNS = Bytes.ascii("xmlns");
    private static final byte[] FROM = Bytes.ascii("from");
    private static final byte[] TO = Bytes.ascii("to");
    private static final byte[] ID = Bytes.ascii("id");
    private static final byte[] TYPE = Bytes.ascii("type");
    private static final byte[] CODE = Bytes.ascii("code");
    private static final byte[] STATUS = Bytes.ascii("status");
    private static final byte[] ACTION = Bytes.ascii("action");
    private static final byte[] CONDITION = Bytes.ascii("condition");
    private static final byte[] VALUE = Bytes.ascii("value");
    private static final byte[] UNDEFINED_CONDITION = Bytes.ascii("undefined-condition");
    private static final byte[] FAILED_RULES = Bytes.ascii("failed-rules");

    /** One {@code <rule/>} as sent. */
    record Rule(String action, String condition, String value)
    {
    }

    private final Jid domain;
    private final XmlReader reader = new XmlReader();
    private final XmlEncoder xml = new XmlEncoder();
    private final List<Rule> rules = new ArrayList<>();
    private final ExpandableArrayBuffer reply = new ExpandableArrayBuffer(512);

    Amp(final Jid domain)
    {
        this.domain = domain;
    }

    /**
     * Apply the message's rules.
     *
     * @param sender      who sent it; told of alerts, notifications and errors.
     * @param intended    the address the message is for.
     * @param message     the message, with an {@code <amp/>} child.
     * @param disposition what the server would do: {@link #DIRECT}, {@link #STORED} or {@link #NONE}.
     * @param resource    the resource it would reach, or null if it would reach none (stored, or not delivered).
     * @return {@link #DELIVER} to go on as usual, {@link #DONE} if the message is not to be delivered.
     */
    boolean apply(
        final Session sender, final Jid intended, final ElementFlyweight message, final String disposition,
        final String resource)
    {
        reader.wrap(message);
        if (!readRules())
        {
            return DELIVER;
        }
        final List<Rule> unsupportedActions = new ArrayList<>();
        final List<Rule> unsupportedConditions = new ArrayList<>();
        final List<Rule> invalid = new ArrayList<>();
        for (final Rule rule : rules)
        {
            if (!oneOf(rule.action(), ACTIONS))
            {
                unsupportedActions.add(rule);
            }
            else if (!oneOf(rule.condition(), CONDITIONS))
            {
                unsupportedConditions.add(rule);
            }
            else if (!validValue(rule))
            {
                invalid.add(rule);
            }
        }
        // §3.4.1: the semantics are checked before anything is done, and the message goes no further if they fail.
        if (!unsupportedActions.isEmpty())
        {
            refuse(sender, message, "bad-request", "400", "unsupported-actions", unsupportedActions);
            return DONE;
        }
        if (!unsupportedConditions.isEmpty())
        {
            refuse(sender, message, "bad-request", "400", "unsupported-conditions", unsupportedConditions);
            return DONE;
        }
        if (!invalid.isEmpty())
        {
            refuse(sender, message, "not-acceptable", "405", "invalid-rules", invalid);
            return DONE;
        }
        final long now = System.currentTimeMillis();
        for (final Rule rule : rules)
        {
            if (isMet(rule, intended, disposition, resource, now))
            {
                return act(rule, sender, intended, message);
            }
        }
        return DELIVER;
    }

    /**
     * §3.3.2 with the note on offline storage (§8): a stored message whose expire-at moment passed while it waited
     * is not delivered when its recipient comes back, unless its rule only asked for a notification. The sender is
     * not told at that point.
     *
     * @return true if the stored message is to be dropped instead of delivered.
     */
    boolean expiredWhileStored(final DirectBuffer buffer, final int offset, final int length, final long now)
    {
        if (!Bytes.contains(buffer, offset, length, NS_BYTES))
        {
            return false;
        }
        reader.wrap(buffer, offset, length, "", XmppNamespaces.CLIENT);
        if (!readRules())
        {
            return false;
        }
        for (final Rule rule : rules)
        {
            if ("expire-at".equals(rule.condition()) && !"notify".equals(rule.action()) && validValue(rule) &&
                now >= XmppTime.parse(rule.value()))
            {
                return true;
            }
        }
        return false;
    }

    private boolean readRules()
    {
        rules.clear();
        reader.next();
        XmlReader.Event event;
        boolean inAmp = false;
        while ((event = reader.next()) != XmlReader.Event.END_DOCUMENT)
        {
            if (event != XmlReader.Event.START_ELEMENT)
            {
                continue;
            }
            if (reader.depth() == 2)
            {
                inAmp = "amp".equals(reader.localName()) && NS.equals(reader.namespace());
            }
            else if (inAmp && reader.depth() == 3 && "rule".equals(reader.localName()) && NS.equals(reader.namespace()))
            {
                rules.add(new Rule(text(reader.attributeValue("action")), text(reader.attributeValue("condition")),
                    text(reader.attributeValue("value"))));
            }
        }
        return !rules.isEmpty();
    }

    private static String text(final String value)
    {
        return value == null ? "" : value;
    }

    private static boolean oneOf(final String value, final String[] values)
    {
        for (final String candidate : values)
        {
            if (candidate.equals(value))
            {
                return true;
            }
        }
        return false;
    }

    private static boolean validValue(final Rule rule)
    {
        switch (rule.condition())
        {
            case "deliver":
                return oneOf(rule.value(), new String[]{DIRECT, "forward", "gateway", NONE, STORED});
            case "match-resource":
                return oneOf(rule.value(), new String[]{"any", "exact", "other"});
            default:
                try
                {
                    XmppTime.parse(rule.value());
                    return true;
                }
                catch (final IllegalArgumentException ex)
                {
                    return false;
                }
        }
    }

    /**
     * §3.3: deliver compares with what the server would do; expire-at is met once the moment is past (the
     * message would arrive after it); match-resource compares the resource it would reach with the one it is for
     * (no resource on either side counts as a resource of its own).
     */
    private static boolean isMet(
        final Rule rule, final Jid intended, final String disposition, final String resource, final long now)
    {
        switch (rule.condition())
        {
            case "deliver":
                return rule.value().equals(disposition);
            case "expire-at":
                return now >= XmppTime.parse(rule.value());
            default:
                final boolean same = intended.resource() == null ? resource == null :
                    intended.resource().equals(resource);
                return switch (rule.value())
                {
                    case "exact" -> same;
                    case "other" -> !same;
                    default -> true;
                };
        }
    }

    private boolean act(final Rule rule, final Session sender, final Jid intended, final ElementFlyweight message)
    {
        switch (rule.action())
        {
            case "drop":
                return DONE;
            case "alert":
                tell(sender, intended, message, "alert", rule);
                return DONE;
            case "notify":
                tell(sender, intended, message, "notify", rule);
                return DELIVER;
            default:
                // §3.4.2 error: undefined-condition with the rule that failed.
                start(sender, message, true).start(AMP).attribute(XMLNS, NS).attribute(STATUS, "error")
                    .attribute(FROM, sender.jid().toString()).attribute(TO, intended.toString());
                rule(rule).end();
                xml.start(ERROR).attribute(TYPE, "modify").attribute(CODE, "500")
                    .start(UNDEFINED_CONDITION).attribute(XMLNS, STANZAS_NS).end()
                    .start(FAILED_RULES).attribute(XMLNS, ERRORS_NS);
                rule(rule).end().end();
                sender.deliver(reply, 0, xml.end().length());
                return DONE;
        }
    }

    private void tell(
        final Session sender, final Jid intended, final ElementFlyweight message, final String status, final Rule rule)
    {
        start(sender, message, false).start(AMP).attribute(XMLNS, NS).attribute(STATUS, status)
            .attribute(FROM, sender.jid().toString()).attribute(TO, intended.toString());
        rule(rule).end();
        sender.deliver(reply, 0, xml.end().length());
    }

    /**
     * §4: an error naming the rules the server does not support or accept, with all the message's rules.
     */
    private void refuse(
        final Session sender, final ElementFlyweight message, final String condition, final String code,
        final String element, final List<Rule> failed)
    {
        start(sender, message, true).start(AMP).attribute(XMLNS, NS);
        for (final Rule rule : rules)
        {
            rule(rule);
        }
        xml.end().start(ERROR).attribute(TYPE, "modify").attribute(CODE, code)
            .start(Bytes.ascii(condition)).attribute(XMLNS, STANZAS_NS).end()
            .start(Bytes.ascii(element)).attribute(XMLNS, NS);
        for (final Rule rule : failed)
        {
            rule(rule);
        }
        xml.end().end();
        sender.deliver(reply, 0, xml.end().length());
    }

    private XmlEncoder start(final Session sender, final ElementFlyweight message, final boolean error)
    {
        xml.wrap(reply, 0).start(MESSAGE).attribute(FROM, domain.toString()).attribute(TO, sender.jid().toString());
        final int id = message.idIndex();
        if (id >= 0)
        {
            xml.attributeCopied(ID, message.buffer(), message.attributeValueOffset(id),
                message.attributeValueLength(id));
        }
        return error ? xml.attribute(TYPE, "error") : xml;
    }

    private XmlEncoder rule(final Rule rule)
    {
        return xml.start(RULE).attribute(ACTION, rule.action()).attribute(CONDITION, rule.condition())
            .attribute(VALUE, rule.value()).end();
    }
}
