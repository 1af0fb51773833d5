package org.stanzaswitch.codec;

import org.agrona.ExpandableArrayBuffer;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.SplittableRandom;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class XmppTimeTest
{
    private final ExpandableArrayBuffer buffer = new ExpandableArrayBuffer(32);

    private String written(final long millis)
    {
        return buffer.getStringWithoutLengthAscii(0, XmppTime.write(millis, buffer, 0));
    }

    @Test
    @DisplayName("XEP-0082 §3.2: DateTime in UTC with milliseconds, as java.time writes it, across eras and leap days")
    void shouldWriteAsJavaTimeDoes()
    {
        assertThat(written(0)).isEqualTo("1970-01-01T00:00:00.000Z");
        assertThat(written(951_782_400_000L)).isEqualTo("2000-02-29T00:00:00.000Z");
        final SplittableRandom random = new SplittableRandom(82);
        for (int i = 0; i < 100_000; i++)
        {
            final long millis = random.nextLong(0, 253_402_300_799_999L);
            final String expected = Instant.ofEpochMilli(millis).toString();
            final String withMillis = expected.length() == 20 ? expected.replace("Z", ".000Z") : expected;
            assertThat(written(millis)).isEqualTo(withMillis);
        }
    }

    @Test
    @DisplayName("XEP-0082 §3.2: offsets and fractions are accepted; anything else is refused")
    void shouldParseDateTimes()
    {
        assertThat(XmppTime.parse("2010-07-10T23:08:25Z")).isEqualTo(1_278_803_305_000L);
        assertThat(XmppTime.parse("2010-07-11T01:08:25.5+02:00")).isEqualTo(1_278_803_305_500L);
        assertThatThrownBy(() -> XmppTime.parse("2010-07-10")).isInstanceOf(IllegalArgumentException.class);
    }
}
