package org.stanzaswitch.compliance;

import org.igniterealtime.smack.inttest.SmackIntegrationTestFramework;
import org.jivesoftware.smackx.omemo.signal.SignalOmemoService;

import java.security.Provider;
import java.security.Security;

/**
 * SINT with an OMEMO implementation registered, so its four OMEMO test classes run instead of reporting "No
 * OmemoService registered": Smack registers none by itself.
 */
public final class Sint
{
    private Sint()
    {
    }

    public static void main(final String[] args) throws Exception
    {
        Security.insertProviderAt(new GcmWithIv(), 1);
        SignalOmemoService.acknowledgeLicense();
        SignalOmemoService.setup();
        SmackIntegrationTestFramework.main(args);
    }

    /**
     * Smack's OMEMO cipher asks for AES/GCM with an IvParameterSpec, which the JDK's provider refuses and Bouncy
     * Castle's takes. Only that one cipher comes from Bouncy Castle: made first for all it offers, Bouncy Castle
     * would also make the keys of SINT's TLS, which the JDK's TLS cannot use.
     */
    private static final class GcmWithIv extends Provider
    {
        private static final long serialVersionUID = 1L;

        GcmWithIv()
        {
            super("OmemoGcm", "1.0", "Bouncy Castle's AES/GCM for Smack's OMEMO");
            put("Cipher.AES/GCM/NoPadding", "org.bouncycastle.jcajce.provider.symmetric.AES$GCM");
        }
    }
}
