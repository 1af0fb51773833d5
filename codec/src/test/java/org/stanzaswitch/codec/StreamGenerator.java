package org.stanzaswitch.codec;

import java.nio.charset.StandardCharsets;
import java.util.Random;

/**
 * Generates random XMPP streams that are valid XML within RFC 6120's restrictions (nested payloads, prefixed
 * namespaces, references, CDATA, text outside ASCII), and mutations of them that may be anything.
 */
final class StreamGenerator
{
    private static final String[] NAMES = {"message", "presence", "iq", "body", "query", "item", "x", "é-ü", "a.b_c"};
    private static final String[] NAMESPACES = {"jabber:iq:roster", "urn:xmpp:delay", "urn:a", "http://x/y?z=1"};
    private static final String[] TEXT = {"hello", " ", "&amp;", "&lt;", "&gt;", "&quot;", "&apos;", "&#x263A;",
        "&#65;", "Grüße", "日本語", "😀", "\n", "\r\n", "\t", "]", "]]", "<![CDATA[a<b&c]]>", "<![CDATA[]]>", ">"};
    private static final String[] VALUES = {"a@b/c", "chat", "", "x y", "&amp;&lt;", "\u00e9t\u00e9", "1\t2\n3",
        "&#10;", "\"", "'", "&#x1F600;"};

    /** Names alike (same length, same last byte), the stanza attributes, and the one prefix bound by definition. */
    private static final String[] ATTRIBUTE_NAMES = {"a0", "a1", "ab", "cb", "to", "from", "id", "type", "xml:lang"};
    /** Attributes a mutation adds to a tag: repeats, declarations, prefixes unbound, reserved or bound. */
    private static final String[] ATTRIBUTE_INSERTS = {" a0='1'", " ab='2'", " to='x'", " xml:lang='en'", " p:a='3'",
        " q1:a='4'", " q2:v='5'", " xmlns='urn:a'", " xmlns:q1='urn:a'", " xmlns:q2='urn:a'", " xmlns:xml='urn:a'",
        " xmlns:xmlns='urn:a'", " xml:a='6'"};

    private static final String SPECIALS = "<>&;'\"/:=!?[]-x \u0000";

    private final Random random;

    StreamGenerator(final long seed)
    {
        random = new Random(seed);
    }

    String header()
    {
        final StringBuilder builder = new StringBuilder();
        if (random.nextBoolean())
        {
            builder.append("<?xml version='1.0' encoding='UTF-8'?>");
        }
        builder.append("<stream:stream xmlns='jabber:client' xmlns:stream='http://etherx.jabber.org/streams'")
            .append(" to='example.com' version='1.0'>");
        return builder.toString();
    }

    String stream(final int elements)
    {
        final StringBuilder builder = new StringBuilder(header());
        for (int i = 0; i < elements; i++)
        {
            if (random.nextInt(4) == 0)
            {
                builder.append(random.nextBoolean() ? " " : "\n");
            }
            element(builder, 0, null);
        }
        if (random.nextBoolean())
        {
            builder.append("</stream:stream>");
        }
        return builder.toString();
    }

    private void element(final StringBuilder builder, final int depth, final String declaredPrefix)
    {
        final String name = NAMES[random.nextInt(NAMES.length)];
        final String declare = random.nextInt(3) == 0 ? "q" + depth : null;
        final String childPrefix = declare != null ? declare : declaredPrefix;
        final String prefix = childPrefix != null && random.nextInt(3) == 0 ? childPrefix : null;
        builder.append('<');
        if (prefix != null)
        {
            builder.append(prefix).append(':');
        }
        builder.append(name);
        if (random.nextInt(3) == 0)
        {
            builder.append(" xmlns='").append(NAMESPACES[random.nextInt(NAMESPACES.length)]).append('\'');
        }
        if (declare != null)
        {
            builder.append(" xmlns:").append(declare).append("='")
                .append(NAMESPACES[random.nextInt(NAMESPACES.length)]).append('\'');
        }
        final int attributes = random.nextInt(4);
        int namesUsed = 0;
        for (int i = 0; i < attributes; i++)
        {
            final int k = random.nextInt(ATTRIBUTE_NAMES.length + (childPrefix != null ? 1 : 0));
            if ((namesUsed & (1 << k)) != 0)
            {
                continue;
            }
            namesUsed |= 1 << k;
            final char quote = random.nextBoolean() ? '\'' : '"';
            String value = VALUES[random.nextInt(VALUES.length)];
            if (value.equals(String.valueOf(quote)))
            {
                value = "";
            }
            builder.append(random.nextBoolean() ? " " : "\n  ")
                .append(k < ATTRIBUTE_NAMES.length ? ATTRIBUTE_NAMES[k] : childPrefix + ":a")
                .append('=').append(quote).append(value).append(quote);
        }
        if (random.nextInt(4) == 0)
        {
            builder.append("/>");
            return;
        }
        builder.append('>');
        final int children = depth > 4 ? 0 : random.nextInt(4);
        for (int i = 0; i < children; i++)
        {
            if (random.nextBoolean())
            {
                builder.append(TEXT[random.nextInt(TEXT.length)]);
            }
            element(builder, depth + 1, childPrefix);
        }
        if (random.nextBoolean())
        {
            builder.append(TEXT[random.nextInt(TEXT.length)]);
        }
        builder.append("</");
        if (prefix != null)
        {
            builder.append(prefix).append(':');
        }
        builder.append(name).append('>');
    }

    byte[] mutate(final byte[] input)
    {
        final byte[] output = input.clone();
        final int mutations = 1 + random.nextInt(3);
        byte[] current = output;
        for (int m = 0; m < mutations && current.length > 0; m++)
        {
            final int at = random.nextInt(current.length);
            switch (random.nextInt(5))
            {
                case 0:
                    current[at] = (byte)random.nextInt(256);
                    break;
                case 1:
                    current[at] = (byte)SPECIALS.charAt(random.nextInt(SPECIALS.length()));
                    break;
                case 2:
                    current = splice(current, at, new byte[0], 1 + random.nextInt(4));
                    break;
                case 3:
                    current = insertAttribute(current, at);
                    break;
                default:
                    final String insert = TEXT[random.nextInt(TEXT.length)];
                    current = splice(current, at, insert.getBytes(StandardCharsets.UTF_8), 0);
                    break;
            }
        }
        return current;
    }

    /**
     * Add an attribute at the end of the first tag that ends at or after {@code from}, so that tags get
     * repeated names, declarations and prefixes as well as bytes out of place.
     */
    private byte[] insertAttribute(final byte[] input, final int from)
    {
        int at = from;
        while (at < input.length && input[at] != '>')
        {
            at++;
        }
        if (at == input.length)
        {
            return input;
        }
        if (at > 0 && input[at - 1] == '/')
        {
            at--;
        }
        final String insert = ATTRIBUTE_INSERTS[random.nextInt(ATTRIBUTE_INSERTS.length)];
        return splice(input, at, insert.getBytes(StandardCharsets.UTF_8), 0);
    }

    private static byte[] splice(final byte[] input, final int at, final byte[] insert, final int remove)
    {
        final int removed = Math.min(remove, input.length - at);
        final byte[] output = new byte[input.length - removed + insert.length];
        System.arraycopy(input, 0, output, 0, at);
        System.arraycopy(insert, 0, output, at, insert.length);
        System.arraycopy(input, at + removed, output, at + insert.length, input.length - at - removed);
        return output;
    }

    int[] chunking(final int length)
    {
        final int mode = random.nextInt(3);
        final int[] sizes = new int[length];
        int count = 0;
        int remaining = length;
        while (remaining > 0)
        {
            final int size = mode == 0 ? 1 : Math.min(remaining, 1 + random.nextInt(mode == 1 ? 7 : 200));
            sizes[count++] = size;
            remaining -= size;
        }
        return java.util.Arrays.copyOf(sizes, count);
    }
}
