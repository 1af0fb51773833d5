package org.stanzaswitch.switching;

import org.stanzaswitch.codec.Jid;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.util.Arrays;
import java.util.Base64;

/**
 * XEP-0421 §4.1 occupant ids: an HMAC-SHA256, under a key of the node's own, of the room's and the user's bare
 * JIDs, 16 bytes of it as 22 characters of unpadded base64url. The same user has the same id in a room every
 * time (stable), nobody can make another's (unique), and neither the JID nor the user's id in another room can
 * be told from it (pseudonymous). Owned by the router thread.
 */
final class OccupantIds
{
    private static final int KEY_BYTES = 32;
    private static final int ID_BYTES = 16;

    private final Mac mac;
    private final Base64.Encoder encoder = Base64.getUrlEncoder().withoutPadding();

    /**
     * @param keyFile the node's occupant id key, made if missing; keep it, or every id changes.
     */
    OccupantIds(final Path keyFile)
    {
        try
        {
            mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(KeyFile.loadOrCreate(keyFile, KEY_BYTES), "HmacSHA256"));
        }
        catch (final GeneralSecurityException ex)
        {
            throw new IllegalStateException("HmacSHA256 is part of every JDK", ex);
        }
    }

    /**
     * @param room the room's bare JID.
     * @param user the occupant's real JID; only its bare JID counts.
     * @return the occupant's id in that room.
     */
    String of(final Jid room, final Jid user)
    {
        mac.update(room.toString().getBytes(StandardCharsets.UTF_8));
        // A separator no JID holds, so that no two pairs of JIDs read the same.
        mac.update((byte)0);
        mac.update(user.bare().toString().getBytes(StandardCharsets.UTF_8));
        return encoder.encodeToString(Arrays.copyOf(mac.doFinal(), ID_BYTES));
    }
}
