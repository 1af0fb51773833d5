package org.stanzaswitch.gateway;

import org.agrona.DirectBuffer;
import org.stanzaswitch.codec.Bytes;
import org.stanzaswitch.codec.ElementFlyweight;
import org.stanzaswitch.codec.XmlReader;
import org.stanzaswitch.gateway.sasl.PlainServer;
import org.stanzaswitch.gateway.sasl.SaslFailure;
import org.stanzaswitch.gateway.sasl.SaslMechanismServer;
import org.stanzaswitch.gateway.sasl.SaslStep;
import org.stanzaswitch.gateway.sasl.ScramServer;
import org.stanzaswitch.switching.account.ScramCredentials.ScramAlgorithm;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.function.Consumer;

/**
 * The SASL exchange of one connection (RFC 6120 §6.4): {@code <auth/>} with an optional initial response,
 * challenges and responses, {@code <abort/>}, success or failure, with at most
 * {@value #MAX_ATTEMPTS} failed attempts per connection (§6.4.5) and the server-wide per-address throttle.
 */
final class SaslNegotiation
{
    /** What the connection does next. */
    enum Outcome
    {
        CONTINUE,
        SUCCESS,
        CLOSE,
        /** The mechanism is at work off the I/O thread; the outcome comes later, on the I/O thread. */
        PENDING
    }

    private static final int MAX_ATTEMPTS = 5;
    private static final byte[] AUTH = Bytes.ascii("auth");
    private static final byte[] RESPONSE = Bytes.ascii("response");
    private static final byte[] ABORT = Bytes.ascii("abort");
    private static final byte[] MECHANISM = Bytes.ascii("mechanism");

    private final C2sContext context;
    private InetAddress address;
    private SaslMechanismServer mechanism;
    private String mechanismName;
    private String lastFailure;
    private DirectBuffer reply;
    private String username;
    private int failures;
    private Executor ioThread;
    private Consumer<Outcome> laterOutcome;

    SaslNegotiation(final C2sContext context)
    {
        this.context = context;
    }

    /**
     * @param remote      the client's address, for the throttle.
     * @param ioThread    the connection's I/O thread.
     * @param laterOutcome told, on the I/O thread, the outcome of a step that was {@link Outcome#PENDING}.
     */
    void attach(final SocketAddress remote, final Executor ioThread, final Consumer<Outcome> laterOutcome)
    {
        address = remote instanceof InetSocketAddress ? ((InetSocketAddress)remote).getAddress() : null;
        this.ioThread = ioThread;
        this.laterOutcome = laterOutcome;
    }

    /**
     * @return the SASL condition the last element failed with, or null if it did not fail.
     */
    String lastFailure()
    {
        return lastFailure;
    }

    /**
     * @return the mechanism last asked for.
     */
    String mechanismName()
    {
        return mechanismName;
    }

    /**
     * @param tls whether the connection is encrypted; PLAIN is offered only then.
     * @return the configured mechanisms the connection may use.
     */
    List<String> offeredMechanisms(final boolean tls)
    {
        final List<String> offered = new ArrayList<>(context.server().saslMechanisms());
        if (!tls)
        {
            offered.remove("PLAIN");
        }
        return offered;
    }

    Outcome onElement(final ElementFlyweight element, final boolean tls)
    {
        lastFailure = null;
        if (element.localNameEquals(ABORT))
        {
            mechanism = null;
            return fail(SaslFailure.ABORTED);
        }
        final byte[] data;
        try
        {
            data = payload(element);
        }
        catch (final IllegalArgumentException ex)
        {
            mechanism = null;
            return fail(SaslFailure.INCORRECT_ENCODING);
        }
        if (element.localNameEquals(AUTH))
        {
            if (address != null && !context.throttle().allowed(address, System.nanoTime()))
            {
                return fail(SaslFailure.TEMPORARY_AUTH_FAILURE);
            }
            final int index = element.attributeIndex(MECHANISM);
            final String name = index < 0 ? "" : element.buffer().getStringWithoutLengthUtf8(
                element.attributeValueOffset(index), element.attributeValueLength(index));
            mechanism = offeredMechanisms(tls).contains(name) ? newMechanism(name) : null;
            mechanismName = name;
            if (mechanism == null)
            {
                return fail(SaslFailure.INVALID_MECHANISM);
            }
            if (data == null)
            {
                // RFC 6120 §6.4.2: no initial response, so an empty challenge asks for one.
                reply = context.writer().saslData("challenge", null);
                return Outcome.CONTINUE;
            }
            return step(data);
        }
        if (element.localNameEquals(RESPONSE) && mechanism != null)
        {
            return step(data == null ? new byte[0] : data);
        }
        return fail(SaslFailure.MALFORMED_REQUEST);
    }

    private Outcome step(final byte[] data)
    {
        if (!mechanism.derivesKeys())
        {
            return conclude(mechanism.evaluate(data));
        }
        final SaslMechanismServer evaluating = mechanism;
        try
        {
            context.keyDerivation().execute(() ->
            {
                final SaslStep step = evaluating.evaluate(data);
                ioThread.execute(() -> laterOutcome.accept(conclude(step)));
            });
            return Outcome.PENDING;
        }
        catch (final RejectedExecutionException ex)
        {
            // More logins waiting for key derivation than the server takes: try again later (RFC 6120 §6.5.12).
            mechanism = null;
            return fail(SaslFailure.TEMPORARY_AUTH_FAILURE);
        }
    }

    /**
     * The outcome of a mechanism's step, on the I/O thread.
     */
    private Outcome conclude(final SaslStep step)
    {
        if (step.isFailure())
        {
            mechanism = null;
            if (address != null)
            {
                context.throttle().failed(address, System.nanoTime());
            }
            return fail(step.failure());
        }
        if (step.isSuccess())
        {
            username = step.username();
            reply = context.writer().saslData("success", step.data());
            // The exchange's nonces and messages are not needed for the rest of a long-lived connection.
            mechanism = null;
            return Outcome.SUCCESS;
        }
        reply = context.writer().saslData("challenge", step.data());
        return Outcome.CONTINUE;
    }

    private Outcome fail(final SaslFailure failure)
    {
        lastFailure = failure.elementName();
        reply = context.writer().saslFailure(failure.elementName());
        return ++failures >= MAX_ATTEMPTS ? Outcome.CLOSE : Outcome.CONTINUE;
    }

    private SaslMechanismServer newMechanism(final String name)
    {
        final String domain = context.server().domain();
        switch (name)
        {
            case "SCRAM-SHA-256":
                return new ScramServer(ScramAlgorithm.SHA_256, context.stanzaSwitch().accounts()::credentials, domain,
                    context.random(), context.fakeSaltKey());
            case "SCRAM-SHA-1":
                return new ScramServer(ScramAlgorithm.SHA_1, context.stanzaSwitch().accounts()::credentials, domain,
                    context.random(), context.fakeSaltKey());
            default:
                return new PlainServer(context.stanzaSwitch().accounts()::credentials, domain);
        }
    }

    /**
     * @return the decoded text of the element, null if it has none, empty for "=" (RFC 6120 §6.4.2).
     */
    private byte[] payload(final ElementFlyweight element)
    {
        if (element.isEmptyElement())
        {
            return null;
        }
        final XmlReader reader = context.reader().wrap(element);
        reader.next();
        final String text = reader.elementText().trim();
        if (text.isEmpty())
        {
            return null;
        }
        return text.equals("=") ? new byte[0] : Base64.getDecoder().decode(text);
    }

    /**
     * @return what to send for the last element handled.
     */
    DirectBuffer reply()
    {
        return reply;
    }

    String username()
    {
        return username;
    }
}
