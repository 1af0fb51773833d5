package org.stanzaswitch.gateway;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.stanzaswitch.switching.ExternalService;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Base64;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/**
 * XEP-0215 external service discovery over a real stream: the configured STUN and TURN servers, time-limited TURN
 * credentials as coturn's {@code use-auth-secret} checks them, and nothing advertised where nothing is configured.
 */
@Timeout(60)
class ExternalServiceSystemTest
{
    private static final String SECRET = "coturn-shared-secret";

    @Test
    @DisplayName("XEP-0215 §3.1-§3.3, §5: services listed, by type, with credentials made from the shared secret")
    void shouldListServicesWithCredentials() throws Exception
    {
        try (TestServer server = TestServer.start(context -> context
                .externalService(new ExternalService("stun", "stun.example.org", 3478, "udp", null, null, null, null,
                    ExternalService.DEFAULT_TTL_SECONDS))
                .externalService(new ExternalService("turn", "turn.example.org", 3478, "udp", "Relay", null, null,
                    SECRET, 3600))
                .externalService(new ExternalService("turns", "turn.example.org", 5349, "tcp", null, "fixed",
                    "p&ss", null, ExternalService.DEFAULT_TTL_SECONDS)))
                .addUser("alice", "alice-secret");
             RawClient alice = RawClient.directTls(server))
        {
            assertThat(alice.login("", "alice", "alice-secret")).startsWith("alice@localhost/");
            alice.send("<iq type='get' id='d1' to='localhost'><query xmlns='http://jabber.org/protocol/disco#info'/>" +
                "</iq>");
            assertThat(alice.readUntil("</query>", 5_000)).as("§5").contains("<feature var='urn:xmpp:extdisco:2'/>");
            alice.readPast("</query>", 5_000);

            final long before = Instant.now().getEpochSecond();
            alice.send("<iq type='get' id='s1' to='localhost'><services xmlns='urn:xmpp:extdisco:2'/></iq>");
            final String all = alice.readUntil("</services>", 5_000);
            alice.readPast("</services>", 5_000);
            assertThat(all).contains("type='result'")
                .contains("<service type='stun' host='stun.example.org' port='3478' transport='udp'/>")
                .contains("type='turns' host='turn.example.org' port='5349' transport='tcp' username='fixed' " +
                    "password='p&amp;ss' restricted='1'/>");
            final Matcher turn = Pattern.compile("<service type='turn' host='turn.example.org' port='3478' " +
                "transport='udp' name='Relay' username='([^']+)' password='([^']+)' expires='([^']+)' " +
                "restricted='1'/>").matcher(all);
            assertThat(turn.find()).as(all).isTrue();
            final String username = turn.group(1);
            assertThat(username).as("TURN REST API: expiry in Unix seconds, then the user").endsWith(":alice");
            final long expiry = Long.parseLong(username.substring(0, username.indexOf(':')));
            assertThat(expiry).isCloseTo(before + 3600, within(5L));
            assertThat(Instant.parse(turn.group(3)).getEpochSecond()).isEqualTo(expiry);
            assertThat(turn.group(2)).as("what coturn computes from its static-auth-secret")
                .isEqualTo(hmacSha1(SECRET, username));

            alice.send("<iq type='get' id='s2' to='localhost'><services xmlns='urn:xmpp:extdisco:2' type='stun'/>" +
                "</iq>");
            final String stun = alice.readUntil("</services>", 5_000);
            alice.readPast("</services>", 5_000);
            assertThat(stun).as("§3.2: of one type").contains("type='stun'").doesNotContain("turn.example.org");

            alice.send("<iq type='get' id='c1' to='localhost'><credentials xmlns='urn:xmpp:extdisco:2'>" +
                "<service host='turn.example.org' type='turn'/></credentials></iq>");
            final String credentials = alice.readUntil("</credentials>", 5_000);
            alice.readPast("</credentials>", 5_000);
            assertThat(credentials).as("§3.3").contains("username='").contains("password='")
                .doesNotContain("5349");
            alice.send("<iq type='get' id='c2' to='localhost'><credentials xmlns='urn:xmpp:extdisco:2'>" +
                "<service host='stun.example.org' type='stun'/></credentials></iq>");
            assertThat(alice.readUntil("id='c2'", 5_000)).as("§3.3: none to give").contains("type='error'")
                .contains("<item-not-found");
        }
    }

    @Test
    @DisplayName("XEP-0215 §5: without configured services the feature is not advertised and a request is refused")
    void shouldOfferNothingUnconfigured() throws Exception
    {
        try (TestServer server = TestServer.start().addUser("bob", "bob-secret");
             RawClient bob = RawClient.directTls(server))
        {
            assertThat(bob.login("", "bob", "bob-secret")).startsWith("bob@localhost/");
            bob.send("<iq type='get' id='d1' to='localhost'><query xmlns='http://jabber.org/protocol/disco#info'/>" +
                "</iq>");
            assertThat(bob.readUntil("</query>", 5_000)).doesNotContain("extdisco");
            bob.readPast("</query>", 5_000);
            bob.send("<iq type='get' id='s1' to='localhost'><services xmlns='urn:xmpp:extdisco:2'/></iq>");
            assertThat(bob.readUntil("id='s1'", 5_000)).contains("<service-unavailable");
        }
    }

    private static String hmacSha1(final String secret, final String text) throws Exception
    {
        final Mac mac = Mac.getInstance("HmacSHA1");
        mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA1"));
        return Base64.getEncoder().encodeToString(mac.doFinal(text.getBytes(StandardCharsets.UTF_8)));
    }
}
