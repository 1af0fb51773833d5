package org.stanzaswitch.switching;

import org.agrona.ExpandableArrayBuffer;
import org.stanzaswitch.codec.Bytes;
import org.stanzaswitch.codec.ElementFlyweight;
import org.stanzaswitch.codec.Jid;
import org.stanzaswitch.codec.JidParser;
import org.stanzaswitch.codec.StanzaErrorCondition;
import org.stanzaswitch.codec.XmlEncoder;
import org.stanzaswitch.codec.XmlReader;
import org.stanzaswitch.switching.archive.ArchiveService;

import java.util.LinkedHashSet;
import java.util.Set;

/**
 * XEP-0441 §3: a user reads and replaces their archiving preferences; a change is a state command, so it is
 * durable before the reply and survives restarts. Owned by the router thread.
 */
final class ArchivePreferencesService
{
    private static final byte[] PREFS = Bytes.ascii("prefs");
    private static final byte[] ALWAYS = Bytes.ascii("always");
    private static final byte[] NEVER = Bytes.ascii("never");
    private static final byte[] JID = Bytes.ascii("jid");
    private static final byte[] XMLNS = Bytes.ascii("xmlns");
    private static final byte[] DEFAULT = Bytes.ascii("default");
    private static final byte[] TO = Bytes.ascii("to");
    private static final byte[] TYPE = Bytes.ascii("type");
    private static final byte[] RESULT = Bytes.ascii("result");
    private static final byte[] MAM_NS = Bytes.ascii(ArchiveService.MAM_NS);

    private final StateWriter writer;
    private final ArchivePreferences preferences;
    private final XmlReader reader = new XmlReader();
    private final XmlEncoder xml = new XmlEncoder();
    private final JidParser parser = new JidParser();
    private final ExpandableArrayBuffer out = new ExpandableArrayBuffer(1024);
    private final ExpandableArrayBuffer command = new ExpandableArrayBuffer(256);

    ArchivePreferencesService(final StateWriter writer, final ArchivePreferences preferences)
    {
        this.writer = writer;
        this.preferences = preferences;
    }

    /**
     * @return null if answered, else the error to return.
     */
    StanzaErrorCondition onIq(final Session requester, final ElementFlyweight iq, final boolean set)
    {
        final String owner = requester.jid().local();
        if (set)
        {
            reader.wrap(iq);
            reader.next();
            reader.next();
            final int mode = ArchivePreferences.modeOf(reader.attributeValue("default"));
            if (mode < 0)
            {
                return StanzaErrorCondition.BAD_REQUEST;
            }
            final Set<String> always = new LinkedHashSet<>();
            final Set<String> never = new LinkedHashSet<>();
            Set<String> list = null;
            XmlReader.Event event;
            while ((event = reader.next()) != XmlReader.Event.END_DOCUMENT)
            {
                if (event != XmlReader.Event.START_ELEMENT)
                {
                    continue;
                }
                final String name = reader.localName();
                if ("always".equals(name) || "never".equals(name))
                {
                    list = "always".equals(name) ? always : never;
                }
                else if ("jid".equals(name) && list != null)
                {
                    final Jid jid = parser.parse(reader.elementText().trim());
                    if (jid == null)
                    {
                        return StanzaErrorCondition.JID_MALFORMED;
                    }
                    list.add(jid.bare().toString());
                }
            }
            never.forEach(always::remove);
            writer.write(command, ArchivePreferences.encode(command, owner,
                new ArchivePreferences.Preferences(mode, always, never)));
        }
        final ArchivePreferences.Preferences current = preferences.of(owner);
        xml.wrap(out, 0).startIqReply(iq);
        xml.attribute(TO, requester.jid().toString()).attribute(TYPE, RESULT)
            .start(PREFS).attribute(XMLNS, MAM_NS).attribute(DEFAULT, ArchivePreferences.DEFAULTS[current.defaultMode]);
        list(ALWAYS, current.always);
        list(NEVER, current.never);
        requester.deliver(out, 0, xml.end().end().length());
        return null;
    }

    private void list(final byte[] name, final Set<String> jids)
    {
        xml.start(name);
        for (final String jid : jids)
        {
            xml.start(JID).text(jid).end();
        }
        xml.end();
    }
}
