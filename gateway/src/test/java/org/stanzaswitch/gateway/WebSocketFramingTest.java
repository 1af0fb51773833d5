package org.stanzaswitch.gateway;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The translation between the server's XML stream and RFC 7395's messages, on Netty's embedded channel: how the
 * outbound stream is cut into elements whatever the writes, and what an inbound message becomes.
 */
class WebSocketFramingTest
{
    private static final String FRAMING = "xmlns='urn:ietf:params:xml:ns:xmpp-framing'";

    @Test
    @DisplayName("RFC 7395 §3.4: the stream header becomes <open/>, without the declaration or namespaces")
    void shouldWriteTheHeaderAsOpen()
    {
        final EmbeddedChannel channel = upgraded();
        channel.writeOutbound(bytes("<?xml version='1.0'?><stream:stream xmlns='jabber:client' " +
            "xmlns:stream='http://etherx.jabber.org/streams' id='s1' from='localhost' version='1.0' xml:lang='en'>"));
        assertThat(written(channel)).containsExactly(
            "<open " + FRAMING + " id='s1' from='localhost' version='1.0' xml:lang='en'/>");
    }

    @Test
    @DisplayName("RFC 7395 §3.3.3: one message per element, each declaring its namespace, however the writes fall")
    void shouldCutTheStreamIntoElements()
    {
        final EmbeddedChannel channel = upgraded();
        channel.writeOutbound(bytes("<message to='a@localhost'><body>x &gt; y</body></message>\n <presence/>" +
            "<a xmlns='urn:xmpp:sm:3' h='1'/>"));
        assertThat(written(channel)).containsExactly(
            "<message xmlns='jabber:client' to='a@localhost'><body>x &gt; y</body></message>",
            "<presence xmlns='jabber:client'/>",
            "<a xmlns='urn:xmpp:sm:3' h='1'/>");

        // Cut inside an attribute value holding '>', and inside a CDATA section holding an end tag.
        channel.writeOutbound(bytes("<message id='a>"));
        channel.writeOutbound(bytes("b'><body><![CDATA[</message> <x>"));
        assertThat(written(channel)).isEmpty();
        channel.writeOutbound(bytes("]]></body><x/></message>"));
        assertThat(written(channel)).containsExactly(
            "<message xmlns='jabber:client' id='a>b'><body><![CDATA[</message> <x>]]></body><x/></message>");
    }

    @Test
    @DisplayName("RFC 7395 §3.5, §3.6: a stream error declares the stream prefix, the end tag becomes <close/>")
    void shouldWriteErrorAndClose()
    {
        final EmbeddedChannel channel = upgraded();
        channel.writeOutbound(bytes("<stream:error><conflict xmlns='urn:ietf:params:xml:ns:xmpp-streams'/>" +
            "</stream:error></stream:stream>"));
        assertThat(written(channel)).containsExactly(
            "<stream:error xmlns:stream='http://etherx.jabber.org/streams'>" +
                "<conflict xmlns='urn:ietf:params:xml:ns:xmpp-streams'/></stream:error>",
            "<close " + FRAMING + "/>");
    }

    @Test
    @DisplayName("RFC 7395 §3.6: closing sends a close frame and waits for the client's answer, for a while")
    void shouldCloseWithTheClosingHandshake()
    {
        final EmbeddedChannel channel = upgraded();
        // Through the pipeline: EmbeddedChannel's own close() cancels the scheduled tasks.
        channel.pipeline().close();
        final CloseWebSocketFrame frame = channel.readOutbound();
        assertThat(frame.statusCode()).isEqualTo(1000);
        frame.release();
        assertThat(channel.isOpen()).isTrue();
        channel.advanceTimeBy(5, TimeUnit.SECONDS);
        channel.runScheduledPendingTasks();
        assertThat(channel.isOpen()).isFalse();
    }

    @Test
    @DisplayName("RFC 7395 §3.3.2, §3.7: <open/> reads as a stream header, <close/> as its end, the rest as it is")
    void shouldReadOpenAndClose()
    {
        final EmbeddedChannel channel = upgraded();
        channel.writeInbound(new TextWebSocketFrame("<open " + FRAMING + " to='localhost' version=\"1.0\"/>"));
        assertThat(read(channel)).isEqualTo("<stream:stream xmlns:stream='http://etherx.jabber.org/streams' " +
            "xmlns='jabber:client' to='localhost' version=\"1.0\">");
        channel.writeInbound(new TextWebSocketFrame("<presence/>"));
        assertThat(read(channel)).isEqualTo("<presence/>");
        channel.writeInbound(new TextWebSocketFrame(" <close " + FRAMING + "/>"));
        assertThat(read(channel)).isEqualTo("</stream:stream>");
        // §3.3.1: an <open/> in another namespace is left for the framer to refuse.
        channel.writeInbound(new TextWebSocketFrame("<open xmlns='jabber:client' to='localhost'/>"));
        assertThat(read(channel)).isEqualTo("<open xmlns='jabber:client' to='localhost'/>");
    }

    private static EmbeddedChannel upgraded()
    {
        return new EmbeddedChannel(new WebSocketFraming());
    }

    private static ByteBuf bytes(final String xml)
    {
        return Unpooled.copiedBuffer(xml, StandardCharsets.UTF_8);
    }

    private static List<String> written(final EmbeddedChannel channel)
    {
        final List<String> messages = new ArrayList<>();
        TextWebSocketFrame frame;
        while ((frame = channel.readOutbound()) != null)
        {
            messages.add(frame.text());
            frame.release();
        }
        return messages;
    }

    private static String read(final EmbeddedChannel channel)
    {
        final ByteBuf bytes = channel.readInbound();
        try
        {
            return bytes.toString(StandardCharsets.UTF_8);
        }
        finally
        {
            bytes.release();
        }
    }
}
