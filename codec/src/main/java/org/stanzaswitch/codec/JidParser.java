package org.stanzaswitch.codec;

import com.ibm.icu.text.IDNA;
import rocks.xmpp.precis.PrecisProfiles;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;

/**
 * Parses addresses by RFC 7622 §3: splits at the first '/' and the last '@' before it, enforces the PRECIS
 * profiles (through rocks.xmpp precis) on local and resource parts and UTS #46 on the domain (through ICU4J),
 * and checks the 1023-byte limit of each part. ASCII parts take a fast path that applies the same rules
 * without the libraries. Failures are return values, not exceptions, since addresses come from the network.
 * Not thread safe: one per thread.
 */
public final class JidParser
{
    static final int MAX_PART_BYTES = 1023;

    private static final IDNA UTS46 = IDNA.getUTS46Instance(
        IDNA.NONTRANSITIONAL_TO_ASCII | IDNA.NONTRANSITIONAL_TO_UNICODE | IDNA.CHECK_BIDI |
        IDNA.CHECK_CONTEXTJ | IDNA.USE_STD3_RULES);

    private final StringBuilder domainBuilder = new StringBuilder();
    private final IDNA.Info info = new IDNA.Info();
    private String failureReason;

    /**
     * @param text an address as received.
     * @return the canonical address, or null if the text is not one; see {@link #failureReason()}.
     */
    public Jid parse(final String text)
    {
        failureReason = null;
        final int slash = text.indexOf('/');
        final String withoutResource = slash < 0 ? text : text.substring(0, slash);
        final int at = withoutResource.lastIndexOf('@');
        final String localText = at < 0 ? null : withoutResource.substring(0, at);
        final String domainText = at < 0 ? withoutResource : withoutResource.substring(at + 1);
        final String resourceText = slash < 0 ? null : text.substring(slash + 1);

        final String domain = domain(domainText);
        if (domain == null)
        {
            return null;
        }
        final String local = localText == null ? null : localpart(localText);
        if (localText != null && local == null)
        {
            return null;
        }
        final String resource = resourceText == null ? null : resourcepart(resourceText);
        if (resourceText != null && resource == null)
        {
            return null;
        }
        final Jid bare = new Jid(local, domain, null, null);
        return resource == null ? bare : new Jid(local, domain, resource, bare);
    }

    /**
     * @return why the last {@link #parse(String)} returned null.
     */
    public String failureReason()
    {
        return failureReason;
    }

    private String localpart(final String text)
    {
        String result = isAscii(text) ? asciiLocalpart(text) : null;
        if (result == null && failureReason == null)
        {
            try
            {
                result = PrecisProfiles.USERNAME_CASE_MAPPED.enforce(text);
            }
            catch (final IllegalArgumentException ex)
            {
                return fail("localpart violates UsernameCaseMapped (RFC 7622 §3.3)");
            }
        }
        if (result == null)
        {
            return null;
        }
        // RFC 7622 §3.3.1: characters the address syntax uses are not allowed in a localpart.
        for (int i = 0; i < result.length(); i++)
        {
            if ("\"&'/:<>@".indexOf(result.charAt(i)) >= 0)
            {
                return fail("localpart contains a prohibited character (RFC 7622 §3.3.1)");
            }
        }
        return checkLength(result, "localpart");
    }

    private String asciiLocalpart(final String text)
    {
        if (text.isEmpty())
        {
            return fail("empty localpart (RFC 7622 §3.3)");
        }
        for (int i = 0; i < text.length(); i++)
        {
            final char c = text.charAt(i);
            if (c < 0x21 || c > 0x7E)
            {
                return fail("localpart contains a character outside IdentifierClass (RFC 8265 §3.3)");
            }
        }
        return text.toLowerCase(java.util.Locale.ROOT);
    }

    private String resourcepart(final String text)
    {
        if (isAscii(text))
        {
            if (text.isEmpty())
            {
                return fail("empty resourcepart (RFC 7622 §3.4)");
            }
            for (int i = 0; i < text.length(); i++)
            {
                final char c = text.charAt(i);
                if (c < 0x20 || c > 0x7E)
                {
                    return fail("resourcepart contains a control character (RFC 8265 §4.2)");
                }
            }
            return checkLength(text, "resourcepart");
        }
        try
        {
            return checkLength(PrecisProfiles.OPAQUE_STRING.enforce(text), "resourcepart");
        }
        catch (final IllegalArgumentException ex)
        {
            return fail("resourcepart violates OpaqueString (RFC 7622 §3.4)");
        }
    }

    private String domain(final String rawText)
    {
        // RFC 7622 §3.2: a final label separator is stripped before any other canonicalisation step. IDNA counts
        // the ideographic and full-width full stops as separators too; UTS #46 would map them to one that stays.
        final boolean separatorLast = !rawText.isEmpty() && isLabelSeparator(rawText.charAt(rawText.length() - 1));
        final String text = separatorLast ? rawText.substring(0, rawText.length() - 1) : rawText;
        if (text.isEmpty())
        {
            return fail("empty domainpart (RFC 7622 §3.2)");
        }
        if (isLabelSeparator(text.charAt(text.length() - 1)))
        {
            // UTS #46 takes a trailing empty label for the root; here it would be a second canonical form.
            return fail("empty label in domainpart (RFC 7622 §3.2)");
        }
        if (text.charAt(0) == '[')
        {
            return ipv6Literal(text);
        }
        final String ascii = isAscii(text) ? asciiDomain(text) : null;
        if (ascii != null)
        {
            return checkLength(ascii, "domainpart");
        }
        domainBuilder.setLength(0);
        UTS46.nameToUnicode(text, domainBuilder, info);
        if (info.hasErrors())
        {
            return fail("domainpart is not a valid IDN (RFC 7622 §3.2, UTS #46)");
        }
        return checkLength(domainBuilder.toString(), "domainpart");
    }

    /**
     * Lower-cased LDH labels need no IDNA processing; anything else (A-labels, other ASCII) goes to UTS #46.
     */
    private static String asciiDomain(final String text)
    {
        int labelStart = 0;
        for (int i = 0; i <= text.length(); i++)
        {
            final char c = i == text.length() ? '.' : text.charAt(i);
            if (c == '.')
            {
                final int labelLength = i - labelStart;
                if (labelLength == 0 || labelLength > 63 || text.charAt(labelStart) == '-' ||
                    text.charAt(i - 1) == '-' ||
                    (labelLength >= 4 && text.charAt(labelStart + 2) == '-' && text.charAt(labelStart + 3) == '-'))
                {
                    return null;
                }
                labelStart = i + 1;
            }
            else if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-'))
            {
                return null;
            }
        }
        return text.toLowerCase(java.util.Locale.ROOT);
    }

    private String ipv6Literal(final String text)
    {
        if (!text.endsWith("]") || text.length() < 4)
        {
            return fail("malformed IP literal (RFC 7622 §3.2)");
        }
        final String address = text.substring(1, text.length() - 1);
        for (int i = 0; i < address.length(); i++)
        {
            final char c = address.charAt(i);
            if (Character.digit(c, 16) < 0 && c != ':' && c != '.')
            {
                return fail("malformed IP literal (RFC 7622 §3.2)");
            }
        }
        try
        {
            // A bracketed literal is parsed by the JDK as IPv6 text and never looked up; only hex digits, ':' and
            // '.' get here, so no zone id.
            InetAddress.getByName(text);
        }
        catch (final UnknownHostException ex)
        {
            return fail("IP literal is not an IPv6 address (RFC 7622 §3.2, RFC 3986 §3.2.2)");
        }
        return text.toLowerCase(java.util.Locale.ROOT);
    }

    private static boolean isLabelSeparator(final char c)
    {
        return c == '.' || c == '\u3002' || c == '\uFF0E' || c == '\uFF61';
    }

    private String checkLength(final String part, final String name)
    {
        if (part.isEmpty())
        {
            return fail("empty " + name + " (RFC 7622 §3)");
        }
        if (part.getBytes(StandardCharsets.UTF_8).length > MAX_PART_BYTES)
        {
            return fail(name + " longer than 1023 bytes (RFC 7622 §3)");
        }
        return part;
    }

    private static boolean isAscii(final String text)
    {
        for (int i = 0; i < text.length(); i++)
        {
            if (text.charAt(i) >= 0x80)
            {
                return false;
            }
        }
        return true;
    }

    private String fail(final String reason)
    {
        failureReason = reason;
        return null;
    }
}
