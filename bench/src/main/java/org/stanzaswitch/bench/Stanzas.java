package org.stanzaswitch.bench;

import org.agrona.concurrent.UnsafeBuffer;
import org.stanzaswitch.codec.Bytes;
import org.stanzaswitch.codec.DecoderLimits;
import org.stanzaswitch.codec.ElementFlyweight;
import org.stanzaswitch.codec.StreamErrorCondition;
import org.stanzaswitch.codec.StreamFramer;
import org.stanzaswitch.codec.StreamHeaderFlyweight;
import org.stanzaswitch.codec.StreamListener;

import java.nio.charset.StandardCharsets;

/**
 * Stanzas for benchmarks, framed once by the real codec as a connection would frame them.
 */
final class Stanzas
{
    private static final String HEADER = "<stream:stream xmlns='jabber:client' " +
        "xmlns:stream='http://etherx.jabber.org/streams' to='localhost' version='1.0'>";

    private Stanzas()
    {
    }

    /**
     * @return a view over a private copy of the stanza, in the jabber:client namespace.
     */
    static ElementFlyweight frame(final String stanza)
    {
        final byte[] bytes = (HEADER + stanza).getBytes(StandardCharsets.UTF_8);
        final ElementFlyweight[] framed = new ElementFlyweight[1];
        final UnsafeBuffer copy = new UnsafeBuffer(new byte[bytes.length]);
        new StreamFramer(new DecoderLimits().conclude(), new StreamListener()
        {
            @Override
            public void onStreamOpen(final StreamHeaderFlyweight header)
            {
            }

            @Override
            public boolean onElement(final ElementFlyweight element)
            {
                copy.putBytes(0, element.buffer(), element.offset(), element.length());
                framed[0] = new ElementFlyweight(16).wrap(copy, 0, element.length(),
                    new UnsafeBuffer(Bytes.ascii("jabber:client")), 0, "jabber:client".length());
                return true;
            }

            @Override
            public void onStreamClose()
            {
            }

            @Override
            public void onStreamError(final StreamErrorCondition condition, final String reason)
            {
                throw new IllegalStateException(reason);
            }
        }).decode(new UnsafeBuffer(bytes), 0, bytes.length);
        return framed[0];
    }
}
