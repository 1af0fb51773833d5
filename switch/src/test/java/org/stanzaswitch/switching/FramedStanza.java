package org.stanzaswitch.switching;

import org.agrona.concurrent.UnsafeBuffer;
import org.stanzaswitch.codec.DecoderLimits;
import org.stanzaswitch.codec.ElementFlyweight;
import org.stanzaswitch.codec.StreamErrorCondition;
import org.stanzaswitch.codec.StreamFramer;
import org.stanzaswitch.codec.StreamHeaderFlyweight;
import org.stanzaswitch.codec.StreamListener;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * One stanza framed as the gateway frames it, for tests of what the router's services read from a flyweight.
 */
final class FramedStanza
{
    private static final String HEADER = "<stream:stream xmlns='jabber:client' " +
        "xmlns:stream='http://etherx.jabber.org/streams' to='localhost' version='1.0'>";

    private FramedStanza()
    {
    }

    /**
     * @param stanza  the stanza's XML, in a jabber:client stream.
     * @param reading what to read from its flyweight, while the framer holds it.
     * @return what was read.
     */
    static <T> T read(final String stanza, final Function<ElementFlyweight, T> reading)
    {
        final List<T> read = new ArrayList<>();
        final StreamListener listener = new StreamListener()
        {
            @Override
            public void onStreamOpen(final StreamHeaderFlyweight header)
            {
            }

            @Override
            public boolean onElement(final ElementFlyweight element)
            {
                read.add(reading.apply(element));
                return true;
            }

            @Override
            public void onStreamClose()
            {
            }

            @Override
            public void onStreamError(final StreamErrorCondition condition, final String reason)
            {
                throw new AssertionError(condition + ": " + reason);
            }
        };
        final byte[] bytes = (HEADER + stanza).getBytes(StandardCharsets.UTF_8);
        new StreamFramer(new DecoderLimits().conclude(), listener).decode(new UnsafeBuffer(bytes), 0, bytes.length);
        assertThat(read).hasSize(1);
        return read.get(0);
    }
}
