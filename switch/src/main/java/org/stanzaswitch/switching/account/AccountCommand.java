package org.stanzaswitch.switching.account;

import org.agrona.DirectBuffer;
import org.agrona.ExpandableArrayBuffer;

import java.nio.charset.StandardCharsets;

/**
 * The account commands of the state journal, and their binary form:
 * <pre>
 *   0        1        3                     3+n
 *   +--------+--------+---------------------+-----------------------------------------------+
 *   | type   | n (u16)| username, UTF-8     | SET_PASSWORD only: salt(16) iterations(i32)    |
 *   |        |        |                     | sha1 stored(20) server(20) sha256 stored(32)   |
 *   |        |        |                     | server(32)                                     |
 *   +--------+--------+---------------------+-----------------------------------------------+
 * </pre>
 * Integers little-endian. Setting a password creates the account if it does not exist.
 */
public final class AccountCommand
{
    public static final byte SET_PASSWORD = 1;
    public static final byte DELETE = 2;

    private AccountCommand()
    {
    }

    /**
     * @return bytes written.
     */
    public static int encodeSetPassword(
        final ExpandableArrayBuffer buffer, final String username, final ScramCredentials credentials)
    {
        int at = header(buffer, SET_PASSWORD, username);
        buffer.putBytes(at, credentials.salt());
        at += ScramCredentials.SALT_LENGTH;
        buffer.putInt(at, credentials.iterations(), java.nio.ByteOrder.LITTLE_ENDIAN);
        at += 4;
        for (final ScramCredentials.ScramAlgorithm algorithm : ScramCredentials.ScramAlgorithm.values())
        {
            buffer.putBytes(at, credentials.storedKey(algorithm));
            at += algorithm.length();
            buffer.putBytes(at, credentials.serverKey(algorithm));
            at += algorithm.length();
        }
        return at;
    }

    /**
     * @return bytes written.
     */
    public static int encodeDelete(final ExpandableArrayBuffer buffer, final String username)
    {
        return header(buffer, DELETE, username);
    }

    private static int header(final ExpandableArrayBuffer buffer, final byte type, final String username)
    {
        final byte[] name = username.getBytes(StandardCharsets.UTF_8);
        buffer.putByte(0, type);
        buffer.putShort(1, (short)name.length, java.nio.ByteOrder.LITTLE_ENDIAN);
        buffer.putBytes(3, name);
        return 3 + name.length;
    }

    /**
     * @return the username a command names.
     */
    public static String decodeUsername(final DirectBuffer buffer, final int offset)
    {
        return username(buffer, offset);
    }

    static String username(final DirectBuffer buffer, final int offset)
    {
        final int length = buffer.getShort(offset + 1, java.nio.ByteOrder.LITTLE_ENDIAN) & 0xFFFF;
        return buffer.getStringWithoutLengthUtf8(offset + 3, length);
    }

    static ScramCredentials credentials(final DirectBuffer buffer, final int offset)
    {
        int at = offset + 3 + (buffer.getShort(offset + 1, java.nio.ByteOrder.LITTLE_ENDIAN) & 0xFFFF);
        final byte[] salt = new byte[ScramCredentials.SALT_LENGTH];
        buffer.getBytes(at, salt);
        at += salt.length;
        final int iterations = buffer.getInt(at, java.nio.ByteOrder.LITTLE_ENDIAN);
        at += 4;
        final byte[][] keys = new byte[4][];
        int k = 0;
        for (final ScramCredentials.ScramAlgorithm algorithm : ScramCredentials.ScramAlgorithm.values())
        {
            for (int j = 0; j < 2; j++)
            {
                keys[k] = new byte[algorithm.length()];
                buffer.getBytes(at, keys[k++]);
                at += algorithm.length();
            }
        }
        return new ScramCredentials(salt, iterations, keys[0], keys[1], keys[2], keys[3]);
    }
}
