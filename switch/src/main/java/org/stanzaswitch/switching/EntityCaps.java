package org.stanzaswitch.switching;

import org.stanzaswitch.codec.ElementFlyweight;
import org.stanzaswitch.codec.XmlReader;
import org.stanzaswitch.codec.XmppNamespaces;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * XEP-0115 entity capabilities as a PEP service needs them: the {@code <c/>} a presence carries, the features
 * a disco#info answer lists, and which verification strings are known. A verification string is remembered
 * only once an answer has been hashed to it (§5.4, against cache poisoning), so one client's answer never
 * decides what another client with the same string is sent. Owned by the router thread.
 */
final class EntityCaps
{
    static final String NS = "http://jabber.org/protocol/caps";
    /** XEP-0163 §4.2: a feature named after a node with this suffix asks for its notifications. */
    static final String NOTIFY_SUFFIX = "+notify";

    /** What a presence's {@code <c/>} says. */
    record Advertised(String node, String ver, String hash)
    {
    }

    /** A disco#info answer: its features and the verification string it hashes to under SHA-1. */
    record Answer(List<String> features, String sha1)
    {
    }

    /** Identities, features and forms are compared as UTF-8 bytes ("i;octet"), which is code point order. */
    private static final Comparator<String> OCTETS = (a, b) ->
    {
        int i = 0;
        int j = 0;
        while (i < a.length() && j < b.length())
        {
            final int x = a.codePointAt(i);
            final int y = b.codePointAt(j);
            if (x != y)
            {
                return Integer.compare(x, y);
            }
            i += Character.charCount(x);
            j += Character.charCount(y);
        }
        return Integer.compare(a.length() - i, b.length() - j);
    };

    private final Map<String, String[]> interestsByVer;
    private final XmlReader reader = new XmlReader();

    /**
     * @param capacity verification strings remembered; the least recently used goes first.
     */
    EntityCaps(final int capacity)
    {
        interestsByVer = new LinkedHashMap<>(16, 0.75f, true)
        {
            @Override
            protected boolean removeEldestEntry(final Map.Entry<String, String[]> eldest)
            {
                return size() > capacity;
            }
        };
    }

    /**
     * @return the nodes a verified verification string asks notifications for, or null if it is not known.
     */
    String[] interests(final String ver)
    {
        return interestsByVer.get(ver);
    }

    void remember(final String ver, final String[] interests)
    {
        interestsByVer.put(ver, interests);
    }

    /**
     * @return the {@code <c/>} of an available presence, or null if it has none.
     */
    Advertised advertised(final ElementFlyweight presence)
    {
        if (presence.isEmptyElement())
        {
            return null;
        }
        reader.wrap(presence);
        reader.next();
        XmlReader.Event event;
        while ((event = reader.next()) != XmlReader.Event.END_DOCUMENT)
        {
            if (event == XmlReader.Event.START_ELEMENT && reader.depth() == 2 && NS.equals(reader.namespace()) &&
                "c".equals(reader.localName()))
            {
                final String ver = reader.attributeValue("ver");
                return ver == null ? null : new Advertised(reader.attributeValue("node"), ver,
                    reader.attributeValue("hash"));
            }
        }
        return null;
    }

    /**
     * @param result an IQ result holding a disco#info query.
     * @return its features and verification string, or null if it holds no disco#info query.
     */
    Answer answer(final ElementFlyweight result)
    {
        reader.wrap(result);
        reader.next();
        if (reader.next() != XmlReader.Event.START_ELEMENT || !ServerServices.DISCO_INFO.equals(reader.namespace()))
        {
            return null;
        }
        final List<String> identities = new ArrayList<>();
        final List<String> features = new ArrayList<>();
        final List<DataForm> forms = new ArrayList<>();
        XmlReader.Event event;
        while ((event = reader.next()) != XmlReader.Event.END_DOCUMENT)
        {
            if (event != XmlReader.Event.START_ELEMENT || reader.depth() != 3)
            {
                continue;
            }
            final String name = reader.localName();
            if ("identity".equals(name))
            {
                identities.add(value("category") + '/' + value("type") + '/' + language() + '/' + value("name"));
            }
            else if ("feature".equals(name))
            {
                features.add(value("var"));
            }
            else if ("x".equals(name) && DataForm.NS.equals(reader.namespace()))
            {
                forms.add(DataForm.read(reader));
            }
        }
        return new Answer(features, verification(identities, features, forms));
    }

    /**
     * XEP-0115 §5.1, for SHA-1.
     *
     * @param identities each as category/type/lang/name.
     * @param features   the feature names.
     * @param forms      the XEP-0128 extended information forms.
     * @return the Base64 verification string.
     */
    static String verification(final List<String> identities, final List<String> features, final List<DataForm> forms)
    {
        final StringBuilder s = new StringBuilder();
        identities.stream().sorted(OCTETS).forEach(identity -> s.append(identity).append('<'));
        features.stream().sorted(OCTETS).forEach(feature -> s.append(feature).append('<'));
        forms.stream().sorted(Comparator.comparing(DataForm::type, OCTETS)).forEach(form ->
        {
            s.append(form.type()).append('<');
            form.fields().keySet().stream().sorted(OCTETS).forEach(var ->
            {
                s.append(var).append('<');
                form.fields().get(var).stream().sorted(OCTETS).forEach(value -> s.append(value).append('<'));
            });
        });
        try
        {
            final byte[] digest =
                MessageDigest.getInstance("SHA-1").digest(s.toString().getBytes(StandardCharsets.UTF_8));
            return Base64.getEncoder().encodeToString(digest);
        }
        catch (final NoSuchAlgorithmException ex)
        {
            throw new IllegalStateException("every JDK has SHA-1", ex);
        }
    }

    private String value(final String attribute)
    {
        final String value = reader.attributeValue(attribute);
        return value == null ? "" : value;
    }

    private String language()
    {
        for (int i = 0; i < reader.attributeCount(); i++)
        {
            if (XmppNamespaces.XML.equals(reader.attributeNamespace(i)) && "lang".equals(reader.attributeLocalName(i)))
            {
                return reader.attributeValueAt(i);
            }
        }
        return "";
    }

    /**
     * @return the nodes whose notifications the features ask for (XEP-0163 §4.2).
     */
    static String[] interestsOf(final List<String> features)
    {
        return features.stream()
            .filter(feature -> feature.endsWith(NOTIFY_SUFFIX) && feature.length() > NOTIFY_SUFFIX.length())
            .map(feature -> feature.substring(0, feature.length() - NOTIFY_SUFFIX.length())).distinct()
            .toArray(String[]::new);
    }
}
