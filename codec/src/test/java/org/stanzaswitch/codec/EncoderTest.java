package org.stanzaswitch.codec;

import org.agrona.ExpandableArrayBuffer;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.charset.StandardCharsets;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What the encoders and the splicer write is read back by the framer, so each result is checked for being
 * well-formed XMPP as well as for its content.
 */
class EncoderTest
{
    private static final String HEADER = StreamFramerTest.HEADER;
    private final ExpandableArrayBuffer buffer = new ExpandableArrayBuffer(4096);

    private static List<String> decode(final String stream)
    {
        final RecordingListener listener = new RecordingListener();
        final byte[] bytes = stream.getBytes(StandardCharsets.UTF_8);
        new StreamFramer(new DecoderLimits().conclude(), listener).decode(new UnsafeBuffer(bytes), 0, bytes.length);
        return listener.events;
    }

    private String written(final int length)
    {
        return buffer.getStringWithoutLengthUtf8(0, length);
    }

    @Test
    @DisplayName("RFC 6120 §4.7: the response header carries id, from, to, version and xml:lang")
    void shouldWriteStreamHeader()
    {
        final int length = new StreamEncoder().header(
            buffer, 0, Bytes.ascii("jabber:client"), "abc'1", "example.com", "juliet@example.com", "en");
        assertThat(written(length)).isEqualTo("<?xml version='1.0'?><stream:stream xmlns='jabber:client' " +
            "xmlns:stream='http://etherx.jabber.org/streams' id='abc&apos;1' from='example.com' " +
            "to='juliet@example.com' version='1.0' xml:lang='en'>");
        assertThat(decode(written(length))).containsExactly(
            "open to=juliet@example.com from=example.com id=abc&apos;1 version=1.0 lang=en xmlns=jabber:client " +
            "prefix=6");
    }

    @Test
    @DisplayName("RFC 6120 §4.9.2: a stream error names its condition in the streams error namespace")
    void shouldWriteStreamError()
    {
        final int length = new StreamEncoder().error(buffer, 0, StreamErrorCondition.POLICY_VIOLATION, "too <big>");
        assertThat(decode(HEADER + written(length))).containsExactly(StreamFramerTest.OPEN_EVENT,
            "element OTHER ({http://etherx.jabber.org/streams}error[]" +
                "({urn:ietf:params:xml:ns:xmpp-streams}policy-violation[])" +
                "({urn:ietf:params:xml:ns:xmpp-streams}text[]\"too <big>\"))",
            "close");
    }

    @Test
    @DisplayName("RFC 6120 §8.3: an error reply swaps addresses, keeps the id and names the condition")
    void shouldWriteStanzaError()
    {
        final ElementFlyweight stanza = firstElement(
            "<message from='romeo@example.net/o' to='juliet@example.com' id='a&amp;b\"c' type='chat'>" +
            "<body/></message>");
        final int length = new StanzaErrorEncoder().encode(stanza, Jid.of("juliet@example.com"),
            StanzaErrorCondition.SERVICE_UNAVAILABLE, null, buffer, 0);
        assertThat(written(length)).isEqualTo("<message id='a&amp;b\"c' from='juliet@example.com' " +
            "to='romeo@example.net/o' type='error'><error type='cancel'>" +
            "<service-unavailable xmlns='urn:ietf:params:xml:ns:xmpp-stanzas'/></error></message>");
        assertThat(decode(HEADER + written(length))).hasSize(2);
    }

    @Test
    @DisplayName("RFC 6120 §8.1.2.1: the server's from replaces the client's, other bytes stay as they came")
    void shouldSpliceFromReplacingExisting()
    {
        final ElementFlyweight stanza = firstElement(
            "<message to='a@b' from='forged@evil'\n type='chat'><body>x</body></message>");
        final int length = StanzaSplicer.splice(stanza, Jid.of("romeo@example.net/o'1").utf8(), null, 0, 0, buffer, 0);
        assertThat(written(length))
            .isEqualTo("<message from='romeo@example.net/o&apos;1' to='a@b'\n type='chat'><body>x</body></message>");
    }

    @Test
    void shouldSpliceFromWhereNoneWas()
    {
        final ElementFlyweight stanza = firstElement("<presence/>");
        final int length = StanzaSplicer.splice(stanza, Jid.of("romeo@example.net").utf8(), null, 0, 0, buffer, 0);
        assertThat(written(length)).isEqualTo("<presence from='romeo@example.net'/>");
    }

    @Test
    @DisplayName("RFC 6120 §4.7.4: a stanza without xml:lang gets its stream's; one with its own keeps it")
    void shouldStampStreamLanguageWhereNoneWas()
    {
        final byte[] german = StanzaSplicer.languageAttribute("de-CH-1901");
        final byte[] from = Jid.of("romeo@example.net/a").utf8();
        final ElementFlyweight plain = firstElement("<message to='a@b' from='x@y'><body>x</body></message>");
        assertThat(StanzaSplicer.maxLength(plain, from, german)).isEqualTo(
            StanzaSplicer.maxLength(plain, from) + " xml:lang='de-CH-1901'".length());
        int length = StanzaSplicer.stamp(plain, from, german, buffer, 0);
        assertThat(written(length))
            .isEqualTo("<message from='romeo@example.net/a' xml:lang='de-CH-1901' to='a@b'><body>x</body></message>");

        final ElementFlyweight own = firstElement("<presence xml:lang='fr'/>");
        length = StanzaSplicer.stamp(own, from, german, buffer, 0);
        assertThat(written(length)).isEqualTo("<presence from='romeo@example.net/a' xml:lang='fr'/>");

        final ElementFlyweight empty = firstElement("<presence/>");
        length = StanzaSplicer.stamp(empty, from, null, buffer, 0);
        assertThat(written(length)).as("a stream that declared none")
            .isEqualTo("<presence from='romeo@example.net/a'/>");
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "-", "en-", "-en", "en--GB", "e1", "123", "toolonglang", "en-toolong12", "en GB",
        "en'", "x&amp;y", "fré"})
    @DisplayName("RFC 6120 §4.7.4: only a value shaped like a BCP 47 language tag is spread to the stream's stanzas")
    void shouldNotStampWhatIsNotALanguageTag(final String value)
    {
        assertThat(StanzaSplicer.languageAttribute(value)).isNull();
    }

    @ParameterizedTest
    @ValueSource(strings = {"en", "EN", "de-CH-1901", "zh-Hant-TW", "x-klingon", "es-419", "i-enochian"})
    void shouldStampLanguageTags(final String value)
    {
        assertThat(StanzaSplicer.languageAttribute(value)).asString(StandardCharsets.US_ASCII)
            .isEqualTo(" xml:lang='" + value + "'");
    }

    @Test
    @DisplayName("XEP-0203 §3: a <delay/> child is added before the closing tag, also of an empty element")
    void shouldSpliceChild()
    {
        final byte[] delay = "<delay xmlns='urn:xmpp:delay' stamp='2002-09-10T23:08:25Z'/>".getBytes(
            StandardCharsets.UTF_8);
        final ElementFlyweight full = firstElement("<message to='a@b'><body>x</body></message>");
        int length = StanzaSplicer.splice(
            full, Jid.of("r@x").utf8(), new UnsafeBuffer(delay), 0, delay.length, buffer, 0);
        assertThat(written(length)).isEqualTo(
            "<message from='r@x' to='a@b'><body>x</body>" +
            "<delay xmlns='urn:xmpp:delay' stamp='2002-09-10T23:08:25Z'/></message>");

        final ElementFlyweight empty = firstElement("<message to='a@b' from='z@y'/>");
        length = StanzaSplicer.splice(empty, Jid.of("r@x").utf8(), new UnsafeBuffer(delay), 0, delay.length, buffer, 0);
        assertThat(written(length)).isEqualTo(
            "<message from='r@x' to='a@b'><delay xmlns='urn:xmpp:delay' stamp='2002-09-10T23:08:25Z'/></message>");
        assertThat(decode(HEADER + written(length)).get(1)).startsWith("element MESSAGE");
    }

    @Test
    void shouldEscapeTextAndAttributes()
    {
        final int length = new XmlEncoder().wrap(buffer, 0)
            .start(Bytes.ascii("body")).attribute(Bytes.ascii("a"), "<'&\">").text("1 < 2 & \"3\" > 'x'\r\n☺").end()
            .length();
        assertThat(written(length)).isEqualTo(
            "<body a='&lt;&apos;&amp;&quot;&gt;'>1 &lt; 2 &amp; &quot;3&quot; &gt; &apos;x&apos;&#13;\n☺</body>");
        assertThat(decode(HEADER + written(length)).get(1))
            .isEqualTo("element OTHER ({jabber:client}body[{}a=<'&\\u0022>]\"1 < 2 & \\u00223\\u0022 > " +
                "'x'\\u000d\\u000a☺\")");
    }

    private ElementFlyweight firstElement(final String xml)
    {
        final ElementFlyweight[] captured = new ElementFlyweight[1];
        final byte[] bytes = (HEADER + xml).getBytes(StandardCharsets.UTF_8);
        new StreamFramer(new DecoderLimits().conclude(), new RecordingListener()
        {
            @Override
            public boolean onElement(final ElementFlyweight element)
            {
                final byte[] copy = new byte[element.length()];
                element.buffer().getBytes(element.offset(), copy);
                captured[0] = new ElementFlyweight(32).wrap(new UnsafeBuffer(copy), 0, copy.length,
                    element.namespaceBuffer(), element.namespaceOffset(), element.namespaceLength());
                return true;
            }
        }).decode(new UnsafeBuffer(bytes), 0, bytes.length);
        return captured[0];
    }
}
