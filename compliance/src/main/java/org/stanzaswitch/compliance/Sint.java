package org.stanzaswitch.compliance;

import org.igniterealtime.smack.inttest.SmackIntegrationTestFramework;
import org.igniterealtime.smack.inttest.XmppConnectionDescriptor;
import org.igniterealtime.smack.inttest.XmppConnectionManager;
import org.jivesoftware.smack.bosh.BOSHConfiguration;
import org.jivesoftware.smack.bosh.XMPPBOSHConnection;
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
 * also offers the connection {@value #WEBSOCKET}, Smack's RFC 7395 transport to that endpoint (SINT's own
 * WebSocket connections find theirs by XEP-0156 at {@code https://<service>/}, port 443), and with
 * {@code -Dstanzaswitch.bosh=https://...} the connection {@value #BOSH}, Smack's XEP-0206 client (SINT has none).
 */
public final class Sint
{
    static final String WEBSOCKET = "stanzaswitch-websocket";
    static final String BOSH = "stanzaswitch-bosh";

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
        final String bosh = System.getProperty("stanzaswitch.bosh");
        if (bosh != null)
        {
            XmppConnectionManager.addConnectionDescriptor(boshConnection(URI.create(bosh)));
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

    private static XmppConnectionDescriptor<XMPPBOSHConnection, BOSHConfiguration, BOSHConfiguration.Builder>
        boshConnection(final URI endpoint) throws ReflectiveOperationException
    {
        return XmppConnectionDescriptor.buildWith(XMPPBOSHConnection.class, BOSHConfiguration.class,
                BOSHConfiguration.Builder.class)
            .withNickname(BOSH)
            .applyExtraConfiguration(builder -> builder.setPort(endpoint.getPort()).setFile(endpoint.getPath())
                .setUseHttps("https".equals(endpoint.getScheme())))
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
