package org.stanzaswitch.gateway.sasl;

import org.stanzaswitch.switching.account.ScramCredentials;
import org.stanzaswitch.switching.account.ScramCredentials.ScramAlgorithm;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Base64;

/**
 * SCRAM-SHA-1 and SCRAM-SHA-256 (RFC 5802, RFC 7677) without channel binding. An unknown username runs the
 * exchange to the end with a salt derived from the name, so a client cannot tell which accounts exist.
 */
public final class ScramServer implements SaslMechanismServer
{
    private static final int NONCE_BYTES = 18;

    private final ScramAlgorithm algorithm;
    private final CredentialSource credentials;
    private final String domain;
    private final SecureRandom random;
    private final byte[] fakeSaltKey;
    private String gs2Header;
    private String clientFirstBare;
    private String serverFirst;
    private String nonce;
    private String username;
    private String authzid;
    private ScramCredentials stored;
    private boolean done;

    /**
     * @param fakeSaltKey a per-server secret from which salts of unknown users are derived.
     */
    public ScramServer(
        final ScramAlgorithm algorithm,
        final CredentialSource credentials,
        final String domain,
        final SecureRandom random,
        final byte[] fakeSaltKey)
    {
        this.algorithm = algorithm;
        this.credentials = credentials;
        this.domain = domain;
        this.random = random;
        this.fakeSaltKey = fakeSaltKey;
    }

    @Override
    public SaslStep evaluate(final byte[] response)
    {
        if (done)
        {
            return SaslStep.failure(SaslFailure.MALFORMED_REQUEST);
        }
        final String message = new String(response, StandardCharsets.UTF_8);
        if (serverFirst == null)
        {
            return clientFirst(message);
        }
        done = true;
        return clientFinal(message);
    }

    private SaslStep clientFirst(final String message)
    {
        // RFC 5802 §7: gs2-header = gs2-cbind-flag "," [ authzid ] "," ; no channel binding is offered here.
        final String[] parts = message.split(",", 3);
        if (parts.length < 3 || !(parts[0].equals("n") || parts[0].equals("y")))
        {
            return SaslStep.failure(parts.length > 0 && parts[0].startsWith("p=") ?
                SaslFailure.MECHANISM_TOO_WEAK : SaslFailure.MALFORMED_REQUEST);
        }
        if (!parts[1].isEmpty() && !parts[1].startsWith("a="))
        {
            return SaslStep.failure(SaslFailure.MALFORMED_REQUEST);
        }
        authzid = parts[1].isEmpty() ? null : decodeSaslName(parts[1].substring(2));
        gs2Header = parts[0] + "," + parts[1] + ",";
        clientFirstBare = parts[2];
        final String[] attributes = clientFirstBare.split(",");
        if (attributes.length < 2 || !attributes[0].startsWith("n=") || !attributes[1].startsWith("r=") ||
            attributes[1].length() < 3)
        {
            return SaslStep.failure(SaslFailure.MALFORMED_REQUEST);
        }
        final String name = decodeSaslName(attributes[0].substring(2));
        username = name == null ? null : Usernames.canonical(name, domain);
        if (username == null || (parts[1].length() > 0 && authzid == null))
        {
            return SaslStep.failure(SaslFailure.MALFORMED_REQUEST);
        }
        stored = credentials.credentials(username);
        final byte[] serverNonce = new byte[NONCE_BYTES];
        random.nextBytes(serverNonce);
        nonce = attributes[1].substring(2) + Base64.getEncoder().encodeToString(serverNonce);
        final byte[] salt = stored != null ? stored.salt() : fakeSalt(username);
        final int iterations = stored != null ? stored.iterations() : 4096;
        serverFirst = "r=" + nonce + ",s=" + Base64.getEncoder().encodeToString(salt) + ",i=" + iterations;
        return SaslStep.challenge(serverFirst.getBytes(StandardCharsets.UTF_8));
    }

    private SaslStep clientFinal(final String message)
    {
        final int proofAt = message.lastIndexOf(",p=");
        if (proofAt < 0)
        {
            return SaslStep.failure(SaslFailure.MALFORMED_REQUEST);
        }
        final String withoutProof = message.substring(0, proofAt);
        final String[] attributes = withoutProof.split(",");
        final String expectedBinding = "c=" + Base64.getEncoder().encodeToString(
            gs2Header.getBytes(StandardCharsets.UTF_8));
        if (attributes.length < 2 || !attributes[0].equals(expectedBinding) || !attributes[1].equals("r=" + nonce))
        {
            return SaslStep.failure(SaslFailure.NOT_AUTHORIZED);
        }
        final byte[] proof;
        try
        {
            proof = Base64.getDecoder().decode(message.substring(proofAt + 3));
        }
        catch (final IllegalArgumentException ex)
        {
            return SaslStep.failure(SaslFailure.INCORRECT_ENCODING);
        }
        if (stored == null || proof.length != algorithm.length())
        {
            return SaslStep.failure(SaslFailure.NOT_AUTHORIZED);
        }
        final byte[] authMessage = (clientFirstBare + "," + serverFirst + "," + withoutProof)
            .getBytes(StandardCharsets.UTF_8);
        final byte[] storedKey = stored.storedKey(algorithm);
        final byte[] clientSignature = algorithm.hmac(storedKey, authMessage);
        final byte[] clientKey = new byte[proof.length];
        for (int i = 0; i < proof.length; i++)
        {
            clientKey[i] = (byte)(proof[i] ^ clientSignature[i]);
        }
        if (!MessageDigest.isEqual(algorithm.hash(clientKey), storedKey))
        {
            return SaslStep.failure(SaslFailure.NOT_AUTHORIZED);
        }
        if (!Usernames.authzidAllowed(authzid, username, domain))
        {
            return SaslStep.failure(SaslFailure.INVALID_AUTHZID);
        }
        final byte[] serverSignature = algorithm.hmac(stored.serverKey(algorithm), authMessage);
        return SaslStep.success(username,
            ("v=" + Base64.getEncoder().encodeToString(serverSignature)).getBytes(StandardCharsets.UTF_8));
    }

    private byte[] fakeSalt(final String name)
    {
        final byte[] salt = new byte[ScramCredentials.SALT_LENGTH];
        System.arraycopy(ScramAlgorithm.SHA_256.hmac(fakeSaltKey, name), 0, salt, 0, salt.length);
        return salt;
    }

    /**
     * RFC 5802 §5.1: ',' and '=' in names are sent as "=2C" and "=3D"; any other '=' is malformed.
     */
    private static String decodeSaslName(final String name)
    {
        final StringBuilder builder = new StringBuilder(name.length());
        for (int i = 0; i < name.length(); i++)
        {
            final char c = name.charAt(i);
            if (c != '=')
            {
                builder.append(c);
            }
            else if (name.startsWith("2C", i + 1) || name.startsWith("3D", i + 1))
            {
                builder.append(name.charAt(i + 1) == '2' ? ',' : '=');
                i += 2;
            }
            else
            {
                return null;
            }
        }
        return builder.toString();
    }
}
