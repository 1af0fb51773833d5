package org.stanzaswitch.compliance;

import org.igniterealtime.smack.inttest.SmackIntegrationTestFramework;
import org.igniterealtime.smack.inttest.XmppConnectionDescriptor;
import org.igniterealtime.smack.inttest.XmppConnectionManager;
import org.jivesoftware.smack.c2s.ModularXmppClientToServerConnection;
import org.jivesoftware.smack.c2s.ModularXmppClientToServerConnectionConfiguration;
import org.jivesoftware.smack.websocket.XmppWebSocketTransportModuleDescriptor;
import org.jivesoftware.smack.websocket.java11.Java11WebSocketFactory;
import org.jivesoftware.smackx.omemo.signal.SignalOmemoService;

import java.net.URI;
import java.security.Provider;
import java.security.Security;

/**
 * SINT with an OMEMO implementation registered, so its four OMEMO test classes run instead of reporting "No
 * OmemoService registered": Smack registers none by itself. With {@code -Dstanzaswitch.websocket=wss://...} it
 * also offers the connection {@value #WEBSOCKET}, Smack's RFC 7395 transport to that endpoint: SINT's own
 * WebSocket connections find theirs by XEP-0156 at {@code https://<service>/}, port 443.
 */
public final class Sint
{
    static final String WEBSOCKET = "stanzaswitch-websocket";

    private Sint()
    {
    }

    public static void main(final String[] args) throws Exception
    {
        Security.insertProviderAt(new GcmWithIv(), 1);
        SignalOmemoService.acknowledgeLicense();
        SignalOmemoService.setup();
        final String webSocket = System.getProperty("stanzaswitch.websocket");
        if (webSocket != null)
        {
            XmppConnectionManager.addConnectionDescriptor(webSocketConnection(URI.create(webSocket)));
        }
        SmackIntegrationTestFramework.main(args);
    }

    private static XmppConnectionDescriptor<ModularXmppClientToServerConnection,
        ModularXmppClientToServerConnectionConfiguration, ModularXmppClientToServerConnectionConfiguration.Builder>
        webSocketConnection(final URI endpoint) throws ReflectiveOperationException
    {
        return XmppConnectionDescriptor.buildWith(ModularXmppClientToServerConnection.class,
                ModularXmppClientToServerConnectionConfiguration.class,
                ModularXmppClientToServerConnectionConfiguration.Builder.class)
            .withNickname(WEBSOCKET)
            .applyExtraConfiguration(builder ->
            {
                builder.removeAllModules();
                builder.addModule(XmppWebSocketTransportModuleDescriptor.getBuilder(builder)
                    .explicitlySetWebSocketEndpoint(endpoint)
                    .setWebSocketFactory(Java11WebSocketFactory.INSTANCE)
                    .build());
            })
            .build();
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
