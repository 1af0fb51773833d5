package org.stanzaswitch.codec;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import org.agrona.concurrent.UnsafeBuffer;

import static java.nio.charset.StandardCharsets.UTF_8;

/**
 * Coverage-guided fuzz target (Jazzer) for addresses as the router meets them: the bytes of a {@code to} or
 * {@code from} attribute looked up in a {@link JidCache}. Run like {@link StreamFramerFuzzTest}, by its own
 * execution of the build ({@code mvn -pl codec verify -Dfuzz.seconds=N} bounds both).
 * <p>
 * Whatever the bytes, the look-up returns an address or null and never throws; an address's canonical text
 * (RFC 7622 §3) looks up to the very same instance, so a second form can never route apart from the first.
 */
class JidCacheFuzzTest
{
    @FuzzTest
    void canonicalAddressesLookUpToThemselves(final FuzzedDataProvider data)
    {
        final JidCache cache = new JidCache(64);
        final byte[] bytes = data.consumeRemainingAsBytes();
        final Jid jid = cache.lookup(new UnsafeBuffer(bytes), 0, bytes.length);
        if (jid == null)
        {
            return;
        }
        final byte[] canonical = jid.toString().getBytes(UTF_8);
        final Jid again = cache.lookup(new UnsafeBuffer(canonical), 0, canonical.length);
        if (again != jid)
        {
            throw new IllegalStateException("'" + new String(bytes, UTF_8) +
                "' is " + jid + ", which looks up to " + again + " (" + cache.failureReason() + ")");
        }
    }
}
