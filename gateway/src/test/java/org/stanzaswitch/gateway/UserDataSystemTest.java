package org.stanzaswitch.gateway;

import org.jivesoftware.smack.XMPPException;
import org.jivesoftware.smack.packet.StanzaError;
import org.jivesoftware.smack.tcp.XMPPTCPConnection;
import org.jivesoftware.smackx.iqprivate.PrivateDataManager;
import org.jivesoftware.smackx.iqprivate.packet.DefaultPrivateData;
import org.jivesoftware.smackx.iqprivate.packet.PrivateData;
import org.jivesoftware.smackx.vcardtemp.VCardManager;
import org.jivesoftware.smackx.vcardtemp.packet.VCard;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.jxmpp.jid.impl.JidCreate;

import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * vCards (XEP-0054) and private XML storage (XEP-0049) are kept on the state journal and handed back as stored.
 */
@Timeout(60)
class UserDataSystemTest
{
    @Test
    @DisplayName("XEP-0054 §3: a vCard set by its owner is read by anyone, also after a restart")
    void shouldStoreVCardAcrossRestart() throws Exception
    {
        final Path data = TestServer.newDataDir();
        try
        {
            try (TestServer server = TestServer.start(data, false, context -> { }))
            {
                server.addUser("hamlet", "h").addUser("horatio", "h");
                final XMPPTCPConnection hamlet = TestClients.connect(TestClients.startTls(server, "hamlet", "h"));
                try
                {
                    final VCardManager vCards = VCardManager.getInstanceFor(hamlet);
                    assertThat(vCards.loadVCard().getNickName()).isNull();
                    final VCard vCard = new VCard();
                    vCard.setNickName("Prince & Dane");
                    vCard.setEmailHome("hamlet@denmark.lit");
                    vCards.saveVCard(vCard);
                }
                finally
                {
                    hamlet.disconnect();
                }
            }
            try (TestServer server = TestServer.start(data, false, context -> { }))
            {
                final XMPPTCPConnection horatio = TestClients.connect(TestClients.startTls(server, "horatio", "h"));
                try
                {
                    final VCard read = VCardManager.getInstanceFor(horatio)
                        .loadVCard(JidCreate.entityBareFrom("hamlet@localhost"));
                    assertThat(read.getNickName()).isEqualTo("Prince & Dane");
                    assertThat(read.getEmailHome()).isEqualTo("hamlet@denmark.lit");
                }
                finally
                {
                    horatio.disconnect();
                }
            }
        }
        finally
        {
            TestServer.delete(data);
        }
    }

    @Test
    @DisplayName("XEP-0049 §2: private XML is stored per namespace and read back only by its owner")
    void shouldStorePrivateXml() throws Exception
    {
        try (TestServer server = TestServer.start().addUser("ophelia", "o").addUser("polonius", "p"))
        {
            final XMPPTCPConnection ophelia = TestClients.connect(TestClients.startTls(server, "ophelia", "o"));
            try
            {
                final PrivateDataManager manager = PrivateDataManager.getInstanceFor(ophelia);
                final DefaultPrivateData empty = (DefaultPrivateData)manager.getPrivateData("prefs",
                    "urn:example:prefs");
                assertThat(empty.getValue("theme")).isNull();

                final DefaultPrivateData prefs = new DefaultPrivateData("prefs", "urn:example:prefs");
                prefs.setValue("theme", "dark");
                manager.setPrivateData(prefs);
                final PrivateData read = manager.getPrivateData("prefs", "urn:example:prefs");
                assertThat(((DefaultPrivateData)read).getValue("theme")).isEqualTo("dark");

                final DefaultPrivateData reserved = new DefaultPrivateData("query", "jabber:iq:roster");
                reserved.setValue("x", "y");
                assertThatThrownBy(() -> manager.setPrivateData(reserved))
                    .isInstanceOfSatisfying(XMPPException.XMPPErrorException.class, ex ->
                        assertThat(ex.getStanzaError().getCondition()).isEqualTo(StanzaError.Condition.not_acceptable));
            }
            finally
            {
                ophelia.disconnect();
            }
        }
    }
}
