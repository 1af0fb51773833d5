package org.stanzaswitch.bench.load;

import org.stanzaswitch.switching.account.ScramCredentials.ScramAlgorithm;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Base64;
import java.util.concurrent.ThreadLocalRandom;

/**
 * The client side of one SCRAM exchange (RFC 5802 §3, §5), without channel binding: what any XMPP client does
 * over STARTTLS, so that the load tool costs a server what real clients cost it.
 */
final class ScramClient
{
    private static final Base64.Encoder BASE64 = Base64.getEncoder();
    private static final Base64.Decoder BASE64_DECODER = Base64.getDecoder();
    private static final String GS2_HEADER = "n,,";

    private final ScramAlgorithm algorithm;
    private final String password;
    private final ScramKeyCache keys;
    private final String clientFirstBare;
    private String authMessage;
    private byte[] saltedPassword;

    ScramClient(final ScramAlgorithm algorithm, final String username, final String password, final ScramKeyCache keys)
    {
        this.algorithm = algorithm;
        this.password = password;
        this.keys = keys;
        final byte[] nonce = new byte[18];
        ThreadLocalRandom.current().nextBytes(nonce);
        this.clientFirstBare = "n=" + username.replace("=", "=3D").replace(",", "=2C") + ",r=" +
            BASE64.encodeToString(nonce);
    }

    /**
     * @return the client-first-message, base64 as it goes in {@code <auth/>}.
     */
    String clientFirst()
    {
        return encode(GS2_HEADER + clientFirstBare);
    }

    /**
     * @param challenge the server-first-message, base64 as it came in {@code <challenge/>}.
     * @return the client-final-message with the proof, base64; null if the server's message is unusable.
     */
    String clientFinal(final String challenge)
    {
        final String serverFirst = decode(challenge);
        final String nonce = attribute(serverFirst, 'r');
        final String salt = attribute(serverFirst, 's');
        final String iterations = attribute(serverFirst, 'i');
        final String ownNonce = attribute(clientFirstBare, 'r');
        if (nonce == null || salt == null || iterations == null || !nonce.startsWith(ownNonce))
        {
            return null;
        }
        final String withoutProof = "c=" + encode(GS2_HEADER) + ",r=" + nonce;
        authMessage = clientFirstBare + "," + serverFirst + "," + withoutProof;
        saltedPassword =
            keys.saltedPassword(algorithm, password, BASE64_DECODER.decode(salt), Integer.parseInt(iterations));
        final byte[] clientKey = algorithm.hmac(saltedPassword, "Client Key");
        final byte[] signature = algorithm.hmac(algorithm.hash(clientKey), authMessage);
        for (int i = 0; i < clientKey.length; i++)
        {
            clientKey[i] ^= signature[i];
        }
        return encode(withoutProof + ",p=" + BASE64.encodeToString(clientKey));
    }

    /**
     * @param success the server-final-message, base64 as it came in {@code <success/>}.
     * @return true if the server proved it knows the password's keys (RFC 5802 §3 ServerSignature).
     */
    boolean verifyServer(final String success)
    {
        final String verifier = attribute(decode(success), 'v');
        if (verifier == null || authMessage == null)
        {
            return false;
        }
        final byte[] expected = algorithm.hmac(algorithm.hmac(saltedPassword, "Server Key"), authMessage);
        return MessageDigest.isEqual(expected, BASE64_DECODER.decode(verifier));
    }

    private static String attribute(final String message, final char name)
    {
        for (final String part : message.split(","))
        {
            if (part.length() > 1 && part.charAt(0) == name && part.charAt(1) == '=')
            {
                return part.substring(2);
            }
        }
        return null;
    }

    private static String encode(final String text)
    {
        return BASE64.encodeToString(text.getBytes(StandardCharsets.UTF_8));
    }

    private static String decode(final String base64)
    {
        return new String(BASE64_DECODER.decode(base64.trim()), StandardCharsets.UTF_8);
    }
}
