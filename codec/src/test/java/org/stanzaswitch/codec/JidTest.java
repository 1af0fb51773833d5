package org.stanzaswitch.codec;

import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.charset.StandardCharsets;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class JidTest
{
    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "juliet@example.com|juliet@example.com",
        "Juliet@Example.COM/Balcony|juliet@example.com/Balcony",
        "example.com.|example.com",
        "ΣΠΑΡΤΗ@example.com|σπαρτη@example.com",
        "juliet@xn--mnchen-3ya.de|juliet@münchen.de",
        "juliet@MÜNCHEN.de|juliet@münchen.de",
        "juliet@example.com/foo bar|juliet@example.com/foo bar",
        "juliet@example.com/foo@bar/baz|juliet@example.com/foo@bar/baz",
        "juliet@[::1]|juliet@[::1]",
        "ｊｕｌｉｅｔ@example.com|juliet@example.com",
        "juliet@example.com\u3002|juliet@example.com",
        "juliet@example\uFF0Ecom\uFF61|juliet@example.com",
        "juliet@[::FFFF:192.0.2.1]|juliet@[::ffff:192.0.2.1]",
    })
    @DisplayName("RFC 7622 §3: parts are canonicalised by their PRECIS profiles and UTS #46")
    void shouldCanonicalise(final String input, final String canonical)
    {
        assertThat(Jid.of(input).toString()).isEqualTo(canonical);
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "@example.com", "juliet@", "juliet@example.com/", "jul\"iet@example.com",
        "jul:iet@example.com", "a b@example.com", "juliet@exa mple.com", "juliet@-example.com",
        "juliet@example..com", "juliet@[zz]", "juliet@example.com/\u0007"})
    @DisplayName("RFC 7622 §3: empty parts, prohibited and control characters are refused")
    void shouldRefuseInvalid(final String input)
    {
        assertThatThrownBy(() -> Jid.of(input)).isInstanceOf(IllegalArgumentException.class);
    }

    @ParameterizedTest
    @ValueSource(strings = {"juliet@example.com..", "juliet@example.com.\u3002", "juliet@\u3002", "example.com..",
        "juliet@example.com../balcony"})
    @DisplayName("RFC 7622 §3.2: only one final label separator is stripped; a second is an empty label")
    void shouldRefuseEmptyFinalLabel(final String input)
    {
        assertThatThrownBy(() -> Jid.of(input)).isInstanceOf(IllegalArgumentException.class)
            .hasMessageContaining("RFC 7622 §3.2");
    }

    @ParameterizedTest
    @ValueSource(strings = {"juliet@[..]", "juliet@[:::::]", "juliet@[1.2.3.4]", "juliet@[::1::]",
        "juliet@[1:2:3:4:5:6:7:8:9]", "juliet@[fe80::1%eth0]", "juliet@[]"})
    @DisplayName("RFC 7622 §3.2: a bracketed domainpart is an IPv6 address (RFC 3986 §3.2.2 IP-literal)")
    void shouldRefuseMalformedIpLiterals(final String input)
    {
        assertThatThrownBy(() -> Jid.of(input)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    @DisplayName("RFC 7622 §3.1: each part is at most 1023 bytes")
    void shouldRefuseLongParts()
    {
        assertThatThrownBy(() -> Jid.of("a".repeat(1024) + "@example.com"))
            .isInstanceOf(IllegalArgumentException.class);
        assertThat(Jid.of("a".repeat(1023) + "@example.com").local()).hasSize(1023);
        assertThatThrownBy(() -> Jid.of("a@example.com/" + "é".repeat(512)))
            .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void shouldExposeParts()
    {
        final Jid jid = Jid.of("romeo@example.net/orchard");
        assertThat(jid.local()).isEqualTo("romeo");
        assertThat(jid.domain()).isEqualTo("example.net");
        assertThat(jid.resource()).isEqualTo("orchard");
        assertThat(jid.bare().toString()).isEqualTo("romeo@example.net");
        assertThat(jid.bare().isBare()).isTrue();
        assertThat(Jid.of("example.net").local()).isNull();
    }

    @Test
    void shouldInternCanonicalFormsSoBareComparisonIsIdentity()
    {
        final JidCache cache = new JidCache(64);
        final Jid a = lookup(cache, "Romeo@Example.NET/orchard");
        final Jid b = lookup(cache, "romeo@example.net/garden");
        final Jid c = lookup(cache, "ROMEO@example.net");
        assertThat(a.bare()).isSameAs(b.bare()).isSameAs(c);
        assertThat(lookup(cache, "romeo@example.net/orchard")).isSameAs(a);
        assertThat(lookup(cache, "Romeo@Example.NET/orchard")).isSameAs(a);
        assertThat(a.bareEquals(b)).isTrue();
    }

    @Test
    void shouldCacheInvalidAddressesAsNull()
    {
        final JidCache cache = new JidCache(64);
        assertThat(lookup(cache, "a:b@example.com")).isNull();
        assertThat(cache.failureReason()).contains("RFC 7622");
        assertThat(lookup(cache, "a:b@example.com")).isNull();
    }

    @Test
    void shouldKeepWorkingPastCapacity()
    {
        final JidCache cache = new JidCache(8);
        for (int i = 0; i < 1000; i++)
        {
            assertThat(lookup(cache, "user" + i + "@example.com").local()).isEqualTo("user" + i);
        }
    }

    private static Jid lookup(final JidCache cache, final String text)
    {
        final byte[] bytes = ("xx" + text).getBytes(StandardCharsets.UTF_8);
        return cache.lookup(new UnsafeBuffer(bytes), 2, bytes.length - 2);
    }
}
