package org.stanzaswitch.switching;

import org.stanzaswitch.codec.XmlReader;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A XEP-0004 data form as the services read one: its FORM_TYPE and each other field's values, by var.
 *
 * @param type   the FORM_TYPE value, "" if the form has none.
 * @param fields values by field var, in the form's order.
 */
record DataForm(String type, Map<String, List<String>> fields)
{
    static final String NS = "jabber:x:data";

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
