package org.stanzaswitch.bench;

import com.fasterxml.aalto.AsyncByteArrayFeeder;
import com.fasterxml.aalto.AsyncXMLInputFactory;
import com.fasterxml.aalto.AsyncXMLStreamReader;
import com.fasterxml.aalto.stax.InputFactoryImpl;
import org.agrona.concurrent.UnsafeBuffer;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;
import org.stanzaswitch.codec.DecoderLimits;
import org.stanzaswitch.codec.ElementFlyweight;
import org.stanzaswitch.codec.StreamErrorCondition;
import org.stanzaswitch.codec.StreamFramer;
import org.stanzaswitch.codec.StreamHeaderFlyweight;
import org.stanzaswitch.codec.StreamListener;

import javax.xml.stream.XMLStreamException;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;

/**
 * Decoding one connection's inbound stream: the same stanza mix ({@link StanzaMix}), arriving in socket reads
 * of {@code chunk} bytes, framed and validated by {@link StreamFramer} and, as the peer, parsed by Aalto's
 * non-blocking reader. Score is ns per stanza; bytes per stanza is {@link StanzaMix#body()} length / 20.
 * <pre>
 *   bytes ──chunks──▶ StreamFramer ──▶ listener (kind, to)      [framer]
 *   bytes ──chunks──▶ Aalto async  ──▶ event loop (elements)    [aalto]
 * </pre>
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {"--add-exports=java.base/jdk.internal.misc=ALL-UNNAMED"})
@State(Scope.Thread)
public class StreamFramerDecodeBenchmark
{
    @Param({"512", "8192"})
    public int chunk;

    /** The mix, or one kind of its stanzas ({@link StanzaMix#body(String)}): {@code -p input=chat,roster}. */
    @Param({"mix"})
    public String input;

    private byte[] body;
    private UnsafeBuffer bodyBuffer;
    private StreamFramer framer;
    private CountingListener listener;
    private AsyncXMLStreamReader<AsyncByteArrayFeeder> aalto;

    @Setup
    public void setUp() throws XMLStreamException
    {
        body = StanzaMix.body(input);
        bodyBuffer = new UnsafeBuffer(body);
        listener = new CountingListener();
        framer = new StreamFramer(new DecoderLimits().conclude(), listener);
        final byte[] header = StanzaMix.HEADER.getBytes(StandardCharsets.UTF_8);
        framer.decode(new UnsafeBuffer(header), 0, header.length);

        final AsyncXMLInputFactory factory = new InputFactoryImpl();
        aalto = factory.createAsyncForByteArray();
        aalto.getInputFeeder().feedInput(header, 0, header.length);
        drainAalto();
    }

    @Benchmark
    @OperationsPerInvocation(StanzaMix.STANZAS)
    public int framer()
    {
        for (int offset = 0; offset < body.length; offset += chunk)
        {
            framer.decode(bodyBuffer, offset, Math.min(chunk, body.length - offset));
        }
        return listener.checksum;
    }

    @Benchmark
    @OperationsPerInvocation(StanzaMix.STANZAS)
    public int aalto() throws XMLStreamException
    {
        int elements = 0;
        for (int offset = 0; offset < body.length; offset += chunk)
        {
            aalto.getInputFeeder().feedInput(body, offset, Math.min(chunk, body.length - offset));
            elements += drainAalto();
        }
        return elements;
    }

    private int drainAalto() throws XMLStreamException
    {
        int elements = 0;
        int event;
        while ((event = aalto.next()) != AsyncXMLStreamReader.EVENT_INCOMPLETE)
        {
            if (event == AsyncXMLStreamReader.END_ELEMENT && aalto.getDepth() == 2)
            {
                elements++;
            }
        }
        return elements;
    }

    static final class CountingListener implements StreamListener
    {
        int checksum;

        @Override
        public void onStreamOpen(final StreamHeaderFlyweight header)
        {
        }

        @Override
        public boolean onElement(final ElementFlyweight element)
        {
            checksum += element.kind().ordinal() + element.toIndex() + element.length();
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
    }
}
