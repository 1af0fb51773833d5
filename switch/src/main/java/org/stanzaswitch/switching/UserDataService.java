package org.stanzaswitch.switching;

import org.agrona.ExpandableArrayBuffer;
import org.agrona.concurrent.UnsafeBuffer;
import org.stanzaswitch.codec.Bytes;
import org.stanzaswitch.codec.ElementFlyweight;
import org.stanzaswitch.codec.Jid;
import org.stanzaswitch.codec.StanzaErrorCondition;
import org.stanzaswitch.codec.XmlEncoder;
import org.stanzaswitch.codec.XmlReader;

import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * XML the server keeps for a user and hands back as it was stored: XEP-0054 vCard-temp (set by the owner,
 * read by anyone) and XEP-0049 private XML storage (owner only, one piece per namespace). Pieces are stored
 * as the bytes the client sent, so each must declare its own namespace. Owned by the router thread.
 */
final class UserDataService
{
    static final String VCARD_NS = "vcard-temp";
    static final String PRIVATE_NS = "jabber:iq:private";

    private static final String VCARD_KEY = "vcard";
    private static final String PRIVATE_KEY_PREFIX = "private ";
    private static final byte[] IQ = Bytes.ascii("iq");
    private static final byte[] QUERY = Bytes.ascii("query");
    private static final byte[] VCARD = Bytes.ascii("vCard");
    private static final byte[] XMLNS = Bytes.ascii("xmlns");
    private static final byte[] FROM = Bytes.ascii("from");
    private static final byte[] TO = Bytes.ascii("to");
    private static final byte[] TYPE = Bytes.ascii("type");
    private static final byte[] RESULT = Bytes.ascii("result");
    private static final byte[] SET = Bytes.ascii("set");

    private final StateWriter writer;
    private final AvatarConversion avatars;
    private final UserData data;
    private final XmlReader reader = new XmlReader();
    private final XmlEncoder xml = new XmlEncoder();
    private final ExpandableArrayBuffer out = new ExpandableArrayBuffer(4096);
    private final ExpandableArrayBuffer command = new ExpandableArrayBuffer(4096);

    UserDataService(final StateWriter writer, final AvatarConversion avatars)
    {
        this.writer = writer;
        this.data = writer.state().userData();
        this.avatars = avatars;
    }

    /**
     * XEP-0054 §3.1 and §3.2: read a user's vCard, or set one's own.
     *
     * @param owner the user whose vCard it is: the addressee, or the requester when the IQ has no 'to'.
     * @return null if answered, else the error to return.
     */
    StanzaErrorCondition onVCard(final Session requester, final Jid owner, final boolean addressed,
        final ElementFlyweight iq)
    {
        final boolean set = iq.attributeValueEquals(iq.typeIndex(), SET);
        if (set)
        {
            if (!owner.equals(requester.jid().bare()))
            {
                return StanzaErrorCondition.FORBIDDEN;
            }
            reader.wrap(iq);
            reader.next();
            if (reader.next() != XmlReader.Event.START_ELEMENT || !reader.isSelfContained())
            {
                return StanzaErrorCondition.BAD_REQUEST;
            }
            store(owner, VCARD_KEY, iq);
            reply(requester, addressed ? owner : null, iq);
            requester.deliver(out, 0, xml.end().length());
            return null;
        }
        final byte[] stored = data.get(owner.local(), VCARD_KEY);
        final byte[] photo = avatars.photo(owner, requester.jid());
        reply(requester, addressed ? owner : null, iq);
        if (stored == null)
        {
            xml.start(VCARD).attribute(XMLNS, VCARD_NS);
            if (photo != null)
            {
                xml.raw(photo);
            }
            xml.end();
        }
        else if (photo == null)
        {
            xml.raw(stored);
        }
        else
        {
            withPhoto(stored, photo);
        }
        requester.deliver(out, 0, xml.end().length());
        return null;
    }

    /**
     * XEP-0398 §4.1: the stored vCard with the avatar as its photo, in place of any it had.
     */
    private void withPhoto(final byte[] stored, final byte[] photo)
    {
        if (stored[stored.length - 2] == '/')
        {
            // <vCard xmlns='vcard-temp'/>: nothing in it to keep.
            xml.start(VCARD).attribute(XMLNS, VCARD_NS).raw(photo).end();
            return;
        }
        final UnsafeBuffer vCard = new UnsafeBuffer(stored);
        reader.wrap(vCard, 0, stored.length, "", "");
        reader.next();
        int copied = 0;
        XmlReader.Event event;
        while ((event = reader.next()) != XmlReader.Event.END_DOCUMENT)
        {
            if (event == XmlReader.Event.START_ELEMENT && reader.depth() == 2 && "PHOTO".equals(reader.localName()))
            {
                final int photoStart = reader.elementOffset();
                xml.raw(vCard, copied, photoStart - copied);
                reader.skipElement();
                copied = reader.position();
            }
        }
        final int endTag = lastIndexOf(stored, (byte)'<');
        xml.raw(vCard, copied, endTag - copied).raw(photo).raw(vCard, endTag, stored.length - endTag);
    }

    private static int lastIndexOf(final byte[] bytes, final byte value)
    {
        int i = bytes.length - 1;
        while (bytes[i] != value)
        {
            i--;
        }
        return i;
    }

    /**
     * XEP-0049 §2: get one namespace's piece, or set pieces, of the requester's own private XML.
     *
     * @return null if answered, else the error to return.
     */
    StanzaErrorCondition onPrivate(final Session requester, final Jid owner, final ElementFlyweight iq)
    {
        if (!owner.equals(requester.jid().bare()))
        {
            return StanzaErrorCondition.FORBIDDEN;
        }
        final boolean set = iq.attributeValueEquals(iq.typeIndex(), SET);
        final Map<String, int[]> pieces = new LinkedHashMap<>();
        String firstName = null;
        reader.wrap(iq);
        reader.next();
        reader.next();
        XmlReader.Event event;
        while ((event = reader.next()) != XmlReader.Event.END_DOCUMENT)
        {
            if (event != XmlReader.Event.START_ELEMENT || reader.depth() != 3)
            {
                continue;
            }
            final String namespace = reader.namespace();
            if (isReserved(namespace))
            {
                return StanzaErrorCondition.NOT_ACCEPTABLE;
            }
            if (!reader.isSelfContained())
            {
                return StanzaErrorCondition.BAD_REQUEST;
            }
            firstName = firstName == null ? reader.localName() : firstName;
            final int start = reader.elementOffset();
            reader.skipElement();
            final int[] range = pieces.get(namespace);
            pieces.put(namespace, new int[]{range == null ? start : range[0], reader.position()});
        }
        if (pieces.isEmpty() || (!set && pieces.size() > 1))
        {
            // XEP-0049 §2: exactly one child for a get, at least one for a set.
            return StanzaErrorCondition.NOT_ACCEPTABLE;
        }
        if (set)
        {
            for (final Map.Entry<String, int[]> piece : pieces.entrySet())
            {
                final int[] range = piece.getValue();
                final int length = UserDataCommand.encode(command, owner.local(), PRIVATE_KEY_PREFIX + piece.getKey(),
                    iq.buffer(), range[0], range[1] - range[0]);
                writer.write(command, length);
            }
            reply(requester, null, iq);
            requester.deliver(out, 0, xml.end().length());
            return null;
        }
        final String namespace = pieces.keySet().iterator().next();
        final byte[] stored = data.get(owner.local(), PRIVATE_KEY_PREFIX + namespace);
        reply(requester, null, iq);
        xml.start(QUERY).attribute(XMLNS, PRIVATE_NS);
        if (stored == null)
        {
            xml.start(firstName.getBytes(StandardCharsets.UTF_8)).attribute(XMLNS, namespace).end();
        }
        else
        {
            xml.raw(stored);
        }
        requester.deliver(out, 0, xml.end().end().length());
        return null;
    }

    /**
     * XEP-0049 §2: namespaces reserved in Jabber are not storage.
     */
    private static boolean isReserved(final String namespace)
    {
        return namespace.isEmpty() || namespace.startsWith("jabber:") || namespace.startsWith("http://jabber.org/") ||
            namespace.equals(VCARD_NS);
    }

    private void store(final Jid owner, final String key, final ElementFlyweight iq)
    {
        final int start = reader.elementOffset();
        reader.skipElement();
        final int length = UserDataCommand.encode(
            command, owner.local(), key, iq.buffer(), start, reader.position() - start);
        writer.write(command, length);
    }

    private void reply(final Session requester, final Jid from, final ElementFlyweight request)
    {
        xml.wrap(out, 0).startIqReply(request);
        if (from != null)
        {
            xml.attribute(FROM, from.toString());
        }
        xml.attribute(TO, requester.jid().toString()).attribute(TYPE, RESULT);
    }
}
