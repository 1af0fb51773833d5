package org.stanzaswitch.switching;

import org.agrona.concurrent.UnsafeBuffer;
import org.stanzaswitch.codec.Bytes;
import org.stanzaswitch.codec.XmlReader;

import java.util.ArrayList;
import java.util.List;

/**
 * What a XEP-0060 request asks, read from the children of its {@code <pubsub/>} element: the action, the node,
 * and the parts some actions carry (items and the one payload, a data form, affiliations to set). Shared by PEP
 * ({@link PepService}) and the service ({@link PubSubService}).
 */
final class PubSubRequest
{
    static final String ERRORS_NS = PepService.PUBSUB_NS + "#errors";

    /** One {@code <affiliation jid='' affiliation=''/>} of an owner's change (§8.9.2). */
    record Affiliation(String jid, String affiliation)
    {
    }

    String action;
    String node;
    /** The action's 'jid', as subscribe and unsubscribe carry (§6.1, §6.2). */
    String jid;
    int payloadOffset = -1;
    int payloadLength;
    boolean payloadSelfContained;
    int payloads;
    boolean notify;
    String maxItems;
    final List<String> itemIds = new ArrayList<>();
    final List<Affiliation> affiliations = new ArrayList<>();
    DataForm form;

    /**
     * @param reader on the {@code <pubsub/>} start tag at depth 2, the IQ's child.
     */
    static PubSubRequest read(final XmlReader reader)
    {
        final PubSubRequest request = new PubSubRequest();
        XmlReader.Event event;
        while ((event = reader.next()) != XmlReader.Event.END_DOCUMENT)
        {
            if (event != XmlReader.Event.START_ELEMENT)
            {
                continue;
            }
            final int depth = reader.depth();
            final String name = reader.localName();
            if (depth == 3 && request.action == null && !name.equals("publish-options"))
            {
                request.action = name;
                request.node = reader.attributeValue("node");
                request.jid = reader.attributeValue("jid");
                request.maxItems = reader.attributeValue("max_items");
                final String notify = reader.attributeValue("notify");
                request.notify = Boolean.TRUE.equals(DataForm.bool(notify));
            }
            else if (depth == 4 && "item".equals(name))
            {
                request.itemIds.add(reader.attributeValue("id"));
            }
            else if (depth == 4 && "affiliation".equals(name))
            {
                request.affiliations.add(
                    new Affiliation(reader.attributeValue("jid"), reader.attributeValue("affiliation")));
            }
            else if (depth == 5 && !request.itemIds.isEmpty())
            {
                request.payloads++;
                request.payloadSelfContained = reader.isSelfContained();
                request.payloadOffset = reader.elementOffset();
                reader.skipElement();
                request.payloadLength = reader.position() - request.payloadOffset;
            }
            else if ((depth == 4 || depth == 5) && "x".equals(name) && DataForm.NS.equals(reader.namespace()))
            {
                // publish-options/x (XEP-0060 §7.1.5), configure/x (§8.2.4, §8.1.3).
                request.form = DataForm.read(reader);
            }
        }
        return request;
    }

    /**
     * @return XEP-0060 §7.1.3's pubsub-specific error condition, such as {@code <item-required/>}, to go beside a
     * stanza error's defined condition.
     */
    static UnsafeBuffer errorCondition(final String condition)
    {
        return new UnsafeBuffer(Bytes.ascii("<" + condition + " xmlns='" + ERRORS_NS + "'/>"));
    }

    /**
     * @return {@code <unsupported feature=''/>}, for a feature the service does not offer.
     */
    static UnsafeBuffer unsupported(final String feature)
    {
        return new UnsafeBuffer(Bytes.ascii("<unsupported xmlns='" + ERRORS_NS + "' feature='" + feature + "'/>"));
    }

    /**
     * @return the first item id the request names, or null.
     */
    String itemId()
    {
        for (final String id : itemIds)
        {
            if (id != null)
            {
                return id;
            }
        }
        return null;
    }
}
