package org.stanzaswitch.codec;

import org.agrona.BitUtil;
import org.agrona.DirectBuffer;

import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;

/**
 * Maps the bytes of an address, as written in a stanza, to its canonical {@link Jid} without allocating on a
 * hit: an open-addressed table keyed by the raw bytes, with canonical instances interned so that bare and
 * full addresses compare by identity. Invalid addresses are cached too, so a flood of one bad address costs a
 * look-up each. Entries are evicted by overwriting when the probe window is full.
 * <p>
 * Not thread safe: one per owning thread (a router or a connection's I/O thread).
 */
public final class JidCache
{
    private static final int PROBES = 8;
    private static final Jid INVALID = new Jid(null, "invalid", null, null);

    private final JidParser parser = new JidParser();
    private final byte[][] keys;
    private final Jid[] values;
    private final int mask;
    private final Map<String, Jid> canonical = new HashMap<>();
    private final int maxCanonical;
    private int evictCursor;

    /**
     * @param capacity entries in the table, rounded up to a power of two.
     */
    public JidCache(final int capacity)
    {
        final int size = BitUtil.findNextPositivePowerOfTwo(Math.max(capacity, PROBES));
        keys = new byte[size][];
        values = new Jid[size];
        mask = size - 1;
        maxCanonical = size * 2;
    }

    /**
     * @param buffer holding the address bytes (UTF-8, references already replaced).
     * @param offset of the bytes.
     * @param length of the bytes.
     * @return the canonical address, or null if the bytes are not a valid address.
     */
    public Jid lookup(final DirectBuffer buffer, final int offset, final int length)
    {
        final int hash = hash(buffer, offset, length);
        for (int probe = 0; probe < PROBES; probe++)
        {
            final int index = (hash + probe) & mask;
            final byte[] key = keys[index];
            if (key == null)
            {
                return miss(buffer, offset, length, index);
            }
            if (key.length == length && matches(key, buffer, offset))
            {
                final Jid value = values[index];
                return value == INVALID ? null : value;
            }
        }
        return miss(buffer, offset, length, (hash + (evictCursor++ & (PROBES - 1))) & mask);
    }

    /**
     * @return the reason the last look-up that missed found the address invalid.
     */
    public String failureReason()
    {
        return parser.failureReason();
    }

    private Jid miss(final DirectBuffer buffer, final int offset, final int length, final int index)
    {
        final byte[] key = new byte[length];
        buffer.getBytes(offset, key);
        final Jid parsed = parser.parse(new String(key, StandardCharsets.UTF_8));
        final Jid value = parsed == null ? INVALID : intern(parsed);
        keys[index] = key;
        values[index] = value;
        return parsed == null ? null : value;
    }

    private Jid intern(final Jid jid)
    {
        if (canonical.size() >= maxCanonical)
        {
            // Interning only speeds comparisons up; starting afresh keeps memory bounded.
            canonical.clear();
        }
        final Jid bare = canonical.computeIfAbsent(jid.bare().toString(), text -> jid.bare());
        if (jid.isBare())
        {
            return bare;
        }
        final Jid existing = canonical.get(jid.toString());
        if (existing != null && existing.bare() == bare)
        {
            return existing;
        }
        final Jid full = new Jid(jid.local(), jid.domain(), jid.resource(), bare);
        canonical.put(full.toString(), full);
        return full;
    }

    private static boolean matches(final byte[] key, final DirectBuffer buffer, final int offset)
    {
        for (int i = 0; i < key.length; i++)
        {
            if (key[i] != buffer.getByte(offset + i))
            {
                return false;
            }
        }
        return true;
    }

    private static int hash(final DirectBuffer buffer, final int offset, final int length)
    {
        int hash = 0x811C9DC5;
        for (int i = 0; i < length; i++)
        {
            hash = (hash ^ buffer.getByte(offset + i)) * 0x01000193;
        }
        return hash ^ (hash >>> 16);
    }
}
