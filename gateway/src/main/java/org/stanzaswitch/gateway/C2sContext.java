package org.stanzaswitch.gateway;

import io.netty.util.concurrent.FastThreadLocal;
import org.agrona.ExpandableArrayBuffer;
import org.stanzaswitch.codec.JidCache;
import org.stanzaswitch.gateway.tls.TlsSupport;
import org.stanzaswitch.switching.StanzaSwitch;

import java.security.SecureRandom;
import java.util.Base64;

/**
 * What every client connection of one server shares: settings, the switch, TLS, the failed-auth throttle,
 * and per-I/O-thread scratch (writer, buffer, JID cache) so that a connection owns almost nothing itself.
 */
final class C2sContext
{
    private final ServerContext server;
    private final StanzaSwitch stanzaSwitch;
    private final TlsSupport tls;
    private final AuthThrottle throttle;
    private final SecureRandom random = new SecureRandom();
    private final byte[] fakeSaltKey = new byte[32];
    private final FastThreadLocal<StreamWriter> writers = new FastThreadLocal<>()
    {
        @Override
        protected StreamWriter initialValue()
        {
            return new StreamWriter();
        }
    };
    private final FastThreadLocal<ExpandableArrayBuffer> scratch = new FastThreadLocal<>()
    {
        @Override
        protected ExpandableArrayBuffer initialValue()
        {
            return new ExpandableArrayBuffer(4096);
        }
    };
    private final FastThreadLocal<JidCache> jids = new FastThreadLocal<>()
    {
        @Override
        protected JidCache initialValue()
        {
            return new JidCache(4096);
        }
    };

    C2sContext(final ServerContext server, final StanzaSwitch stanzaSwitch, final TlsSupport tls)
    {
        this.server = server;
        this.stanzaSwitch = stanzaSwitch;
        this.tls = tls;
        this.throttle = new AuthThrottle(server.maxAuthFailuresPerMinute());
        random.nextBytes(fakeSaltKey);
    }

    ServerContext server()
    {
        return server;
    }

    StanzaSwitch stanzaSwitch()
    {
        return stanzaSwitch;
    }

    TlsSupport tls()
    {
        return tls;
    }

    AuthThrottle throttle()
    {
        return throttle;
    }

    SecureRandom random()
    {
        return random;
    }

    byte[] fakeSaltKey()
    {
        return fakeSaltKey;
    }

    /**
     * RFC 6120 §4.7.3: stream ids are unpredictable.
     */
    String newStreamId()
    {
        final byte[] id = new byte[12];
        random.nextBytes(id);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(id);
    }

    StreamWriter writer()
    {
        return writers.get();
    }

    ExpandableArrayBuffer scratch()
    {
        return scratch.get();
    }

    JidCache jids()
    {
        return jids.get();
    }
}
