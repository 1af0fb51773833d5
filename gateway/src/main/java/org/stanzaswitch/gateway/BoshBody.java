package org.stanzaswitch.gateway;

import io.netty.buffer.ByteBuf;
import org.stanzaswitch.codec.Bytes;

import java.nio.charset.StandardCharsets;

/**
 * A BOSH request's {@code <body/>} wrapper (XEP-0124 §4): the attributes the connection manager acts on, and where
 * its payload lies. The payload is not parsed here: it goes to the connection's framer as stream bytes.
 */
final class BoshBody
{
    static final String NS = "http://jabber.org/protocol/httpbind";
    private static final byte[] BODY = Bytes.ascii("<body");
    private static final byte[] BODY_END = Bytes.ascii("</body>");
    private static final byte[] RID = Bytes.ascii("rid");
    private static final byte[] SID = Bytes.ascii("sid");
    private static final byte[] TYPE = Bytes.ascii("type");
    private static final byte[] TERMINATE = Bytes.ascii("terminate");
    private static final byte[] RESTART = Bytes.ascii("xmpp:restart");
    private static final byte[] TRUE = Bytes.ascii("true");
    private static final byte[] TO = Bytes.ascii("to");
    private static final byte[] LANG = Bytes.ascii("xml:lang");
    private static final byte[] WAIT = Bytes.ascii("wait");
    private static final byte[] HOLD = Bytes.ascii("hold");
    private static final byte[] VER = Bytes.ascii("ver");
    /** The highest version of XEP-0124 served. */
    private static final int[] SERVED_VERSION = {1, 11};
    private static final byte[] XMLNS = Bytes.ascii("xmlns");
    private static final byte[] NS_BYTES = Bytes.ascii(NS);

    long rid = -1;
    String sid;
    String to;
    boolean terminate;
    boolean restart;
    int wait = -1;
    int hold = -1;
    /** §7.2: the version to answer with, the client's if it is lower than ours. */
    String version = SERVED_VERSION[0] + "." + SERVED_VERSION[1];
    /** The {@code to} and {@code xml:lang} attributes as written, for the stream header. */
    final StringBuilder headerAttributes = new StringBuilder();
    int payloadStart;
    int payloadEnd;

    /**
     * @return the body read from the request, or null if it is not a BOSH body with a rid.
     */
    static BoshBody read(final ByteBuf content)
    {
        final int end = content.writerIndex();
        final int i = StreamElements.skipProlog(content, content.readerIndex(), end);
        if (!StreamElements.startsWith(content, i, end, BODY))
        {
            return null;
        }
        final BoshBody body = new BoshBody();
        final TagAttributes attributes = new TagAttributes().wrap(content, i + BODY.length, end);
        boolean namespaced = false;
        while (attributes.next())
        {
            namespaced |= attributes.nameIs(XMLNS) && attributes.valueIs(NS_BYTES);
            body.attribute(attributes);
        }
        final int tagEnd = attributes.tagEnd();
        if (!namespaced || tagEnd < 0 || body.rid < 0)
        {
            return null;
        }
        if (content.getByte(tagEnd - 1) == '/')
        {
            body.payloadStart = tagEnd + 1;
            body.payloadEnd = tagEnd + 1;
            return StreamElements.skipWhitespace(content, tagEnd + 1, end) == end ? body : null;
        }
        int close = end - BODY_END.length;
        while (close > tagEnd && TagAttributes.isWhitespace(content.getByte(close + BODY_END.length - 1)))
        {
            close--;
        }
        if (close <= tagEnd || !TagAttributes.regionIs(content, close, close + BODY_END.length, BODY_END))
        {
            return null;
        }
        body.payloadStart = tagEnd + 1;
        body.payloadEnd = close;
        return body;
    }

    private void attribute(final TagAttributes attributes)
    {
        final ByteBuf bytes = attributes.bytes();
        final String value = bytes.toString(attributes.valueStart, attributes.valueEnd - attributes.valueStart,
            StandardCharsets.UTF_8);
        if (attributes.nameIs(RID))
        {
            rid = number(value, 9_007_199_254_740_991L);
        }
        else if (attributes.nameIs(SID))
        {
            sid = value;
        }
        else if (attributes.nameIs(TYPE))
        {
            terminate = attributes.valueIs(TERMINATE);
        }
        else if (attributes.nameIs(RESTART))
        {
            restart = attributes.valueIs(TRUE) || value.equals("1");
        }
        else if (attributes.nameIs(WAIT))
        {
            wait = (int)number(value, Integer.MAX_VALUE);
        }
        else if (attributes.nameIs(HOLD))
        {
            hold = (int)number(value, Integer.MAX_VALUE);
        }
        else if (attributes.nameIs(VER))
        {
            version = lower(value);
        }
        else if (attributes.nameIs(TO) || attributes.nameIs(LANG))
        {
            if (attributes.nameIs(TO))
            {
                to = value;
            }
            headerAttributes.append(' ').append(bytes.toString(attributes.nameStart,
                attributes.valueEnd + 1 - attributes.nameStart, StandardCharsets.UTF_8));
        }
    }

    /**
     * @return the lower of the client's version and ours; ours if the client's is not "major.minor".
     */
    private static String lower(final String clientVersion)
    {
        final int dot = clientVersion.indexOf('.');
        final long major = dot < 0 ? -1 : number(clientVersion.substring(0, dot), Integer.MAX_VALUE);
        final long minor = dot < 0 ? -1 : number(clientVersion.substring(dot + 1), Integer.MAX_VALUE);
        if (major < 0 || minor < 0 || major > SERVED_VERSION[0] ||
            (major == SERVED_VERSION[0] && minor >= SERVED_VERSION[1]))
        {
            return SERVED_VERSION[0] + "." + SERVED_VERSION[1];
        }
        return major + "." + minor;
    }

    /**
     * @return the decimal number, or -1 if it is not one or is above {@code max}.
     */
    private static long number(final String value, final long max)
    {
        if (value.isEmpty() || value.length() > 16)
        {
            return -1;
        }
        long result = 0;
        for (int i = 0; i < value.length(); i++)
        {
            final char c = value.charAt(i);
            if (c < '0' || c > '9')
            {
                return -1;
            }
            result = result * 10 + (c - '0');
        }
        return result > max ? -1 : result;
    }
}
