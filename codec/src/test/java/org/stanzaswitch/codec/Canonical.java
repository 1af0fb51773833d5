package org.stanzaswitch.codec;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * A canonical text form of an element's structure: expanded names, attributes sorted, text decoded. Two
 * parsers agree on an element when they give the same form.
 */
final class Canonical
{
    private Canonical()
    {
    }

    static String of(final XmlReader reader)
    {
        final StringBuilder builder = new StringBuilder();
        XmlReader.Event event;
        while ((event = reader.next()) != XmlReader.Event.END_DOCUMENT)
        {
            switch (event)
            {
                case START_ELEMENT:
                    final List<String> attributes = new ArrayList<>();
                    for (int i = 0; i < reader.attributeCount(); i++)
                    {
                        attributes.add(attribute(
                            reader.attributeNamespace(i), reader.attributeLocalName(i), reader.attributeValueAt(i)));
                    }
                    startElement(builder, reader.namespace(), reader.localName(), attributes);
                    break;
                case END_ELEMENT:
                    builder.append(')');
                    break;
                default:
                    text(builder, reader.text());
                    break;
            }
        }
        return builder.toString();
    }

    static String attribute(final String namespace, final String localName, final String value)
    {
        return "{" + namespace + "}" + localName + "=" + escape(value);
    }

    static void startElement(
        final StringBuilder builder, final String namespace, final String localName, final List<String> attributes)
    {
        Collections.sort(attributes);
        builder.append("({").append(namespace).append('}').append(localName).append(attributes);
    }

    static void text(final StringBuilder builder, final String text)
    {
        if (!text.isEmpty())
        {
            builder.append('"').append(escape(text)).append('"');
        }
    }

    private static String escape(final String value)
    {
        final StringBuilder builder = new StringBuilder();
        for (int i = 0; i < value.length(); i++)
        {
            final char c = value.charAt(i);
            if (c < 0x20 || c == '"' || c == '\\')
            {
                builder.append(String.format("\\u%04x", (int)c));
            }
            else
            {
                builder.append(c);
            }
        }
        return builder.toString();
    }
}
