package org.stanzaswitch.codec;

import com.ibm.icu.text.IDNA;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import rocks.xmpp.precis.PrecisProfiles;

import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Random addresses, mostly near the rules' edges (case, width and compatibility mappings, combining marks,
 * joiners, right-to-left letters, the address syntax's own characters, label separators), checked for the
 * properties RFC 7622 §3 asks of a canonical form, and the parser's ASCII fast paths checked against the
 * libraries they stand in for.
 */
@Timeout(120)
class JidPropertyTest
{
    private static final int ADDRESSES = 200_000;
    private static final String ASCII = "abcXYZ019-._ @/:\"'&<>!~\u007f\t";
    private static final String OTHER = "\u00a0\u03c3\u03a3\u00df\u0130\u0131\ufb01\u0301\u00e9\u200d\u200c" +
        "\u05d0\u0628\uff41\u2126\u212a\u00b2\u3002\uff0e";
    private static final IDNA UTS46 = IDNA.getUTS46Instance(
        IDNA.NONTRANSITIONAL_TO_ASCII | IDNA.NONTRANSITIONAL_TO_UNICODE | IDNA.CHECK_BIDI |
        IDNA.CHECK_CONTEXTJ | IDNA.USE_STD3_RULES);

    @Test
    @DisplayName("RFC 7622 §3: a canonical address parses to itself, and the ASCII fast paths agree with PRECIS " +
        "and UTS #46")
    void shouldBeIdempotentAndAgreeWithTheLibraries()
    {
        final Random random = new Random(7622);
        final JidParser parser = new JidParser();
        for (int n = 0; n < ADDRESSES; n++)
        {
            final String text = address(random);
            final Jid jid = parser.parse(text);
            assertThat(jid == null ? null : jid.toString()).as("%s", text).isEqualTo(byLibraries(text));
            if (jid != null)
            {
                final Jid again = parser.parse(jid.toString());
                assertThat(again).as("%s -> %s: %s", text, jid, parser.failureReason()).isNotNull();
                assertThat(again.toString()).as("%s", text).isEqualTo(jid.toString());
            }
        }
    }

    private static String address(final Random random)
    {
        final StringBuilder builder = new StringBuilder();
        final String alphabet = random.nextInt(3) == 0 ? ASCII : ASCII + OTHER;
        final int length = random.nextInt(14);
        for (int i = 0; i < length; i++)
        {
            builder.append(alphabet.charAt(random.nextInt(alphabet.length())));
        }
        if (random.nextBoolean())
        {
            builder.append("@example.com");
        }
        return builder.toString();
    }

    /**
     * The same address through the libraries alone, as RFC 7622 §3.2-3.4 read: PRECIS UsernameCaseMapped for the
     * localpart (and §3.3.1's prohibited characters), UTS #46 for the domainpart after one final separator is
     * stripped, PRECIS OpaqueString for the resourcepart, each non-empty and at most 1023 bytes.
     */
    private static String byLibraries(final String text)
    {
        final int slash = text.indexOf('/');
        final String withoutResource = slash < 0 ? text : text.substring(0, slash);
        final int at = withoutResource.lastIndexOf('@');
        final String domain = domain(at < 0 ? withoutResource : withoutResource.substring(at + 1));
        final String local = at < 0 ? "" : enforce(withoutResource.substring(0, at), true);
        final String resource = slash < 0 ? "" : enforce(text.substring(slash + 1), false);
        if (domain == null || local == null || resource == null)
        {
            return null;
        }
        return (local.isEmpty() ? "" : local + "@") + domain + (resource.isEmpty() ? "" : "/" + resource);
    }

    private static String domain(final String raw)
    {
        final boolean separatorLast = raw.endsWith(".") || raw.endsWith("\u3002") || raw.endsWith("\uff0e");
        final String text = separatorLast ? raw.substring(0, raw.length() - 1) : raw;
        final StringBuilder unicode = new StringBuilder();
        final IDNA.Info info = new IDNA.Info();
        UTS46.nameToUnicode(text, unicode, info);
        final String domain = unicode.toString();
        return info.hasErrors() || domain.endsWith(".") ? null : withinLimits(domain);
    }

    private static String enforce(final String part, final boolean local)
    {
        try
        {
            final String enforced = local ?
                PrecisProfiles.USERNAME_CASE_MAPPED.enforce(part) : PrecisProfiles.OPAQUE_STRING.enforce(part);
            return local && enforced.chars().anyMatch(c -> "\"&'/:<>@".indexOf(c) >= 0) ?
                null : withinLimits(enforced);
        }
        catch (final IllegalArgumentException ex)
        {
            return null;
        }
    }

    private static String withinLimits(final String part)
    {
        final int bytes = part.getBytes(java.nio.charset.StandardCharsets.UTF_8).length;
        return bytes == 0 || bytes > JidParser.MAX_PART_BYTES ? null : part;
    }
}
