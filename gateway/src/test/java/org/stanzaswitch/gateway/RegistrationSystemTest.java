package org.stanzaswitch.gateway;

import org.jivesoftware.smack.XMPPException;
import org.jivesoftware.smack.packet.StanzaError;
import org.jivesoftware.smack.sasl.SASLErrorException;
import org.jivesoftware.smack.tcp.XMPPTCPConnection;
import org.jivesoftware.smackx.iqregister.AccountManager;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.jxmpp.jid.impl.JidCreate;
import org.jxmpp.jid.parts.Localpart;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * XEP-0077 In-Band Registration: register, change the password, cancel, over STARTTLS with Smack's
 * AccountManager; closed unless the operator opens it; counted by XEP-0198 like any other stanza.
 */
@Timeout(60)
class RegistrationSystemTest
{
    /** XEP-0077 §3.2: the client cancels its own account. */
    private static final String CANCEL =
        "<iq type='set' id='bye' to='localhost'><query xmlns='jabber:iq:register'><remove/></query></iq>";

    private static XMPPTCPConnection unauthenticated(final TestServer server) throws Exception
    {
        final XMPPTCPConnection connection = new XMPPTCPConnection(
            TestClients.startTls(server, "unused", "unused").build());
        connection.setReplyTimeout(10_000);
        connection.connect();
        return connection;
    }

    @Test
    @DisplayName("XEP-0077 §3.1-§3.3: an account registered in band logs in, changes its password, and cancels")
    void shouldRegisterChangeAndCancel() throws Exception
    {
        try (TestServer server = TestServer.start(context -> context.registrationOpen(true)).addUser("taken",
            "x-secret"))
        {
            final XMPPTCPConnection anonymous = unauthenticated(server);
            try
            {
                final AccountManager accounts = AccountManager.getInstance(anonymous);
                assertThat(accounts.supportsAccountCreation()).isTrue();
                assertThat(accounts.getAccountAttributes()).contains("username", "password");
                accounts.createAccount(Localpart.from("Newbie"), "first-secret");
                assertThatThrownBy(() -> accounts.createAccount(Localpart.from("taken"), "other"))
                    .isInstanceOfSatisfying(XMPPException.XMPPErrorException.class, ex ->
                        assertThat(ex.getStanzaError().getCondition()).isEqualTo(StanzaError.Condition.conflict));
            }
            finally
            {
                anonymous.disconnect();
            }

            final XMPPTCPConnection newbie = TestClients.connect(TestClients.startTls(server, "newbie",
                "first-secret"));
            AccountManager.getInstance(newbie).changePassword("second-secret");
            newbie.disconnect();
            assertThatThrownBy(() -> TestClients.connect(TestClients.startTls(server, "newbie", "first-secret")))
                .isInstanceOf(SASLErrorException.class);

            final XMPPTCPConnection again = TestClients.connect(TestClients.startTls(server, "newbie",
                "second-secret"));
            AccountManager.getInstance(again).deleteAccount();
            again.disconnect();
            assertThat(server.server().accounts().exists("newbie")).isFalse();
            assertThatThrownBy(() -> TestClients.connect(TestClients.startTls(server, "newbie", "second-secret")))
                .isInstanceOf(SASLErrorException.class);
        }
    }

    @Test
    @DisplayName("XEP-0198 §4, §6 with XEP-0077 §3.3: a password change and its answer are counted like other stanzas")
    void shouldCountRegistrationForStreamManagement() throws Exception
    {
        try (TestServer server = TestServer.start().addUser("alice", "a-secret");
            RawClient alice = RawClient.directTls(server))
        {
            alice.login("", "alice", "a-secret");
            alice.send("<enable xmlns='urn:xmpp:sm:3'/>");
            assertThat(alice.readPast("<enabled", 5_000)).isTrue();
            alice.send("<iq type='set' id='change' to='localhost'><query xmlns='jabber:iq:register'>" +
                "<username>alice</username><password>a-second</password></query></iq>");
            assertThat(alice.readUntil("type='result'", 10_000)).contains("id='change'");
            alice.readPast("type='result'", 0);

            alice.send("<r xmlns='urn:xmpp:sm:3'/>");
            assertThat(alice.readUntil("h='1'/>", 5_000)).as("the server counts the change it took")
                .contains("<a xmlns='urn:xmpp:sm:3' h='1'/>");
            alice.readPast("h='1'/>", 0);
            alice.send("<a xmlns='urn:xmpp:sm:3' h='1'/><iq type='get' id='after' to='localhost'>" +
                "<ping xmlns='urn:xmpp:ping'/></iq>");
            assertThat(alice.readUntil("type='result'", 5_000))
                .as("and the answer it sent: h='1' is not more than was sent").doesNotContain("stream:error")
                .contains("id='after'");
        }
    }

    @Test
    @DisplayName("XEP-0077 §3.2 with XEP-0198 §5: what a cancelled account never acknowledged is not kept for the " +
        "next account of its name, whether its stream could be resumed or not")
    void shouldNotKeepTheUnacknowledgedOfACancelledAccount() throws Exception
    {
        try (TestServer server = TestServer.start(context -> context.resumeTimeoutSeconds(1))
            .addUser("bob", "b-secret"))
        {
            final XMPPTCPConnection bob = TestClients.login(server, "bob", "b-secret");
            try
            {
                for (final String enable : List.of("<enable xmlns='urn:xmpp:sm:3'/>",
                    "<enable xmlns='urn:xmpp:sm:3' resume='true'/>"))
                {
                    server.addUser("alice", "a-secret");
                    try (RawClient alice = RawClient.directTls(server))
                    {
                        alice.login("", "alice", "a-secret");
                        alice.send(enable);
                        assertThat(alice.readPast("<enabled", 5_000)).isTrue();
                        alice.send("<presence/>");
                        bob.sendStanza(bob.getStanzaFactory().buildMessageStanza()
                            .to(JidCreate.entityBareFrom("alice@localhost")).setBody("for the old alice").build());
                        assertThat(alice.readUntil("for the old alice", 10_000)).contains("for the old alice");
                        // Never acknowledged when the cancellation ends the stream.
                        alice.send(CANCEL);
                        final String ended = alice.readUntilClosed(10_000);
                        assertThat(ended).contains("id='bye'").contains("<not-authorized");
                        assertThat(ended.indexOf("id='bye'")).as("§3.2: the answer before the stream's end")
                            .isLessThan(ended.indexOf("<not-authorized"));
                    }
                    // Past the 1 s a resumable stream would have been kept for, which hands what it holds on.
                    Thread.sleep(1_500);
                    server.addUser("alice", "another-secret");
                    try (RawClient next = RawClient.directTls(server))
                    {
                        next.login("", "alice", "another-secret");
                        next.send("<presence/><iq type='get' id='after' to='localhost'><ping xmlns='urn:xmpp:ping'/>" +
                            "</iq>");
                        assertThat(next.readUntil("id='after'", 10_000)).as(enable)
                            .doesNotContain("for the old alice");
                        next.send(CANCEL);
                        assertThat(next.readUntilClosed(10_000)).contains("<not-authorized");
                    }
                }
            }
            finally
            {
                bob.disconnect();
            }
        }
    }

    @Test
    @DisplayName("XEP-0077 §3.1: with registration closed (the default) a request gets service-unavailable")
    void shouldRefuseWhenClosed() throws Exception
    {
        try (TestServer server = TestServer.start())
        {
            final XMPPTCPConnection anonymous = unauthenticated(server);
            try
            {
                assertThatThrownBy(() -> AccountManager.getInstance(anonymous)
                    .createAccount(Localpart.from("someone"), "secret"))
                    .isInstanceOfSatisfying(XMPPException.XMPPErrorException.class, ex -> assertThat(
                        ex.getStanzaError().getCondition()).isEqualTo(StanzaError.Condition.service_unavailable));
            }
            finally
            {
                anonymous.disconnect();
            }
        }
    }
}
