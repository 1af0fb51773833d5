package org.stanzaswitch.gateway;

import io.netty.util.concurrent.FastThreadLocal;
import org.agrona.DirectBuffer;
import org.agrona.ExpandableArrayBuffer;
import org.agrona.concurrent.UnsafeBuffer;
import org.stanzaswitch.codec.ChildElements;
import org.stanzaswitch.codec.ElementFlyweight;
import org.stanzaswitch.codec.JidCache;
import org.stanzaswitch.codec.StanzaErrorCondition;
import org.stanzaswitch.codec.StanzaErrorEncoder;
import org.stanzaswitch.codec.XmlReader;
import org.stanzaswitch.gateway.tls.TlsSupport;
import org.stanzaswitch.switching.StanzaSwitch;

import java.security.SecureRandom;
import java.util.Base64;
import java.util.concurrent.Executor;

/**
 * What every client connection of one server shares: settings, the switch, TLS, the failed-auth throttle,
 * and per-I/O-thread scratch (writer, buffer, JID cache) so that a connection owns almost nothing itself.
 */
final class C2sContext
{
    private final ServerContext server;
    private final StanzaSwitch stanzaSwitch;
    private final TlsSupport tls;
    private final AccountAdmin accountAdmin;
    private final AuthThrottle throttle;
    private final QuietConnections quietConnections;
    private final Executor keyDerivation;
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
    private final FastThreadLocal<StanzaErrorEncoder> errorEncoder = new FastThreadLocal<>()
    {
        @Override
        protected StanzaErrorEncoder initialValue()
        {
            return new StanzaErrorEncoder();
        }
    };
    private final FastThreadLocal<ChildElements> children = new FastThreadLocal<>()
    {
        @Override
        protected ChildElements initialValue()
        {
            return new ChildElements();
        }
    };
    private final FastThreadLocal<XmlReader> readers = new FastThreadLocal<>()
    {
        @Override
        protected XmlReader initialValue()
        {
            return new XmlReader();
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

    C2sContext(
        final ServerContext server,
        final StanzaSwitch stanzaSwitch,
        final TlsSupport tls,
        final AccountAdmin accountAdmin,
        final Executor keyDerivation)
    {
        this.server = server;
        this.keyDerivation = keyDerivation;
        this.accountAdmin = accountAdmin;
        this.stanzaSwitch = stanzaSwitch;
        this.tls = tls;
        this.throttle = new AuthThrottle(server.maxAuthFailuresPerMinute());
        this.quietConnections = new QuietConnections(server.idleTimeoutNs(), server.trimAfterNs());
        random.nextBytes(fakeSaltKey);
    }

    ServerContext server()
    {
        return server;
    }

    QuietConnections quietConnections()
    {
        return quietConnections;
    }

    StanzaSwitch stanzaSwitch()
    {
        return stanzaSwitch;
    }

    TlsSupport tls()
    {
        return tls;
    }

    /**
     * @return this I/O thread's reader for the payloads parsed before binding (SASL, registration, binding): one
     *         per thread rather than per connection, since an idle connection should hold next to nothing.
     */
    XmlReader reader()
    {
        return readers.get();
    }

    /**
     * @return the workers that derive keys from passwords (SASL PLAIN), bounded: they refuse work past a backlog.
     */
    Executor keyDerivation()
    {
        return keyDerivation;
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

    ChildElements children()
    {
        return children.get();
    }

    /**
     * @return the server's own account administration (in-band registration); callers synchronize on it.
     */
    AccountAdmin accountAdmin()
    {
        return accountAdmin;
    }

    /**
     * @return a stanza error answering a request the connection handles itself, in this thread's scratch buffer.
     */
    DirectBuffer stanzaError(final ElementFlyweight request, final StanzaErrorCondition condition)
    {
        final ExpandableArrayBuffer buffer = scratch();
        buffer.checkLimit(1024 + request.startTagLength());
        final int length = errorEncoder.get().encode(request, server.domainJid(), condition, null, buffer, 0);
        return new UnsafeBuffer(buffer, 0, length);
    }
}
