package org.stanzaswitch.switching;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.SecureRandom;

/**
 * A secret of the node's own, kept in the data directory: made at random the first time, read back ever after,
 * so that what was derived from it (archive ids, occupant ids) stays valid across restarts.
 */
public final class KeyFile
{
    private KeyFile()
    {
    }

    /**
     * @param keyFile where the key is kept; written whole or not at all.
     * @param bytes   the key's length.
     * @return the key.
     */
    public static byte[] loadOrCreate(final Path keyFile, final int bytes)
    {
        try
        {
            if (Files.exists(keyFile))
            {
                final byte[] key = Files.readAllBytes(keyFile);
                if (key.length != bytes)
                {
                    throw new IllegalStateException(keyFile + " is not a " + bytes + "-byte key");
                }
                return key;
            }
            final byte[] key = new byte[bytes];
            new SecureRandom().nextBytes(key);
            Files.createDirectories(keyFile.getParent());
            final Path partial = keyFile.resolveSibling(keyFile.getFileName() + ".new");
            Files.write(partial, key);
            Files.move(partial, keyFile, StandardCopyOption.ATOMIC_MOVE);
            return key;
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException(ex);
        }
    }
}
