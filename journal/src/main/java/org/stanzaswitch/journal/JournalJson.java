package org.stanzaswitch.journal;

import org.agrona.DirectBuffer;

import java.time.Instant;
import java.util.Locale;

/**
 * One JSON line per journal record, for {@code stanzaswitch journal tail} and for consumers that would rather
 * parse JSON than the binary layouts of docs/journal-format.md. Off the hot path: allocates freely.
 */
public final class JournalJson
{
    /** The journals of a node, by the name of their directory under the data directory. */
    public enum Name
    {
        STATE, ARCHIVE, OFFLINE, EVENTS;

        public String directory()
        {
            return name().toLowerCase(Locale.ROOT);
        }

        public static Name of(final String name)
        {
            return valueOf(name.toUpperCase(Locale.ROOT));
        }
    }

    private static final String[] STATE_COMMANDS = {"unknown", "set-password", "delete-account", "set-roster-item",
        "remove-roster-item", "set-user-data", "block-list", "archive-preferences"};

    private final MessageRecord message = new MessageRecord();
    private final EventRecord event = new EventRecord();

    /**
     * @return the record as one line of JSON, without the line end.
     */
    public String format(final Name journal, final long index, final DirectBuffer buffer, final int offset,
        final int length)
    {
        final StringBuilder json = new StringBuilder(128).append("{\"index\":").append(index);
        final byte type = buffer.getByte(offset);
        switch (journal)
        {
            case STATE -> field(json, "command", type > 0 && type < STATE_COMMANDS.length ? STATE_COMMANDS[type] :
                "type-" + type).append(",\"owner\":").append(quote(CountedStrings.get(buffer, offset + 1)));
            case EVENTS -> event(json, buffer, offset);
            default ->
            {
                if (type == MessageRecord.MESSAGE)
                {
                    message(json, buffer, offset);
                }
                else if (type == OwnerMark.OWNER_DELETED || type == OwnerMark.DELIVERED)
                {
                    field(json, "type", type == OwnerMark.OWNER_DELETED ? "owner-deleted" : "delivered");
                    field(json, "owner", OwnerMark.owner(buffer, offset))
                        .append(",\"upTo\":").append(OwnerMark.upToIndex(buffer, offset));
                }
                else
                {
                    field(json, "type", "type-" + type);
                }
            }
        }
        return json.append(",\"bytes\":").append(length).append('}').toString();
    }

    private void message(final StringBuilder json, final DirectBuffer buffer, final int offset)
    {
        message.wrap(buffer, offset);
        field(json, "type", "message");
        field(json, "time", Instant.ofEpochMilli(message.receivedMillis()).toString());
        field(json, "from", message.from());
        field(json, "to", message.to());
        json.append(",\"senderArchive\":").append((message.flags() & MessageRecord.FLAG_SENDER_ARCHIVE) != 0);
        json.append(",\"recipientArchive\":").append((message.flags() & MessageRecord.FLAG_RECIPIENT_ARCHIVE) != 0);
        field(json, "stanza", message.stanza());
    }

    private void event(final StringBuilder json, final DirectBuffer buffer, final int offset)
    {
        event.wrap(buffer, offset);
        final EventRecord.Kind kind = event.kind();
        field(json, "type", kind == null ? "unknown" : kind.jsonName());
        field(json, "time", Instant.ofEpochMilli(event.timeMillis()).toString());
        field(json, "jid", event.who());
        field(json, "address", event.address());
        field(json, "detail", event.detail());
    }

    private static StringBuilder field(final StringBuilder json, final String name, final String value)
    {
        return json.append(",\"").append(name).append("\":").append(quote(value));
    }

    /**
     * @return the value as a JSON string literal (RFC 8259 §7).
     */
    static String quote(final String value)
    {
        final StringBuilder quoted = new StringBuilder(value.length() + 2).append('"');
        for (int i = 0; i < value.length(); i++)
        {
            final char c = value.charAt(i);
            switch (c)
            {
                case '"' -> quoted.append("\\\"");
                case '\\' -> quoted.append("\\\\");
                case '\n' -> quoted.append("\\n");
                case '\r' -> quoted.append("\\r");
                case '\t' -> quoted.append("\\t");
                default ->
                {
                    if (c < 0x20)
                    {
                        quoted.append(String.format("\\u%04x", (int)c));
                    }
                    else
                    {
                        quoted.append(c);
                    }
                }
            }
        }
        return quoted.append('"').toString();
    }
}
