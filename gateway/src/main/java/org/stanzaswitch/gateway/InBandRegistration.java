package org.stanzaswitch.gateway;

import io.netty.util.concurrent.EventExecutor;
import org.agrona.DirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;
import org.stanzaswitch.codec.Bytes;
import org.stanzaswitch.codec.ChildElements;
import org.stanzaswitch.codec.ElementFlyweight;
import org.stanzaswitch.codec.StanzaErrorCondition;
import org.stanzaswitch.codec.StanzaKind;
import org.stanzaswitch.codec.StartTagFlyweight;
import org.stanzaswitch.codec.XmlEncoder;
import org.stanzaswitch.codec.XmlReader;
import org.stanzaswitch.switching.account.ScramCredentials;

import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.logging.Logger;

/**
 * XEP-0077 In-Band Registration with the server, when the operator opens it ({@code registration.open}):
 * an unauthenticated client registers an account (§3.1), an authenticated one changes its password (§3.3) or
 * cancels its account (§3.2). Accounts are commands on the state journal like the CLI's; the answer waits until
 * the switch has applied the command, so a login right after it succeeds. Key derivation (PBKDF2) runs on the
 * connection's I/O thread: registrations are rare, and the per-address throttle limits them.
 */
final class InBandRegistration
{
    static final String REGISTER_NS = "jabber:iq:register";

    private static final Logger LOG = Logger.getLogger(InBandRegistration.class.getName());
    private static final byte[] REGISTER_NS_BYTES = Bytes.ascii(REGISTER_NS);
    private static final byte[] IQ = Bytes.ascii("iq");
    private static final byte[] QUERY = Bytes.ascii("query");
    private static final byte[] INSTRUCTIONS = Bytes.ascii("instructions");
    private static final byte[] USERNAME = Bytes.ascii("username");
    private static final byte[] PASSWORD = Bytes.ascii("password");
    private static final byte[] REGISTERED = Bytes.ascii("registered");
    private static final byte[] XMLNS = Bytes.ascii("xmlns");
    private static final byte[] TYPE = Bytes.ascii("type");
    private static final byte[] RESULT = Bytes.ascii("result");
    private static final byte[] SET = Bytes.ascii("set");
    private static final long APPLIED_POLL_MS = 2;
    private static final int APPLIED_POLLS = 5_000;

    private final C2sContext context;

    InBandRegistration(final C2sContext context)
    {
        this.context = context;
    }

    /**
     * @param children a reusable walker, so that the question costs no allocation on the stanza path.
     * @return true for an IQ to the server (no 'to', or the domain) whose payload is a registration query.
     */
    static boolean isRegistration(final ElementFlyweight element, final byte[] domain, final ChildElements children)
    {
        if (element.kind() != StanzaKind.IQ)
        {
            return false;
        }
        final int to = element.toIndex();
        if (to != StartTagFlyweight.MISSING &&
            !Bytes.equals(element.buffer(), element.attributeValueOffset(to), element.attributeValueLength(to), domain))
        {
            return false;
        }
        return children.wrap(element).next() && children.is(QUERY, REGISTER_NS_BYTES);
    }

    /**
     * §3.1: before authentication, the form and the registration itself.
     *
     * @param iq       the request.
     * @param executor the connection's I/O thread, on which the answer is sent.
     * @param reply    sends XML to the client.
     */
    void onUnauthenticated(final ElementFlyweight iq, final EventExecutor executor, final Consumer<DirectBuffer> reply)
    {
        if (!context.server().registrationOpen())
        {
            reply.accept(error(iq, StanzaErrorCondition.SERVICE_UNAVAILABLE));
            return;
        }
        if (!iq.attributeValueEquals(iq.typeIndex(), SET))
        {
            final XmlEncoder xml = start(iq).start(QUERY).attribute(XMLNS, REGISTER_NS_BYTES)
                .start(INSTRUCTIONS).text("Choose a username and password.").end()
                .start(USERNAME).end().start(PASSWORD).end();
            reply.accept(context.writer().encoded(xml.end().end().length()));
            return;
        }
        final Fields fields = fields(iq);
        final String username = canonical(fields.username);
        if (username == null || fields.password == null || fields.password.isEmpty())
        {
            // §3.1: every field asked for must be given, and the username must be a valid localpart.
            reply.accept(error(iq, StanzaErrorCondition.NOT_ACCEPTABLE));
            return;
        }
        final AccountAdmin admin = context.accountAdmin();
        final DirectBuffer result = copyOf(start(iq).end());
        final DirectBuffer conflict = copyOf(error(iq, StanzaErrorCondition.CONFLICT));
        deriveThen(iq, fields.password, executor, reply, credentials ->
        {
            synchronized (admin)
            {
                if (admin.exists(username) || context.stanzaSwitch().accounts().exists(username))
                {
                    reply.accept(conflict);
                    return;
                }
                admin.setCredentials(username, credentials);
            }
            LOG.info(() -> "registered " + username + " in band");
            whenApplied(username, true, executor, () -> reply.accept(result));
        });
    }

    /**
     * Derive the password's keys on the key-derivation workers, then continue on the I/O thread; if the workers'
     * backlog is full, answer resource-constraint (RFC 6120 §8.3.3.18) instead.
     */
    private void deriveThen(
        final ElementFlyweight iq,
        final String password,
        final EventExecutor executor,
        final Consumer<DirectBuffer> reply,
        final Consumer<ScramCredentials> then)
    {
        final DirectBuffer busy = copyOf(error(iq, StanzaErrorCondition.RESOURCE_CONSTRAINT));
        try
        {
            context.keyDerivation().execute(() ->
            {
                final ScramCredentials credentials = context.accountAdmin().derive(password);
                executor.execute(() -> then.accept(credentials));
            });
        }
        catch (final RejectedExecutionException ex)
        {
            reply.accept(busy);
        }
    }

    /**
     * §3.2 and §3.3 for an authenticated user: cancel the account or change its password.
     *
     * @param reply   sends an answer.
     * @param removed sends the answer to a cancellation once the account is gone; the stream then ends with
     *                not-authorized (§3.2).
     * @return true if the request cancels the account: it is gone (deleted here, on the caller's thread).
     */
    boolean onAuthenticated(
        final ElementFlyweight iq,
        final String user,
        final EventExecutor executor,
        final Consumer<DirectBuffer> reply,
        final Consumer<DirectBuffer> removed)
    {
        if (!iq.attributeValueEquals(iq.typeIndex(), SET))
        {
            final XmlEncoder xml = start(iq).start(QUERY).attribute(XMLNS, REGISTER_NS_BYTES)
                .start(REGISTERED).end().start(USERNAME).text(user).end().start(PASSWORD).end();
            reply.accept(context.writer().encoded(xml.end().end().length()));
            return false;
        }
        final Fields fields = fields(iq);
        final AccountAdmin admin = context.accountAdmin();
        if (fields.remove)
        {
            synchronized (admin)
            {
                admin.delete(user);
            }
            LOG.info(() -> "account " + user + " cancelled in band");
            final DirectBuffer result = copyOf(start(iq).end());
            whenApplied(user, false, executor, () -> removed.accept(result));
            return true;
        }
        if (fields.password == null || fields.password.isEmpty() ||
            fields.username != null && !user.equals(canonical(fields.username)))
        {
            // §3.3: never an empty password, and only one's own.
            reply.accept(error(iq, StanzaErrorCondition.BAD_REQUEST));
            return false;
        }
        final DirectBuffer result = copyOf(start(iq).end());
        deriveThen(iq, fields.password, executor, reply, credentials ->
        {
            admin.setCredentials(user, credentials);
            reply.accept(result);
        });
        return false;
    }

    /**
     * @return the canonical username (RFC 7622 localpart), or null if the text cannot be one.
     */
    private String canonical(final String username)
    {
        if (username == null)
        {
            return null;
        }
        try
        {
            return context.accountAdmin().username(username.trim());
        }
        catch (final IllegalArgumentException ex)
        {
            return null;
        }
    }

    /** What a registration request carries. */
    private static final class Fields
    {
        String username;
        String password;
        boolean remove;
    }

    private Fields fields(final ElementFlyweight iq)
    {
        final Fields fields = new Fields();
        final XmlReader reader = context.reader().wrap(iq);
        XmlReader.Event event;
        while ((event = reader.next()) != XmlReader.Event.END_DOCUMENT)
        {
            if (event == XmlReader.Event.START_ELEMENT && REGISTER_NS.equals(reader.namespace()))
            {
                switch (reader.localName())
                {
                    case "username" -> fields.username = reader.elementText();
                    case "password" -> fields.password = reader.elementText();
                    case "remove" -> fields.remove = true;
                    default ->
                    {
                    }
                }
            }
        }
        return fields;
    }

    /**
     * Run the action on the I/O thread once the switch has applied the account command (it polls the state
     * journal every few milliseconds), so that what the answer promises is already true.
     */
    private void whenApplied(
        final String username, final boolean exists, final EventExecutor executor, final Runnable action)
    {
        poll(username, exists, executor, action, APPLIED_POLLS);
    }

    private void poll(
        final String username, final boolean exists, final EventExecutor executor, final Runnable action,
        final int left)
    {
        if (context.stanzaSwitch().accounts().exists(username) == exists || left == 0)
        {
            action.run();
            return;
        }
        executor.schedule(() -> poll(username, exists, executor, action, left - 1), APPLIED_POLL_MS,
            TimeUnit.MILLISECONDS);
    }

    private XmlEncoder start(final ElementFlyweight iq)
    {
        final XmlEncoder xml = context.writer().encoder().startIqReply(iq);
        return xml.attribute(TYPE, RESULT);
    }

    private DirectBuffer error(final ElementFlyweight iq, final StanzaErrorCondition condition)
    {
        return context.stanzaError(iq, condition);
    }

    private static DirectBuffer copyOf(final XmlEncoder xml)
    {
        final byte[] bytes = new byte[xml.length()];
        xml.buffer().getBytes(0, bytes);
        return new UnsafeBuffer(bytes);
    }

    private static DirectBuffer copyOf(final DirectBuffer xml)
    {
        final byte[] bytes = new byte[xml.capacity()];
        xml.getBytes(0, bytes);
        return new UnsafeBuffer(bytes);
    }
}
