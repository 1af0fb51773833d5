package org.stanzaswitch.gateway;

import java.net.InetAddress;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Failed authentications per remote address in a one-minute window; past the limit an address gets
 * {@code temporary-auth-failure} without its credentials being checked, which bounds password guessing and
 * the PBKDF2 work an attacker can cause. Shared by all I/O threads.
 */
final class AuthThrottle
{
    private static final long WINDOW_NS = 60_000_000_000L;
    private static final int MAX_TRACKED = 100_000;

    private final int maxFailures;
    private final ConcurrentHashMap<InetAddress, long[]> failures = new ConcurrentHashMap<>();

    AuthThrottle(final int maxFailures)
    {
        this.maxFailures = maxFailures;
    }

    boolean allowed(final InetAddress address, final long nowNs)
    {
        final long[] entry = failures.get(address);
        return entry == null || nowNs - entry[0] > WINDOW_NS || entry[1] < maxFailures;
    }

    void failed(final InetAddress address, final long nowNs)
    {
        if (failures.size() > MAX_TRACKED)
        {
            failures.clear();
        }
        failures.compute(address, (key, entry) ->
        {
            if (entry == null || nowNs - entry[0] > WINDOW_NS)
            {
                return new long[]{nowNs, 1};
            }
            entry[1]++;
            return entry;
        });
    }
}
