package org.stanzaswitch.codec;

import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

import static org.assertj.core.api.Assertions.assertThat;

class BytesTest
{
    @Test
    @DisplayName("contains finds a value anywhere in a range, only inside the range, on heap and direct buffers")
    void shouldFindValueInRange()
    {
        final byte[] text = "<iq><query xmlns='jabber:iq:last'/></iq>".getBytes(StandardCharsets.US_ASCII);
        final ByteBuffer direct = ByteBuffer.allocateDirect(text.length).put(text);
        for (final UnsafeBuffer buffer : new UnsafeBuffer[]{new UnsafeBuffer(text), new UnsafeBuffer(direct)})
        {
            final byte[] value = Bytes.ascii("jabber:iq:last");
            final int at = new String(text, StandardCharsets.US_ASCII).indexOf("jabber:iq:last");
            assertThat(Bytes.contains(buffer, 0, text.length, value)).isTrue();
            assertThat(Bytes.contains(buffer, at, value.length, value)).as("exactly the range").isTrue();
            assertThat(Bytes.contains(buffer, at, value.length - 1, value)).as("cut short").isFalse();
            assertThat(Bytes.contains(buffer, at + 1, text.length - at - 1, value)).as("after it").isFalse();
            assertThat(Bytes.contains(buffer, 0, text.length, Bytes.ascii("jabber:iq:lasT"))).isFalse();
            assertThat(Bytes.contains(buffer, 0, 3, value)).as("range shorter than the value").isFalse();
        }
    }

    @Test
    @DisplayName("asciiEquals compares bytes with a string in place; non-ASCII characters never match")
    void shouldCompareAsciiText()
    {
        final UnsafeBuffer buffer =
            new UnsafeBuffer("xxQgayPKawpkPSDYmwT/WM94uAlu0=yy".getBytes(StandardCharsets.UTF_8));
        assertThat(Bytes.asciiEquals(buffer, 2, 28, "QgayPKawpkPSDYmwT/WM94uAlu0=")).isTrue();
        assertThat(Bytes.asciiEquals(buffer, 2, 28, "QgayPKawpkPSDYmwT/WM94uAlu0!")).isFalse();
        assertThat(Bytes.asciiEquals(buffer, 2, 27, "QgayPKawpkPSDYmwT/WM94uAlu0=")).isFalse();
        final UnsafeBuffer latin = new UnsafeBuffer("\u00e9".getBytes(StandardCharsets.ISO_8859_1));
        assertThat(Bytes.asciiEquals(latin, 0, 1, "\u00e9")).isFalse();
    }
}
