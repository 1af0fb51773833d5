package org.stanzaswitch.switching;

import org.stanzaswitch.codec.Bytes;
import org.stanzaswitch.codec.XmlEncoder;
import org.stanzaswitch.codec.XmlReader;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A XEP-0004 data form as the services read one: its FORM_TYPE and each other field's values, by var; and the
 * fields of the forms they write.
 *
 * @param type   the FORM_TYPE value, "" if the form has none.
 * @param fields values by field var, in the form's order.
 */
record DataForm(String type, Map<String, List<String>> fields)
{
    static final String NS = "jabber:x:data";

    private static final byte[] FIELD = Bytes.ascii("field");
    private static final byte[] VAR = Bytes.ascii("var");
    private static final byte[] TYPE = Bytes.ascii("type");
    private static final byte[] VALUE = Bytes.ascii("value");
    private static final byte[] OPTION = Bytes.ascii("option");

    /**
     * @return XEP-0004 §3.3's boolean: true for "1" or "true", false for "0" or "false", null for anything else.
     */
    static Boolean bool(final String value)
    {
        if (value == null)
        {
            return null;
        }
        return switch (value)
        {
            case "1", "true" -> Boolean.TRUE;
            case "0", "false" -> Boolean.FALSE;
            default -> null;
        };
    }

    /**
     * Write a field with one value.
     */
    static void writeField(final XmlEncoder xml, final String var, final String type, final String value)
    {
        writeField(xml, var, type, List.of(value), List.of());
    }

    /**
     * Write a field: its var, its type (§3.3; XEP-0068 registries fix each field's type per form type, and clients
     * such as Smack refuse a form that gives the same field another), its values, and a list's options.
     */
    static void writeField(final XmlEncoder xml, final String var, final String type, final List<String> values,
        final List<String> options)
    {
        xml.start(FIELD).attribute(VAR, var).attribute(TYPE, type);
        for (final String value : values)
        {
            xml.start(VALUE).text(value).end();
        }
        for (final String option : options)
        {
            xml.start(OPTION).start(VALUE).text(option).end().end();
        }
        xml.end();
    }

    /**
     * Read the form whose {@code <x/>} the reader has just started; leaves the reader after its end.
     */
    static DataForm read(final XmlReader reader)
    {
        String type = "";
        final Map<String, List<String>> fields = new LinkedHashMap<>();
        final int formDepth = reader.depth();
        XmlReader.Event event;
        while ((event = reader.next()) != XmlReader.Event.END_DOCUMENT && reader.depth() >= formDepth)
        {
            if (event != XmlReader.Event.START_ELEMENT || reader.depth() != formDepth + 1 ||
                !"field".equals(reader.localName()))
            {
                continue;
            }
            final String var = reader.attributeValue("var");
            final List<String> values = new ArrayList<>();
            final int fieldDepth = reader.depth();
            while ((event = reader.next()) != XmlReader.Event.END_DOCUMENT && reader.depth() >= fieldDepth)
            {
                if (event == XmlReader.Event.START_ELEMENT && "value".equals(reader.localName()))
                {
                    values.add(reader.elementText());
                }
            }
            if ("FORM_TYPE".equals(var))
            {
                type = values.isEmpty() ? "" : values.get(0);
            }
            else if (var != null)
            {
                fields.put(var, values);
            }
        }
        return new DataForm(type, fields);
    }
}
