package org.stanzaswitch.journal;

import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;

import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;

/**
 * The record of one connection or presence event on the event journal (docs/journal-format.md), for analytics
 * consumers: when, what, who, from which address, and a detail (a SASL mechanism, a disconnect reason).
 * <pre>
 *   u8 type (1)   i64 time, ms since the epoch   u8 kind
 *   u16 length, JID or username   u16 length, remote address   u16 length, detail     (UTF-8 strings)
 * </pre>
 * Little-endian throughout.
 */
public final class EventRecord
{
    /** The record type of an event. */
    public static final byte EVENT = 1;

    /** What happened. */
    public enum Kind
    {
        CONNECTED, AUTHENTICATED, AUTHENTICATION_FAILED, BOUND, DISCONNECTED, AVAILABLE, UNAVAILABLE, RESUMED;

        private static final Kind[] VALUES = values();

        public static Kind of(final int code)
        {
            return code >= 0 && code < VALUES.length ? VALUES[code] : null;
        }

        /**
         * @return the name used in JSON: lower case, words joined by '-'.
         */
        public String jsonName()
        {
            return name().toLowerCase(java.util.Locale.ROOT).replace('_', '-');
        }
    }

    private static final ByteOrder ORDER = ByteOrder.LITTLE_ENDIAN;
    private static final int TIME_OFFSET = 1;
    private static final int KIND_OFFSET = 9;
    private static final int STRINGS_OFFSET = 10;

    private DirectBuffer buffer;
    private int offset;

    /**
     * @return bytes written.
     */
    public static int encode(
        final MutableDirectBuffer destination,
        final int offset,
        final long timeMillis,
        final Kind kind,
        final CharSequence who,
        final CharSequence address,
        final CharSequence detail)
    {
        destination.putByte(offset, EVENT);
        destination.putLong(offset + TIME_OFFSET, timeMillis, ORDER);
        destination.putByte(offset + KIND_OFFSET, (byte)kind.ordinal());
        int at = offset + STRINGS_OFFSET;
        at = putString(destination, at, who);
        at = putString(destination, at, address);
        at = putString(destination, at, detail);
        return at - offset;
    }

    private static int putString(final MutableDirectBuffer destination, final int at, final CharSequence value)
    {
        final byte[] bytes = value == null ? new byte[0] : value.toString().getBytes(StandardCharsets.UTF_8);
        destination.putShort(at, (short)Math.min(bytes.length, 0xFFFF), ORDER);
        destination.putBytes(at + 2, bytes, 0, Math.min(bytes.length, 0xFFFF));
        return at + 2 + Math.min(bytes.length, 0xFFFF);
    }

    public EventRecord wrap(final DirectBuffer buffer, final int offset)
    {
        this.buffer = buffer;
        this.offset = offset;
        return this;
    }

    public long timeMillis()
    {
        return buffer.getLong(offset + TIME_OFFSET, ORDER);
    }

    public Kind kind()
    {
        return Kind.of(buffer.getByte(offset + KIND_OFFSET));
    }

    public String who()
    {
        return string(0);
    }

    public String address()
    {
        return string(1);
    }

    public String detail()
    {
        return string(2);
    }

    private String string(final int which)
    {
        int at = offset + STRINGS_OFFSET;
        for (int i = 0; i < which; i++)
        {
            at += 2 + (buffer.getShort(at, ORDER) & 0xFFFF);
        }
        return buffer.getStringWithoutLengthUtf8(at + 2, buffer.getShort(at, ORDER) & 0xFFFF);
    }
}
