package org.stanzaswitch.codec;

import org.agrona.MutableDirectBuffer;

import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;

/**
 * XEP-0082 DateTime: written without allocation for the stamps added to stanzas ({@code <delay/>}, archive
 * results), parsed (off the hot path) from what clients send in queries.
 */
public final class XmppTime
{
    /** Bytes {@link #write} produces: {@code CCYY-MM-DDThh:mm:ss.sssZ}. */
    public static final int LENGTH = 24;

    private static final long MILLIS_PER_DAY = 86_400_000L;

    private XmppTime()
    {
    }

    /**
     * @param epochMillis the moment, in UTC.
     * @param buffer      to write into.
     * @param offset      where to write.
     * @return bytes written, always {@link #LENGTH}.
     */
    public static int write(final long epochMillis, final MutableDirectBuffer buffer, final int offset)
    {
        final long days = Math.floorDiv(epochMillis, MILLIS_PER_DAY);
        final long millisOfDay = Math.floorMod(epochMillis, MILLIS_PER_DAY);
        // Civil date from days since 1970-01-01 (H. Hinnant's days_from_civil inverse).
        final long z = days + 719_468;
        final long era = Math.floorDiv(z, 146_097);
        final long dayOfEra = z - era * 146_097;
        final long yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36_524 - dayOfEra / 146_096) / 365;
        final long dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100);
        final long mp = (5 * dayOfYear + 2) / 153;
        final int day = (int)(dayOfYear - (153 * mp + 2) / 5 + 1);
        final int month = (int)(mp < 10 ? mp + 3 : mp - 9);
        final int year = (int)(yearOfEra + era * 400 + (month <= 2 ? 1 : 0));

        int at = offset;
        at = digits(buffer, at, year, 4);
        buffer.putByte(at++, (byte)'-');
        at = digits(buffer, at, month, 2);
        buffer.putByte(at++, (byte)'-');
        at = digits(buffer, at, day, 2);
        buffer.putByte(at++, (byte)'T');
        at = digits(buffer, at, (int)(millisOfDay / 3_600_000), 2);
        buffer.putByte(at++, (byte)':');
        at = digits(buffer, at, (int)(millisOfDay / 60_000 % 60), 2);
        buffer.putByte(at++, (byte)':');
        at = digits(buffer, at, (int)(millisOfDay / 1000 % 60), 2);
        buffer.putByte(at++, (byte)'.');
        at = digits(buffer, at, (int)(millisOfDay % 1000), 3);
        buffer.putByte(at++, (byte)'Z');
        return at - offset;
    }

    private static int digits(final MutableDirectBuffer buffer, final int offset, final int value, final int count)
    {
        int remaining = value;
        for (int i = count - 1; i >= 0; i--)
        {
            buffer.putByte(offset + i, (byte)('0' + remaining % 10));
            remaining /= 10;
        }
        return offset + count;
    }

    /**
     * @param dateTime a XEP-0082 DateTime, with a time zone ({@code Z} or an offset) and optional fractions.
     * @return the moment in milliseconds since the epoch.
     * @throws IllegalArgumentException if it is not one.
     */
    public static long parse(final String dateTime)
    {
        try
        {
            return OffsetDateTime.parse(dateTime.trim()).toInstant().toEpochMilli();
        }
        catch (final DateTimeParseException ex)
        {
            throw new IllegalArgumentException("not a XEP-0082 DateTime: " + dateTime, ex);
        }
    }
}
