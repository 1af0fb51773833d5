package org.stanzaswitch.switching.archive;

import org.agrona.MutableDirectBuffer;
import org.stanzaswitch.codec.Bytes;
import org.stanzaswitch.switching.KeyFile;

import javax.crypto.Cipher;
import javax.crypto.spec.SecretKeySpec;
import java.nio.file.Path;
import java.security.GeneralSecurityException;

/**
 * XEP-0359 stanza ids that are archive UIDs (XEP-0313): the archive journal's index of the message, encrypted
 * with the node's own AES key so that ids are unpredictable (XEP-0359 §7) yet map straight back to the record
 * without an id → index table. 16 bytes of cipher text, written as 22 characters of unpadded base64url.
 * A forged or mangled id decrypts to garbage whose upper half is not zero, and is refused.
 * <p>
 * Not thread safe: one per thread (the router's, and the query service's on the same thread).
 */
public final class StanzaIds
{
    /** Characters of an id. */
    public static final int LENGTH = 22;

    private static final byte[] ALPHABET =
        Bytes.ascii("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_");
    private static final int KEY_BYTES = 16;

    private final Cipher encrypt;
    private final Cipher decrypt;
    private final byte[] plain = new byte[16];
    private final byte[] cipherText = new byte[16];

    /**
     * @param keyFile the node's id key, created with a random key if missing; keep it with the archive, or
     *                existing ids no longer resolve.
     */
    public StanzaIds(final Path keyFile)
    {
        try
        {
            final SecretKeySpec key = new SecretKeySpec(KeyFile.loadOrCreate(keyFile, KEY_BYTES), "AES");
            encrypt = Cipher.getInstance("AES/ECB/NoPadding");
            encrypt.init(Cipher.ENCRYPT_MODE, key);
            decrypt = Cipher.getInstance("AES/ECB/NoPadding");
            decrypt.init(Cipher.DECRYPT_MODE, key);
        }
        catch (final GeneralSecurityException ex)
        {
            throw new IllegalStateException("AES is part of every JDK", ex);
        }
    }

    /**
     * @param index  the archive journal index.
     * @param buffer to write the id into.
     * @param offset where to write.
     * @return bytes written, {@link #LENGTH}.
     */
    public int write(final long index, final MutableDirectBuffer buffer, final int offset)
    {
        for (int i = 0; i < 8; i++)
        {
            plain[i] = 0;
            plain[8 + i] = (byte)(index >>> (56 - 8 * i));
        }
        crypt(encrypt, plain, cipherText);
        int at = offset;
        int bits = 0;
        int pending = 0;
        for (final byte b : cipherText)
        {
            pending = (pending << 8) | (b & 0xFF);
            bits += 8;
            while (bits >= 6)
            {
                bits -= 6;
                buffer.putByte(at++, ALPHABET[(pending >>> bits) & 0x3F]);
            }
        }
        buffer.putByte(at++, ALPHABET[(pending << (6 - bits)) & 0x3F]);
        return at - offset;
    }

    /**
     * @param id an id as a client sent it back.
     * @return the archive journal index it names, or -1 if it is not an id this node issued.
     */
    public long indexOf(final CharSequence id)
    {
        if (id.length() != LENGTH)
        {
            return -1;
        }
        int bits = 0;
        int pending = 0;
        int out = 0;
        for (int i = 0; i < LENGTH; i++)
        {
            final int value = valueOf(id.charAt(i));
            if (value < 0)
            {
                return -1;
            }
            pending = (pending << 6) | value;
            bits += 6;
            if (bits >= 8 && out < 16)
            {
                bits -= 8;
                cipherText[out++] = (byte)(pending >>> bits);
            }
        }
        if ((pending & ((1 << bits) - 1)) != 0)
        {
            return -1;
        }
        crypt(decrypt, cipherText, plain);
        long index = 0;
        for (int i = 0; i < 8; i++)
        {
            if (plain[i] != 0)
            {
                return -1;
            }
            index = (index << 8) | (plain[8 + i] & 0xFF);
        }
        return index;
    }

    private static int valueOf(final char c)
    {
        if (c >= 'A' && c <= 'Z')
        {
            return c - 'A';
        }
        if (c >= 'a' && c <= 'z')
        {
            return c - 'a' + 26;
        }
        if (c >= '0' && c <= '9')
        {
            return c - '0' + 52;
        }
        return c == '-' ? 62 : c == '_' ? 63 : -1;
    }

    private static void crypt(final Cipher cipher, final byte[] input, final byte[] output)
    {
        try
        {
            cipher.doFinal(input, 0, 16, output, 0);
        }
        catch (final GeneralSecurityException ex)
        {
            throw new IllegalStateException("one AES block cannot fail", ex);
        }
    }
}
