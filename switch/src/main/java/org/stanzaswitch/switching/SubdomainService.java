package org.stanzaswitch.switching;

import org.agrona.DirectBuffer;
import org.agrona.ExpandableArrayBuffer;
import org.stanzaswitch.codec.Bytes;
import org.stanzaswitch.codec.ElementFlyweight;
import org.stanzaswitch.codec.Jid;
import org.stanzaswitch.codec.StanzaErrorCondition;
import org.stanzaswitch.codec.StanzaErrorEncoder;
import org.stanzaswitch.codec.XmlEncoder;
import org.stanzaswitch.codec.XmlReader;

/**
 * A service on a subdomain of the server that answers IQ gets and sets and takes nothing else, listed among the
 * server's disco#items (XEP-0030 §4): the XEP-0060 pubsub service, the XEP-0065 proxy and the XEP-0363 upload
 * service. Reads each request up to its child and hands it on with the child's namespace; writes results and
 * errors from the service's address. Owned by the router thread.
 */
abstract class SubdomainService
{
    private static final byte[] GET = Bytes.ascii("get");
    private static final byte[] FROM = Bytes.ascii("from");
    private static final byte[] TO = Bytes.ascii("to");
    private static final byte[] TYPE = Bytes.ascii("type");
    private static final byte[] RESULT = Bytes.ascii("result");

    final Jid service;
    final XmlReader reader = new XmlReader();
    final XmlEncoder xml = new XmlEncoder();
    final ExpandableArrayBuffer out;
    private final String name;
    private final StanzaErrorEncoder errors = new StanzaErrorEncoder();

    /**
     * @param prefix     the service's label before the domain, such as {@code proxy.}.
     * @param name       the name the server's disco#items gives it.
     * @param bufferSize the initial size of the buffer answers are written into.
     */
    SubdomainService(final Jid domain, final String prefix, final String name, final int bufferSize)
    {
        this.service = Jid.of(prefix + domain.domain());
        this.name = name;
        this.out = new ExpandableArrayBuffer(bufferSize);
    }

    final Jid address()
    {
        return service;
    }

    final String name()
    {
        return name;
    }

    /**
     * An IQ get or set to the service.
     *
     * @return null if answered, else the error to return.
     */
    final StanzaErrorCondition onIq(final Session sender, final ElementFlyweight iq)
    {
        final boolean get = iq.attributeValueEquals(iq.typeIndex(), GET);
        reader.wrap(iq);
        reader.next();
        if (reader.next() != XmlReader.Event.START_ELEMENT)
        {
            return StanzaErrorCondition.BAD_REQUEST;
        }
        return onRequest(sender, iq, get, reader.namespace());
    }

    /**
     * The request, {@link #reader} on its child's start tag.
     *
     * @param get       true for a get, false for a set.
     * @param namespace the child's namespace.
     * @return null if answered, else the error to return.
     */
    abstract StanzaErrorCondition onRequest(Session sender, ElementFlyweight iq, boolean get, String namespace);

    /**
     * @return an IQ result to the sender from the service, its start tag open for children, in {@link #out}.
     */
    final XmlEncoder result(final Session sender, final ElementFlyweight iq)
    {
        return xml.wrap(out, 0).startIqReply(iq).attribute(FROM, service.toString())
            .attribute(TO, sender.jid().toString()).attribute(TYPE, RESULT);
    }

    /**
     * Answer with a stanza error from the service, with descriptive text and an application condition if given.
     *
     * @return null: answered.
     */
    final StanzaErrorCondition error(final Session sender, final ElementFlyweight iq,
        final StanzaErrorCondition condition, final String text, final DirectBuffer applicationCondition)
    {
        sender.deliver(out, 0, errors.encode(iq, service, condition, text, applicationCondition, out, 0));
        return null;
    }
}
