package org.stanzaswitch.switching;

import org.agrona.concurrent.UnsafeBuffer;
import org.stanzaswitch.codec.Bytes;
import org.stanzaswitch.codec.ElementFlyweight;
import org.stanzaswitch.codec.Jid;
import org.stanzaswitch.codec.StanzaErrorCondition;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.HashMap;
import java.util.Map;
import java.util.function.LongSupplier;
import java.util.regex.Pattern;

/**
 * XEP-0363 at {@code upload.<domain>}: the service's identity and limits (§3), and slots (§4) for the server's own
 * accounts, within the file size limit and each account's daily quota (§5). The files never come near the router:
 * the transport's {@link FileShare} signs the URLs and takes the uploads. Owned by the router thread.
 */
final class UploadService extends SubdomainService
{
    static final String NS = "urn:xmpp:http:upload:0";
    private static final String PREFIX = "upload.";
    private static final long DAY_MILLIS = 86_400_000L;
    private static final int MAX_FILENAME_BYTES = 255;
    private static final int SWEEP_AT_LEAST = 1024;
    /** RFC 6838 §4.2: type "/" subtype, restricted names, optional parameters after ';'. */
    private static final Pattern MEDIA_TYPE =
        Pattern.compile("[A-Za-z0-9][A-Za-z0-9!#$&^_.+-]{0,126}/[A-Za-z0-9][A-Za-z0-9!#$&^_.+-]{0,126}(;[ -~]*)?");
    private static final String DEFAULT_CONTENT_TYPE = "application/octet-stream";

    private static final byte[] QUERY = Bytes.ascii("query");
    private static final byte[] IDENTITY = Bytes.ascii("identity");
    private static final byte[] FEATURE = Bytes.ascii("feature");
    private static final byte[] X = Bytes.ascii("x");
    private static final byte[] SLOT = Bytes.ascii("slot");
    private static final byte[] PUT = Bytes.ascii("put");
    private static final byte[] HEADER = Bytes.ascii("header");
    private static final byte[] GET_ELEMENT = Bytes.ascii("get");
    private static final byte[] XMLNS = Bytes.ascii("xmlns");
    private static final byte[] CATEGORY = Bytes.ascii("category");
    private static final byte[] TYPE = Bytes.ascii("type");
    private static final byte[] NAME = Bytes.ascii("name");
    private static final byte[] VAR = Bytes.ascii("var");
    private static final byte[] URL = Bytes.ascii("url");
    private static final byte[] RESULT = Bytes.ascii("result");

    /** Bytes one account was given slots for since the start of its current day. */
    private static final class Usage
    {
        long dayStartMillis;
        long bytes;
    }

    private final Jid domain;
    private final FileShare share;
    private final LongSupplier clock;
    private final Map<Jid, Usage> usage = new HashMap<>();
    private int sweepAt = SWEEP_AT_LEAST;

    /**
     * @param clock milliseconds since the epoch, for the daily quota.
     */
    UploadService(final Jid domain, final FileShare share, final LongSupplier clock)
    {
        super(domain, PREFIX, "HTTP File Upload", 1024);
        this.domain = domain;
        this.share = share;
        this.clock = clock;
    }

    @Override
    StanzaErrorCondition onRequest(final Session sender, final ElementFlyweight iq, final boolean get,
        final String namespace)
    {
        if (get && ServerServices.DISCO_INFO.equals(namespace))
        {
            discoInfo(sender, iq);
            return null;
        }
        if (get && ServerServices.DISCO_ITEMS.equals(namespace))
        {
            result(sender, iq).start(QUERY).attribute(XMLNS, ServerServices.DISCO_ITEMS).end();
            sender.deliver(out, 0, xml.end().length());
            return null;
        }
        if (!get || !NS.equals(namespace) || !"request".equals(reader.localName()))
        {
            return StanzaErrorCondition.FEATURE_NOT_IMPLEMENTED;
        }
        if (!sender.jid().domain().equals(domain.domain()))
        {
            // Uploads are for this server's own accounts; a remote user's server runs its own store.
            return StanzaErrorCondition.FORBIDDEN;
        }
        return request(sender, iq, reader.attributeValue("filename"), reader.attributeValue("size"),
            reader.attributeValue("content-type"));
    }

    /**
     * §3 and XEP-0128: the identity, the feature and the size limit in a form.
     */
    private void discoInfo(final Session sender, final ElementFlyweight iq)
    {
        result(sender, iq).start(QUERY).attribute(XMLNS, ServerServices.DISCO_INFO)
            .start(IDENTITY).attribute(CATEGORY, "store").attribute(TYPE, "file").attribute(NAME, "HTTP File Upload")
            .end().start(FEATURE).attribute(VAR, NS).end()
            .start(X).attribute(XMLNS, DataForm.NS).attribute(TYPE, RESULT);
        DataForm.writeField(xml, "FORM_TYPE", "hidden", NS);
        DataForm.writeField(xml, "max-file-size", "text-single", Long.toString(share.maxFileSize()));
        sender.deliver(out, 0, xml.end().end().end().length());
    }

    /**
     * §4: a slot, or §5's errors: a file too large, a quota used up, a request that names no file.
     */
    private StanzaErrorCondition request(final Session sender, final ElementFlyweight iq, final String filename,
        final String sizeText, final String contentTypeText)
    {
        final long size = parseSize(sizeText);
        if (!validFilename(filename) || size <= 0)
        {
            return refuse(sender, iq, StanzaErrorCondition.BAD_REQUEST,
                "A slot request needs a file name (no slashes or control characters, at most 255 bytes) " +
                "and a size in bytes", null);
        }
        final String contentType = contentTypeText == null || contentTypeText.isBlank() ?
            DEFAULT_CONTENT_TYPE : contentTypeText.trim();
        if (!MEDIA_TYPE.matcher(contentType).matches())
        {
            return refuse(sender, iq, StanzaErrorCondition.BAD_REQUEST, "Not a media type: " + contentType, null);
        }
        final long max = share.maxFileSize();
        if (size > max)
        {
            return refuse(sender, iq, StanzaErrorCondition.NOT_ACCEPTABLE,
                "File too large. The maximum file size is " + max + " bytes",
                "<file-too-large xmlns='" + NS + "'><max-file-size>" + max + "</max-file-size></file-too-large>");
        }
        final Usage today = usageOf(sender.jid().bare());
        final long quota = share.dailyQuota();
        if (quota > 0 && today.bytes + size > quota)
        {
            final Instant retry =
                Instant.ofEpochMilli(today.dayStartMillis + DAY_MILLIS).truncatedTo(ChronoUnit.SECONDS);
            return refuse(sender, iq, StanzaErrorCondition.RESOURCE_CONSTRAINT,
                "Quota reached: " + quota + " bytes a day", "<retry xmlns='" + NS + "' stamp='" + retry + "'/>");
        }
        today.bytes += size;
        final FileShare.Slot slot = share.slot(sender.jid().bare().toString(), filename, size, contentType);
        result(sender, iq).start(SLOT).attribute(XMLNS, NS)
            .start(PUT).attribute(URL, slot.putUrl())
            .start(HEADER).attribute(NAME, "Authorization").text(slot.authorization()).end().end()
            .start(GET_ELEMENT).attribute(URL, slot.getUrl()).end();
        sender.deliver(out, 0, xml.end().end().length());
        return null;
    }

    /**
     * @return the account's usage for the day that is running, a new day starting 24 hours after the last began.
     */
    private Usage usageOf(final Jid account)
    {
        final long now = clock.getAsLong();
        final Usage today = usage.computeIfAbsent(account, ignored -> new Usage());
        if (now - today.dayStartMillis >= DAY_MILLIS)
        {
            today.dayStartMillis = now;
            today.bytes = 0;
        }
        if (usage.size() > sweepAt)
        {
            // Forget the accounts whose day is over, so the map holds only those that uploaded in the last day.
            usage.values().removeIf(other -> now - other.dayStartMillis >= DAY_MILLIS);
            sweepAt = Math.max(SWEEP_AT_LEAST, 2 * usage.size());
        }
        return today;
    }

    /**
     * §4 and the security considerations: the name becomes the last segment of a path, so it may hold no
     * separator, no control character, and not be a dot segment.
     */
    static boolean validFilename(final String filename)
    {
        if (filename == null || filename.isBlank() || filename.equals(".") || filename.equals("..") ||
            filename.getBytes(StandardCharsets.UTF_8).length > MAX_FILENAME_BYTES)
        {
            return false;
        }
        for (int i = 0; i < filename.length(); i++)
        {
            final char c = filename.charAt(i);
            if (c < 0x20 || c == 0x7f || c == '/' || c == '\\')
            {
                return false;
            }
        }
        return true;
    }

    private static long parseSize(final String size)
    {
        try
        {
            return size == null ? -1 : Long.parseLong(size);
        }
        catch (final NumberFormatException ex)
        {
            return -1;
        }
    }

    private StanzaErrorCondition refuse(final Session sender, final ElementFlyweight iq,
        final StanzaErrorCondition condition, final String text, final String applicationCondition)
    {
        return error(sender, iq, condition, text, applicationCondition == null ? null :
            new UnsafeBuffer(applicationCondition.getBytes(StandardCharsets.UTF_8)));
    }
}
