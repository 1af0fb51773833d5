package org.stanzaswitch.codec;

import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.charset.StandardCharsets;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class StreamFramerTest
{
    static final String HEADER = "<?xml version='1.0'?><stream:stream xmlns='jabber:client' " +
        "xmlns:stream='http://etherx.jabber.org/streams' to='example.com' version='1.0' xml:lang='en'>";
    /** A header declaring more than the stream prefix, one with a reference in its name. */
    static final String PREFIXED_HEADER = "<stream:stream xmlns='jabber:client' " +
        "xmlns:stream='http://etherx.jabber.org/streams' xmlns:h='urn:h&lt;' xmlns:c='jabber:client' " +
        "to='example.com' version='1.0'>";
    static final String OPEN_EVENT = "open to=example.com version=1.0 lang=en xmlns=jabber:client prefix=6";

    private final RecordingListener listener = new RecordingListener();
    private final StreamFramer framer = new StreamFramer(new DecoderLimits().conclude(), listener);

    private List<String> decode(final String... chunks)
    {
        for (final String chunk : chunks)
        {
            final byte[] bytes = chunk.getBytes(StandardCharsets.UTF_8);
            framer.decode(new UnsafeBuffer(bytes), 0, bytes.length);
        }
        return listener.events;
    }

    private String lastEvent(final String... chunks)
    {
        final List<String> events = decode(chunks);
        return events.get(events.size() - 1);
    }

    @Test
    @DisplayName("RFC 6120 §4.7: the stream header's attributes are reported")
    void shouldReportStreamHeader()
    {
        assertThat(decode(HEADER)).containsExactly(OPEN_EVENT);
    }

    @Test
    @DisplayName("RFC 6120 §4.3: each top-level element is reported once complete")
    void shouldReportStanzasAndStreamLevelElements()
    {
        assertThat(decode(HEADER,
            "<message to='a@b' type='chat'><body>hi &amp; bye</body></message>",
            " <starttls xmlns='urn:ietf:params:xml:ns:xmpp-tls'/>\n",
            "<presence/><iq type='get' id='1'><query xmlns='jabber:iq:roster'/></iq>",
            "</stream:stream>"))
            .containsExactly(
                OPEN_EVENT,
                "element MESSAGE ({jabber:client}message[{}to=a@b, {}type=chat]({jabber:client}body[]\"hi & bye\"))",
                "element OTHER ({urn:ietf:params:xml:ns:xmpp-tls}starttls[])",
                "element PRESENCE ({jabber:client}presence[])",
                "element IQ ({jabber:client}iq[{}id=1, {}type=get]({jabber:iq:roster}query[]))",
                "close");
    }

    @Test
    @DisplayName("RFC 6120 §4.9: stream-level elements take the stream prefix's namespace")
    void shouldResolveStreamPrefix()
    {
        assertThat(lastEvent(HEADER,
            "<stream:features><bind xmlns='urn:ietf:params:xml:ns:xmpp-bind'/></stream:features>"))
            .isEqualTo("element OTHER ({http://etherx.jabber.org/streams}features[]" +
                "({urn:ietf:params:xml:ns:xmpp-bind}bind[]))");
    }

    @Test
    void shouldReportElementAttributesThroughFlyweight()
    {
        final ElementFlyweight[] seen = new ElementFlyweight[1];
        final String[] values = new String[5];
        final StreamFramer framer = new StreamFramer(new DecoderLimits().conclude(), new RecordingListener()
        {
            @Override
            public boolean onElement(final ElementFlyweight element)
            {
                seen[0] = element;
                values[0] = value(element, element.toIndex());
                values[1] = value(element, element.fromIndex());
                values[2] = value(element, element.idIndex());
                values[3] = value(element, element.typeIndex());
                values[4] = value(element, element.langIndex());
                return true;
            }
        });
        final byte[] bytes = (HEADER + "<message from='x@y/r' to=\"a@b\" id='m1' type='chat' xml:lang='de'>" +
            "<body/></message>").getBytes(StandardCharsets.UTF_8);
        framer.decode(new UnsafeBuffer(bytes), 0, bytes.length);

        assertThat(values).containsExactly("a@b", "x@y/r", "m1", "chat", "de");
        assertThat(seen[0].kind()).isEqualTo(StanzaKind.MESSAGE);
        assertThat(seen[0].length()).isEqualTo(
            "<message from='x@y/r' to=\"a@b\" id='m1' type='chat' xml:lang='de'><body/></message>".length());
    }

    private static String value(final StartTagFlyweight tag, final int index)
    {
        return tag.buffer().getStringWithoutLengthUtf8(tag.attributeValueOffset(index),
            tag.attributeValueLength(index));
    }

    @Test
    @DisplayName("RFC 6120 §4.3.3: after a restart the framer reads a new stream header")
    void shouldReadNewStreamAfterReset()
    {
        decode(HEADER, "<auth/>");
        framer.reset();
        assertThat(decode(HEADER)).containsExactly(OPEN_EVENT, "element OTHER ({jabber:client}auth[])", OPEN_EVENT);
    }

    @Test
    @DisplayName("RFC 6120 §5.4.3.3: a reset inside the callback discards what follows the element")
    void shouldDiscardBytesAfterElementWhenResetInCallback()
    {
        final RecordingListener resetting = new RecordingListener();
        final StreamFramer framer = new StreamFramer(new DecoderLimits().conclude(), resetting);
        resetting.resetOnElement(framer);
        final byte[] bytes = (HEADER + "<starttls xmlns='urn:ietf:params:xml:ns:xmpp-tls'/><injected/>")
            .getBytes(StandardCharsets.UTF_8);
        framer.decode(new UnsafeBuffer(bytes), 0, bytes.length);
        final byte[] next = HEADER.getBytes(StandardCharsets.UTF_8);
        framer.decode(new UnsafeBuffer(next), 0, next.length);

        assertThat(resetting.events).containsExactly(
            OPEN_EVENT, "element OTHER ({urn:ietf:params:xml:ns:xmpp-tls}starttls[])", OPEN_EVENT);
    }

    @Test
    @DisplayName("XML 1.0 §2.4, §4.1, §2.7: references and CDATA are decoded in the payload")
    void shouldDecodeReferencesAndCdata()
    {
        assertThat(lastEvent(HEADER,
            "<message><body>&#x48;&#105;&lt;&gt;&apos;&quot;<![CDATA[<&>]]>\r\n</body></message>"))
            .isEqualTo("element MESSAGE ({jabber:client}message[]({jabber:client}body[]\"Hi<>'\\u0022<&>\\u000a\"))");
    }

    @Test
    @DisplayName("RFC 6120 §11.1: a comment is restricted XML")
    void shouldRejectComment()
    {
        assertThat(lastEvent(HEADER, "<message><!-- hi --></message>")).isEqualTo("error restricted-xml");
        assertThat(framer.errorCondition()).isEqualTo(StreamErrorCondition.RESTRICTED_XML);
    }

    @Test
    @DisplayName("RFC 6120 §11.1: a processing instruction is restricted XML")
    void shouldRejectProcessingInstruction()
    {
        assertThat(lastEvent(HEADER, "<message><?php echo 1 ?></message>")).isEqualTo("error restricted-xml");
    }

    @Test
    @DisplayName("RFC 6120 §11.1: a processing instruction other than the XML declaration before the stream is " +
        "restricted")
    void shouldRejectProcessingInstructionInProlog()
    {
        assertThat(lastEvent("<?xml-stylesheet href='a'?><stream:stream/>")).isEqualTo("error restricted-xml");
    }

    @Test
    @DisplayName("RFC 6120 §11.1: a DTD is restricted XML")
    void shouldRejectDoctype()
    {
        assertThat(lastEvent("<!DOCTYPE stream [<!ENTITY x 'y'>]><stream:stream/>")).isEqualTo("error restricted-xml");
    }

    @Test
    @DisplayName("RFC 6120 §11.1: an entity reference other than the predefined five is restricted XML")
    void shouldRejectUnknownEntity()
    {
        assertThat(lastEvent(HEADER, "<message><body>&lol;</body></message>")).isEqualTo("error restricted-xml");
    }

    @Test
    @DisplayName("RFC 6120 §11.2, XML Names §5: an undeclared prefix is not well-formed")
    void shouldRejectUndeclaredPrefix()
    {
        assertThat(lastEvent(HEADER, "<message><x:body/></message>")).isEqualTo("error not-well-formed");
    }

    @Test
    @DisplayName("RFC 6120 §11.2, XML Names §5: an undeclared attribute prefix is not well-formed")
    void shouldRejectUndeclaredAttributePrefix()
    {
        assertThat(lastEvent(HEADER, "<message y:a='1'/>")).isEqualTo("error not-well-formed");
    }

    @Test
    @DisplayName("RFC 6120 §11.6: malformed UTF-8 is not well-formed")
    void shouldRejectMalformedUtf8()
    {
        final byte[] header = HEADER.getBytes(StandardCharsets.UTF_8);
        framer.decode(new UnsafeBuffer(header), 0, header.length);
        final byte[] overlong = {'<', 'a', '>', (byte)0xC0, (byte)0xAF, '<', '/', 'a', '>'};
        framer.decode(new UnsafeBuffer(overlong), 0, overlong.length);
        assertThat(framer.errorCondition()).isEqualTo(StreamErrorCondition.NOT_WELL_FORMED);
    }

    @ParameterizedTest
    @CsvSource({"ed,a0,80", "f4,90,80", "c3,28,00", "e2,82,3c"})
    @DisplayName("RFC 6120 §11.6: surrogates, code points past U+10FFFF and truncated sequences are refused")
    void shouldRejectInvalidUtf8Sequences(final String b1, final String b2, final String b3)
    {
        final byte[] header = HEADER.getBytes(StandardCharsets.UTF_8);
        framer.decode(new UnsafeBuffer(header), 0, header.length);
        final byte[] bytes = {'<', 'a', '>', (byte)Integer.parseInt(b1, 16), (byte)Integer.parseInt(b2, 16),
            (byte)Integer.parseInt(b3, 16), (byte)0x80, '<', '/', 'a', '>'};
        framer.decode(new UnsafeBuffer(bytes), 0, bytes.length);
        assertThat(framer.errorCondition()).isEqualTo(StreamErrorCondition.NOT_WELL_FORMED);
    }

    @Test
    @DisplayName("XML 1.0 §2.2: control characters are not allowed, raw or as references")
    void shouldRejectCharactersNotAllowedInXml()
    {
        assertThat(lastEvent(HEADER, "<message><body>\u0001</body></message>")).isEqualTo("error not-well-formed");
        final RecordingListener other = new RecordingListener();
        final StreamFramer framer = new StreamFramer(new DecoderLimits().conclude(), other);
        final byte[] bytes = (HEADER + "<message><body>&#0;</body></message>").getBytes(StandardCharsets.UTF_8);
        framer.decode(new UnsafeBuffer(bytes), 0, bytes.length);
        assertThat(framer.errorCondition()).isEqualTo(StreamErrorCondition.NOT_WELL_FORMED);
    }

    @Test
    @DisplayName("XML 1.0 §2.2: U+FFFE is not a character")
    void shouldRejectNonCharacter()
    {
        assertThat(lastEvent(HEADER, "<message><body>\uFFFE</body></message>")).isEqualTo("error not-well-formed");
    }

    @Test
    @DisplayName("XML 1.0 §3: a mismatched end tag is not well-formed")
    void shouldRejectMismatchedEndTag()
    {
        assertThat(lastEvent(HEADER, "<message><body></bodx></message>")).isEqualTo("error not-well-formed");
    }

    @Test
    @DisplayName("XML 1.0 §3.1: duplicate attributes are not well-formed")
    void shouldRejectDuplicateAttribute()
    {
        assertThat(lastEvent(HEADER, "<message to='a' to='b'/>")).isEqualTo("error not-well-formed");
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "<message ab='1' cb='2' to='3' id='4'/>",
        "<message p:a='1' xmlns:p='urn:x'/>",
        "<message xmlns:a='urn:x' xmlns:bb='urn:y' a:v='1' bb:v='2' xml:lang='en'/>",
        "<message xml:lang='en' xml:space='preserve'/>",
        "<message><body xmlns:p='urn:x' p:a='1' xml:lang='en'><p:x/></body></message>",
        "<message to='a' from='b' id='c' type='chat' xml:lang='en'><body>hi</body></message>"})
    @DisplayName("XML 1.0 §3.1, XML Names §3, §6.1, §6.3: names alike are not duplicates, nor one local name in two " +
        "namespaces; a prefix declared later in the tag is in scope for the whole tag, one declared on a nested " +
        "tag for it and its children; the xml prefix is bound by definition")
    void shouldAcceptAttributesAlikeAndLaterDeclarations(final String stanza)
    {
        assertThat(lastEvent(HEADER, stanza)).startsWith("element MESSAGE");
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "<message to='a' ab='1' cb='2' to='b'/>",
        "<message xmlns:a='urn:x' xmlns:bb='urn:x' a:v='1' bb:v='2'/>",
        "<message \u00e9='1' \u00e9='2'/>",
        "<message p:a='1' xmlns:q='urn:x'/>",
        "<message xml:lang='en' xml:lang='de'/>",
        "<message xml:lang='en' p:a='1'/>",
        "<message><body a='1' b='2' a='3'/></message>",
        "<message><body xml:lang='en'><p:x/></body></message>",
        "<message><body xmlns='urn:x' xmlns='urn:y'/></message>",
        "<message><body xmlns:xmlns='urn:x'/></message>"})
    @DisplayName("XML 1.0 §3.1, XML Names §3, §5, §6.3: a duplicate among names alike or by namespace, a repeated " +
        "xml: attribute, a prefix no attribute declares, a reserved prefix; at the top level and nested, whether " +
        "the fast path or the full one reads the tag")
    void shouldRejectDuplicateAmongNamesAlikeAndUndeclaredPrefix(final String stanza)
    {
        assertThat(lastEvent(HEADER, stanza)).isEqualTo("error not-well-formed");
    }

    @Test
    @DisplayName("XML 1.0 §3.1: '<' in an attribute value is not well-formed")
    void shouldRejectLessThanInAttributeValue()
    {
        assertThat(lastEvent(HEADER, "<message to='a<b'/>")).isEqualTo("error not-well-formed");
    }

    @Test
    @DisplayName("XML 1.0 §2.4: ']]>' in character data is not well-formed")
    void shouldRejectCdataEndInText()
    {
        assertThat(lastEvent(HEADER, "<message>]]]></message>")).isEqualTo("error not-well-formed");
    }

    @Test
    @DisplayName("RFC 6120 §4.9.3.1: text between stanzas is bad format")
    void shouldRejectTextAtStreamLevel()
    {
        assertThat(lastEvent(HEADER, "hello")).isEqualTo("error bad-format");
    }

    @Test
    @DisplayName("RFC 6120 §4.6.1: white space between stanzas is a keepalive")
    void shouldAcceptWhitespaceKeepalives()
    {
        assertThat(decode(HEADER, " \n\t\r ", "<presence/>", "  ")).containsExactly(
            OPEN_EVENT, "element PRESENCE ({jabber:client}presence[])");
    }

    @Test
    @DisplayName("RFC 6120 §4.9.3.10: a stream element outside the streams namespace is invalid-namespace")
    void shouldRejectWrongStreamNamespace()
    {
        assertThat(lastEvent("<stream:stream xmlns:stream='urn:wrong' xmlns='jabber:client'>"))
            .isEqualTo("error invalid-namespace");
    }

    @Test
    @DisplayName("RFC 6120 §4.9.3.10: a root element other than <stream> is invalid-namespace")
    void shouldRejectWrongRootName()
    {
        assertThat(lastEvent("<foo xmlns='http://etherx.jabber.org/streams'>")).isEqualTo("error invalid-namespace");
    }

    @Test
    @DisplayName("RFC 6120 §11.6: an encoding other than UTF-8 is unsupported-encoding")
    void shouldRejectOtherEncoding()
    {
        assertThat(lastEvent("<?xml version='1.0' encoding='ISO-8859-1'?><stream:stream/>"))
            .isEqualTo("error unsupported-encoding");
    }

    @Test
    @DisplayName("XML 1.0 §2.8: the XML declaration may name UTF-8 and standalone, any case")
    void shouldAcceptFullXmlDeclaration()
    {
        assertThat(decode("<?xml version=\"1.0\" encoding=\"utf-8\" standalone='yes' ?>" + HEADER.substring(21)))
            .containsExactly(OPEN_EVENT);
    }

    @Test
    @DisplayName("RFC 6120 §4.4: the close of the stream element is reported")
    void shouldReportStreamClose()
    {
        assertThat(lastEvent(HEADER, "</stream:stream>")).isEqualTo("close");
        final byte[] more = "<message/>".getBytes(StandardCharsets.UTF_8);
        assertThat(framer.decode(new UnsafeBuffer(more), 0, more.length)).isEqualTo(StreamFramer.CLOSED);
    }

    @Test
    @DisplayName("RFC 6120 §4.9.3.14, §13.12: an element over the size limit is a policy violation")
    void shouldRejectOversizedStanzaBeforeBuffering()
    {
        final StreamFramer framer = new StreamFramer(new DecoderLimits().maxStanzaSize(10_000).conclude(), listener);
        final byte[] header = HEADER.getBytes(StandardCharsets.UTF_8);
        framer.decode(new UnsafeBuffer(header), 0, header.length);
        final byte[] start = "<message><body>".getBytes(StandardCharsets.UTF_8);
        framer.decode(new UnsafeBuffer(start), 0, start.length);
        final byte[] chunk = "x".repeat(1000).getBytes(StandardCharsets.UTF_8);
        int status = StreamFramer.OK;
        for (int i = 0; i < 100 && status == StreamFramer.OK; i++)
        {
            status = framer.decode(new UnsafeBuffer(chunk), 0, chunk.length);
        }
        assertThat(status).isEqualTo(StreamFramer.FAILED);
        assertThat(framer.errorCondition()).isEqualTo(StreamErrorCondition.POLICY_VIOLATION);
        assertThat(framer.pendingCapacity()).isLessThanOrEqualTo(2 * 10_000);
    }

    @Test
    @DisplayName("RFC 6120 §4.9.3.14: nesting deeper than the limit is a policy violation")
    void shouldRejectDeepNesting()
    {
        final StreamFramer framer = new StreamFramer(new DecoderLimits().maxDepth(4).conclude(), listener);
        final byte[] bytes = (HEADER + "<a><b><c><d></d></c></b></a>").getBytes(StandardCharsets.UTF_8);
        framer.decode(new UnsafeBuffer(bytes), 0, bytes.length);
        assertThat(framer.errorCondition()).isEqualTo(StreamErrorCondition.POLICY_VIOLATION);
    }

    @Test
    @DisplayName("RFC 6120 §4.9.3.14: more attributes than the limit is a policy violation")
    void shouldRejectTooManyAttributes()
    {
        final StringBuilder tag = new StringBuilder("<message");
        for (int i = 0; i < 9; i++)
        {
            tag.append(" a").append(i).append("='v'");
        }
        final StreamFramer framer = new StreamFramer(new DecoderLimits().maxAttributes(8).conclude(), listener);
        final byte[] bytes = (HEADER + tag + "/>").getBytes(StandardCharsets.UTF_8);
        framer.decode(new UnsafeBuffer(bytes), 0, bytes.length);
        assertThat(framer.errorCondition()).isEqualTo(StreamErrorCondition.POLICY_VIOLATION);
    }

    @Test
    @DisplayName("a tag with more attributes than a flyweight first makes room for is indexed whole, framed or wrapped")
    void shouldIndexEveryAttributeUpToTheLimit()
    {
        final StringBuilder tag = new StringBuilder("<message");
        for (int i = 0; i < 19; i++)
        {
            tag.append(" a").append(i).append("='v").append(i).append('\'');
        }
        final String message = tag.append(" to='juliet@example.com'/>").toString();
        final int[] seen = new int[3];
        final StreamFramer counting = new StreamFramer(new DecoderLimits().conclude(), new RecordingListener()
        {
            @Override
            public boolean onElement(final ElementFlyweight element)
            {
                seen[0] = element.attributeCount();
                seen[1] = element.toIndex();
                seen[2] = element.attributeValueLength(15);
                return true;
            }
        });
        final byte[] bytes = (HEADER + message).getBytes(StandardCharsets.UTF_8);
        counting.decode(new UnsafeBuffer(bytes), 0, bytes.length);
        assertThat(seen).containsExactly(20, 19, "v15".length());

        final byte[] alone = message.getBytes(StandardCharsets.UTF_8);
        final StartTagFlyweight wrapped = new StartTagFlyweight(32).wrap(new UnsafeBuffer(alone), 0, alone.length);
        assertThat(wrapped.attributeCount()).isEqualTo(20);
        assertThat(wrapped.toIndex()).isEqualTo(19);
        assertThat(new StartTagFlyweight(8).wrap(new UnsafeBuffer(alone), 0, alone.length).attributeCount())
            .as("past its limit a flyweight indexes what it has room for").isEqualTo(8);
    }

    @Test
    @DisplayName("RFC 6120 §4.9.3.14: an attribute value over the limit is a policy violation")
    void shouldRejectLongAttributeValue()
    {
        final StreamFramer framer = new StreamFramer(
            new DecoderLimits().maxAttributeValueLength(4000).conclude(), listener);
        final byte[] bytes =
            (HEADER + "<message to='" + "\u00e9".repeat(2100) + "'/>").getBytes(StandardCharsets.UTF_8);
        framer.decode(new UnsafeBuffer(bytes), 0, bytes.length);
        assertThat(framer.errorCondition()).isEqualTo(StreamErrorCondition.POLICY_VIOLATION);
    }

    @Test
    void shouldHoldElementUnderBackPressureAndOfferItAgainOnResume()
    {
        listener.refuseNext(1);
        final byte[] bytes = (HEADER + "<message id='1'/><message id='2'/>").getBytes(StandardCharsets.UTF_8);
        assertThat(framer.decode(new UnsafeBuffer(bytes), 0, bytes.length)).isEqualTo(StreamFramer.BACK_PRESSURED);
        assertThat(listener.events).containsExactly(OPEN_EVENT);
        assertThat(framer.resume()).isEqualTo(StreamFramer.OK);
        assertThat(listener.events).containsExactly(OPEN_EVENT,
            "element MESSAGE ({jabber:client}message[{}id=1])", "element MESSAGE ({jabber:client}message[{}id=2])");
        assertThat(framer.pendingBytes()).isZero();
    }

    @Test
    void shouldReleaseItsBufferWhenIdle()
    {
        decode(HEADER, "<message><body>partial");
        assertThat(framer.pendingCapacity()).isPositive();
        decode("</body></message>");
        framer.releaseIdleBuffers();
        assertThat(framer.pendingCapacity()).isZero();
    }

    @Test
    void shouldFrameAsBeforeOnceItsIdleMemoryIsReleased()
    {
        final String wide = "<iq a1='1' a2='2' a3='3' a4='4' a5='5' a6='6' a7='7' a8='8' a9='9' a10='10' id='w'>" +
            "<query xmlns='jabber:iq:roster' xmlns:p='urn:p'><item p:x='1' jid='c@d'><group>G</group></item>" +
            "</query></iq>";
        final RecordingListener reference = new RecordingListener();
        final StreamFramer unreleased = new StreamFramer(new DecoderLimits().conclude(), reference);
        final byte[] bytes = (HEADER + wide + wide).getBytes(StandardCharsets.UTF_8);
        unreleased.decode(new UnsafeBuffer(bytes), 0, bytes.length);

        decode(HEADER);
        framer.releaseIdleMemory();
        decode(wide);
        framer.releaseIdleMemory();
        decode(wide);
        assertThat(listener.events).hasSize(3).isEqualTo(reference.events);
    }

    @Test
    void shouldKeepWhatAnElementInProgressNeedsWhenAskedToReleaseIdleMemory()
    {
        decode(HEADER, "<message xmlns:p='urn:p' p:a='1' b='2'><body>par");
        framer.releaseIdleMemory();
        assertThat(lastEvent("tial</body></message>"))
            .isEqualTo("element MESSAGE ({jabber:client}message[{urn:p}a=1, {}b=2]({jabber:client}body[]\"partial\"))");
    }

    @Test
    @DisplayName("RFC 6120 §4.3.3: a restarted stream's XML declaration is read after idle memory was released")
    void shouldReadAnotherXmlDeclarationAfterReleasingIdleMemory()
    {
        decode(HEADER, "<auth/>");
        framer.releaseIdleMemory();
        framer.reset();
        assertThat(decode(HEADER)).containsExactly(OPEN_EVENT, "element OTHER ({jabber:client}auth[])", OPEN_EVENT);
    }

    @Test
    @DisplayName("XML Names §3: a namespace declaration with an empty name for a prefix is not well-formed")
    void shouldRejectEmptyPrefixBinding()
    {
        assertThat(lastEvent(HEADER, "<message xmlns:p=''/>")).isEqualTo("error not-well-formed");
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "<message xmlns:xmlns='urn:x'/>",
        "<message xmlns:xml='urn:x'/>",
        "<message xmlns:p='http://www.w3.org/XML/1998/namespace'/>",
        "<message xmlns='http://www.w3.org/XML/1998/namespace'/>",
        "<message xmlns:p='http://www.w3.org/2000/xmlns/'/>",
        "<message xmlns='http://www.w3.org/2000/xmlns/'/>"})
    @DisplayName("XML Names §3: xmlns is never declared, xml only to its own name, and neither name is bound to " +
        "another prefix or made the default")
    void shouldRejectReservedNamespaceBindings(final String stanza)
    {
        assertThat(lastEvent(HEADER, stanza)).isEqualTo("error not-well-formed");
    }

    @Test
    @DisplayName("XML Names §3: the xml prefix may be declared to its own name")
    void shouldAcceptXmlPrefixDeclaredToItsOwnName()
    {
        assertThat(lastEvent(HEADER, "<message xmlns:xml='http://www.w3.org/XML/1998/namespace' xml:lang='en'/>"))
            .startsWith("element MESSAGE");
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "jabber:c&amp;lient | <message><body/></message> | ({jabber:c&lient}message[]({jabber:c&lient}body[]))",
        "jabber:client&amp; | <message/> | ({jabber:client&}message[])",
        "jabber:client | <message xmlns='urn:a&amp;b'><body/></message> | ({urn:a&b}message[]({urn:a&b}body[]))",
        "jabber:client | <m:x xmlns:m='urn:&#65;' m:a='1'/> | ({urn:A}x[{urn:A}a=1])"})
    @DisplayName("XML Names §2.3: a namespace name is its declaration's value with the references replaced once, " +
        "whether the stream header or the element declares it")
    void shouldReplaceReferencesInNamespaceNamesOnce(
        final String streamNamespace, final String stanza, final String element)
    {
        final String header = "<stream:stream xmlns='" + streamNamespace + "' " +
            "xmlns:stream='http://etherx.jabber.org/streams' to='example.com' version='1.0'>";
        assertThat(lastEvent(header, stanza)).isEqualTo("element OTHER " + element);
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "<message><h:x/></message>",
        "<message h:a='1'/>",
        "<message><body><x h:a='1'/></body></message>",
        "<message><stream:error/></message>",
        "<c:message/>"})
    @DisplayName("RFC 6120 §4.9.3.2: a prefix bound on the stream header is refused inside a stanza, which is " +
        "delivered byte for byte into streams that do not declare it")
    void shouldRefuseHeaderPrefixesInsideStanzas(final String stanza)
    {
        assertThat(lastEvent(PREFIXED_HEADER, stanza)).isEqualTo("error bad-namespace-prefix");
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "<stream:features/> | ({http://etherx.jabber.org/streams}features[])",
        "<h:x/> | ({urn:h<}x[])",
        "<message xmlns:h='urn:y'><h:x/></message> | ({jabber:client}message[]({urn:y}x[]))"})
    @DisplayName("RFC 6120 §4.9.3.2, XML Names §6.1: a top-level element other than a stanza may use the header's " +
        "prefixes in its name, and a stanza may declare the same prefix itself")
    void shouldAcceptHeaderPrefixesOutsideStanzas(final String element, final String canonical)
    {
        assertThat(lastEvent(PREFIXED_HEADER, element)).endsWith(canonical);
    }
}
