package org.stanzaswitch.switching;

import org.agrona.ExpandableArrayBuffer;
import org.agrona.MutableDirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;
import org.stanzaswitch.codec.Bytes;
import org.stanzaswitch.codec.ChildElements;
import org.stanzaswitch.codec.ElementFlyweight;
import org.stanzaswitch.codec.Jid;
import org.stanzaswitch.codec.StanzaSplicer;
import org.stanzaswitch.codec.StartTagFlyweight;
import org.stanzaswitch.codec.XmlEncoder;
import org.stanzaswitch.codec.XmlReader;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.Map;
import java.util.logging.Logger;

/**
 * XEP-0398 user avatar compatibility: the avatar a user publishes with XEP-0084 is what XEP-0153 clients see, as a
 * hash in each available presence (§5) and as the vCard's photo (§4.1). The photo is read from the PEP nodes
 * when a vCard is asked for, as §6.2 allows, and only for whoever may read the avatar's data node; nothing is
 * stored twice. An avatar counts once its data item is there and hashes (SHA-1) to the id its metadata names.
 * Owned by the router thread.
 */
final class AvatarConversion
{
    static final String FEATURE = "urn:xmpp:pep-vcard-conversion:0";
    static final String METADATA_NODE = "urn:xmpp:avatar:metadata";
    static final String DATA_NODE = "urn:xmpp:avatar:data";

    private static final Logger LOG = Logger.getLogger(AvatarConversion.class.getName());
    private static final String UPDATE_NS = "vcard-temp:x:update";
    private static final byte[] X = Bytes.ascii("x");
    private static final byte[] PHOTO = Bytes.ascii("PHOTO");
    private static final byte[] LOWER_PHOTO = Bytes.ascii("photo");
    private static final byte[] TYPE = Bytes.ascii("TYPE");
    private static final byte[] BINVAL = Bytes.ascii("BINVAL");
    private static final byte[] XMLNS = Bytes.ascii("xmlns");
    private static final byte[] UPDATE_NS_BYTES = Bytes.ascii(UPDATE_NS);
    /** A user without an avatar, remembered as such. */
    private static final Avatar NONE = new Avatar(null, null);

    /** What a user's avatar is, once checked: its hash and its media type; the image stays in the data node. */
    private record Avatar(String hash, String type)
    {
    }

    private final PepService pep;
    private final Map<String, Avatar> avatars = new HashMap<>();
    private final XmlReader reader = new XmlReader();
    private final ChildElements children = new ChildElements();
    private final XmlEncoder xml = new XmlEncoder();
    private final ExpandableArrayBuffer update = new ExpandableArrayBuffer(128);
    private final ExpandableArrayBuffer withoutEmpty = new ExpandableArrayBuffer(1024);
    private final ElementFlyweight trimmed = new ElementFlyweight(64);
    private final MessageDigest sha1;

    AvatarConversion(final PepService pep)
    {
        this.pep = pep;
        try
        {
            sha1 = MessageDigest.getInstance("SHA-1");
        }
        catch (final NoSuchAlgorithmException ex)
        {
            throw new IllegalStateException("SHA-1 is part of every JDK", ex);
        }
        pep.onNodeChange((owner, node) ->
        {
            if (METADATA_NODE.equals(node) || DATA_NODE.equals(node))
            {
                avatars.remove(owner.local());
            }
        });
    }

    /**
     * An account is gone, and its avatar with it.
     */
    void forget(final Jid account)
    {
        avatars.remove(account.local());
    }

    /**
     * §5: an available presence names the sender's avatar, unless it says it has none ({@code <photo/>}) or
     * names one itself; an {@code <x/>} without a photo is replaced.
     *
     * @param sender      the sender's full JID, as the presence's {@code from} says.
     * @param presence    as received.
     * @param destination for the presence with the hash, when it needs one.
     * @return bytes written to the destination, or 0 if the presence stays as it is.
     */
    int withPhotoHash(final Jid sender, final ElementFlyweight presence, final MutableDirectBuffer destination)
    {
        if (presence.typeIndex() != StartTagFlyweight.MISSING || sender.local() == null)
        {
            return 0;
        }
        final Avatar avatar = avatar(sender.bare());
        if (avatar == NONE)
        {
            return 0;
        }
        ElementFlyweight source = presence;
        children.wrap(presence);
        while (children.next())
        {
            if (children.is(X, UPDATE_NS_BYTES))
            {
                if (hasPhoto(presence))
                {
                    return 0;
                }
                source = without(presence, children.childOffset(), children.childLength());
                break;
            }
        }
        final int childLength = xml.wrap(update, 0).start(X).attribute(XMLNS, UPDATE_NS_BYTES)
            .start(LOWER_PHOTO).text(avatar.hash()).end().end().length();
        return StanzaSplicer.splice(source, sender.utf8(), update, 0, childLength, destination, 0);
    }

    /**
     * §4.1: the vCard's photo, for a requester that may read the avatar.
     *
     * @return {@code <PHOTO/>} with the avatar's type and image, or null if there is none to show.
     */
    byte[] photo(final Jid owner, final Jid requester)
    {
        final Avatar avatar = avatar(owner);
        final boolean shown = avatar != NONE && pep.mayRead(owner, requester, DATA_NODE);
        final String image = shown ? image(owner, avatar.hash()) : null;
        if (image == null)
        {
            return null;
        }
        final int length = xml.wrap(update, 0).start(PHOTO).start(TYPE).text(avatar.type()).end()
            .start(BINVAL).text(image).end().end().length();
        final byte[] photo = new byte[length];
        update.getBytes(0, photo);
        return photo;
    }

    private boolean hasPhoto(final ElementFlyweight presence)
    {
        reader.wrap(presence.buffer(), children.childOffset(), children.childLength(), "", UPDATE_NS);
        XmlReader.Event event;
        while ((event = reader.next()) != XmlReader.Event.END_DOCUMENT)
        {
            if (event == XmlReader.Event.START_ELEMENT && reader.depth() == 2 && "photo".equals(reader.localName()))
            {
                return true;
            }
        }
        return false;
    }

    private ElementFlyweight without(final ElementFlyweight presence, final int childOffset, final int childLength)
    {
        final int before = childOffset - presence.offset();
        final int after = presence.offset() + presence.length() - (childOffset + childLength);
        withoutEmpty.putBytes(0, presence.buffer(), presence.offset(), before);
        withoutEmpty.putBytes(before, presence.buffer(), childOffset + childLength, after);
        trimmed.wrap(withoutEmpty, 0, before + after, presence.namespaceBuffer(), presence.namespaceOffset(),
            presence.namespaceLength());
        return trimmed;
    }

    private Avatar avatar(final Jid user)
    {
        Avatar avatar = avatars.get(user.local());
        if (avatar == null)
        {
            avatar = read(user);
            avatars.put(user.local(), avatar);
        }
        return avatar;
    }

    /**
     * XEP-0084 §4.2: the metadata's first {@code <info/>} without a URL names the image in the data node.
     */
    private Avatar read(final Jid user)
    {
        final NodeItems.Item metadata = pep.lastItem(user, METADATA_NODE);
        if (metadata == null || metadata.payload() == null)
        {
            return NONE;
        }
        String id = null;
        String type = null;
        reader.wrap(new UnsafeBuffer(metadata.payload()), 0, metadata.payload().length, "", "");
        XmlReader.Event event;
        while ((event = reader.next()) != XmlReader.Event.END_DOCUMENT)
        {
            if (event == XmlReader.Event.START_ELEMENT && "info".equals(reader.localName()) &&
                reader.attributeValue("url") == null)
            {
                id = reader.attributeValue("id");
                type = reader.attributeValue("type");
                break;
            }
        }
        final String image = id == null ? null : image(user, id);
        if (image == null)
        {
            return NONE;
        }
        try
        {
            // §4.1: SHOULD verify that the image hashes to its id.
            final String hash = HexFormat.of().formatHex(sha1.digest(Base64.getDecoder().decode(image)));
            if (hash.equalsIgnoreCase(id))
            {
                return new Avatar(hash, type == null ? "image/png" : type);
            }
        }
        catch (final IllegalArgumentException ex)
        {
            // Not base64: no avatar, as for a mismatched hash.
        }
        final String named = id;
        LOG.fine(() -> user + "'s avatar image does not hash to its id " + named);
        return NONE;
    }

    /**
     * @return the image the data node holds under an id, as base64 without white space; null if it holds none.
     */
    private String image(final Jid user, final String id)
    {
        final NodeItems.Item data = pep.lastItem(user, DATA_NODE);
        if (data == null || data.payload() == null || !id.equalsIgnoreCase(data.id()))
        {
            return null;
        }
        reader.wrap(new UnsafeBuffer(data.payload()), 0, data.payload().length, "", "");
        reader.next();
        return reader.elementText().replaceAll("\\s", "");
    }
}
