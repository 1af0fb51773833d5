package org.stanzaswitch.switching;

import org.agrona.DirectBuffer;
import org.agrona.ExpandableArrayBuffer;
import org.stanzaswitch.journal.CountedStrings;

import java.nio.ByteOrder;

/**
 * The state-journal command that stores one piece of a user's XML (a vCard, a private XML fragment):
 * <pre>
 *   SET_USER_DATA (5): type | owner (u16 + UTF-8) | key (u16 + UTF-8) | xml (i32 + bytes; 0 deletes)
 * </pre>
 */
final class UserDataCommand
{
    static final byte SET_USER_DATA = 5;

    private UserDataCommand()
    {
    }

    static int encode(
        final ExpandableArrayBuffer buffer, final String owner, final String key,
        final DirectBuffer xml, final int xmlOffset, final int xmlLength)
    {
        buffer.putByte(0, SET_USER_DATA);
        int at = CountedStrings.put(buffer, 1, owner);
        at = CountedStrings.put(buffer, at, key);
        buffer.putInt(at, xmlLength, ByteOrder.LITTLE_ENDIAN);
        buffer.putBytes(at + 4, xml, xmlOffset, xmlLength);
        return at + 4 + xmlLength;
    }


    static void apply(final DirectBuffer buffer, final int offset, final UserData data)
    {
        final int ownerLength = buffer.getShort(offset + 1, ByteOrder.LITTLE_ENDIAN) & 0xFFFF;
        final String owner = buffer.getStringWithoutLengthUtf8(offset + 3, ownerLength);
        final int keyAt = offset + 3 + ownerLength;
        final int keyLength = buffer.getShort(keyAt, ByteOrder.LITTLE_ENDIAN) & 0xFFFF;
        final String key = buffer.getStringWithoutLengthUtf8(keyAt + 2, keyLength);
        final int xmlAt = keyAt + 2 + keyLength;
        final byte[] xml = new byte[buffer.getInt(xmlAt, ByteOrder.LITTLE_ENDIAN)];
        buffer.getBytes(xmlAt + 4, xml);
        data.put(owner, key, xml);
    }
}
