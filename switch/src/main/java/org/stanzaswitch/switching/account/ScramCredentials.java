package org.stanzaswitch.switching.account;

import javax.crypto.Mac;
import javax.crypto.SecretKeyFactory;
import javax.crypto.spec.PBEKeySpec;
import javax.crypto.spec.SecretKeySpec;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;

/**
 * What the server keeps of a password (RFC 5802 §3, RFC 7677): a per-account salt, the PBKDF2 iteration
 * count, and for SCRAM-SHA-1 and SCRAM-SHA-256 the StoredKey and ServerKey. The password itself is never
 * stored. Immutable, so any thread may read it once published.
 */
public final class ScramCredentials
{
    public static final int SALT_LENGTH = 16;

    private final byte[] salt;
    private final int iterations;
    private final byte[] sha1StoredKey;
    private final byte[] sha1ServerKey;
    private final byte[] sha256StoredKey;
    private final byte[] sha256ServerKey;

    public ScramCredentials(
        final byte[] salt,
        final int iterations,
        final byte[] sha1StoredKey,
        final byte[] sha1ServerKey,
        final byte[] sha256StoredKey,
        final byte[] sha256ServerKey)
    {
        this.salt = salt;
        this.iterations = iterations;
        this.sha1StoredKey = sha1StoredKey;
        this.sha1ServerKey = sha1ServerKey;
        this.sha256StoredKey = sha256StoredKey;
        this.sha256ServerKey = sha256ServerKey;
    }

    /**
     * @param password   the password, already prepared (OpaqueString, RFC 8265 §4.2).
     * @param iterations PBKDF2 iterations.
     * @param random     source of the salt.
     * @return fresh credentials.
     */
    public static ScramCredentials derive(final String password, final int iterations, final SecureRandom random)
    {
        final byte[] salt = new byte[SALT_LENGTH];
        random.nextBytes(salt);
        final byte[] salted1 = saltedPassword(ScramAlgorithm.SHA_1, password, salt, iterations);
        final byte[] salted256 = saltedPassword(ScramAlgorithm.SHA_256, password, salt, iterations);
        return new ScramCredentials(salt, iterations,
            ScramAlgorithm.SHA_1.hash(ScramAlgorithm.SHA_1.hmac(salted1, "Client Key")),
            ScramAlgorithm.SHA_1.hmac(salted1, "Server Key"),
            ScramAlgorithm.SHA_256.hash(ScramAlgorithm.SHA_256.hmac(salted256, "Client Key")),
            ScramAlgorithm.SHA_256.hmac(salted256, "Server Key"));
    }

    /**
     * RFC 5802 §2.2 Hi(): PBKDF2 with the algorithm's HMAC.
     */
    public static byte[] saltedPassword(
        final ScramAlgorithm algorithm, final String password, final byte[] salt, final int iterations)
    {
        try
        {
            final SecretKeyFactory factory = SecretKeyFactory.getInstance(algorithm.pbkdf2Name());
            final PBEKeySpec spec = new PBEKeySpec(password.toCharArray(), salt, iterations, algorithm.length() * 8);
            return factory.generateSecret(spec).getEncoded();
        }
        catch (final GeneralSecurityException ex)
        {
            throw new IllegalStateException(ex);
        }
    }

    /**
     * Check a password against these credentials in constant time (for SASL PLAIN).
     *
     * @param password the prepared password.
     * @return true if it is the account's password.
     */
    public boolean matches(final String password)
    {
        final byte[] salted = saltedPassword(ScramAlgorithm.SHA_256, password, salt, iterations);
        final byte[] storedKey = ScramAlgorithm.SHA_256.hash(ScramAlgorithm.SHA_256.hmac(salted, "Client Key"));
        return MessageDigest.isEqual(storedKey, sha256StoredKey);
    }

    public byte[] salt()
    {
        return salt.clone();
    }

    public int iterations()
    {
        return iterations;
    }

    public byte[] storedKey(final ScramAlgorithm algorithm)
    {
        return (algorithm == ScramAlgorithm.SHA_1 ? sha1StoredKey : sha256StoredKey).clone();
    }

    public byte[] serverKey(final ScramAlgorithm algorithm)
    {
        return (algorithm == ScramAlgorithm.SHA_1 ? sha1ServerKey : sha256ServerKey).clone();
    }

    /**
     * The HMAC and hash of one SCRAM variant.
     */
    public enum ScramAlgorithm
    {
        SHA_1("SCRAM-SHA-1", "HmacSHA1", "SHA-1", "PBKDF2WithHmacSHA1", 20),
        SHA_256("SCRAM-SHA-256", "HmacSHA256", "SHA-256", "PBKDF2WithHmacSHA256", 32);

        private final String mechanism;
        private final String hmacName;
        private final String hashName;
        private final String pbkdf2Name;
        private final int length;

        ScramAlgorithm(
            final String mechanism, final String hmacName, final String hashName, final String pbkdf2Name,
            final int length)
        {
            this.mechanism = mechanism;
            this.hmacName = hmacName;
            this.hashName = hashName;
            this.pbkdf2Name = pbkdf2Name;
            this.length = length;
        }

        public String mechanism()
        {
            return mechanism;
        }

        String pbkdf2Name()
        {
            return pbkdf2Name;
        }

        public int length()
        {
            return length;
        }

        public byte[] hmac(final byte[] key, final String data)
        {
            return hmac(key, data.getBytes(java.nio.charset.StandardCharsets.UTF_8));
        }

        public byte[] hmac(final byte[] key, final byte[] data)
        {
            try
            {
                final Mac mac = Mac.getInstance(hmacName);
                mac.init(new SecretKeySpec(key, hmacName));
                return mac.doFinal(data);
            }
            catch (final GeneralSecurityException ex)
            {
                throw new IllegalStateException(ex);
            }
        }

        public byte[] hash(final byte[] data)
        {
            try
            {
                return MessageDigest.getInstance(hashName).digest(data);
            }
            catch (final GeneralSecurityException ex)
            {
                throw new IllegalStateException(ex);
            }
        }
    }
}
