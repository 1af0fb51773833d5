package org.stanzaswitch.gateway;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.stanzaswitch.switching.ExternalService;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ConfigLoaderTest
{
    @TempDir
    Path directory;

    @Test
    @DisplayName("the annotated example in docs/ loads and holds the defaults it claims")
    void shouldLoadTheAnnotatedExample() throws Exception
    {
        final ServerContext context = ConfigLoader.load(Path.of("..", "docs", "stanzaswitch.example.yaml"),
            new ServerContext()).conclude();
        final ServerContext defaults = new ServerContext().conclude();
        assertThat(context.c2sPort()).isEqualTo(defaults.c2sPort());
        assertThat(context.componentPort()).isEqualTo(-1);
        assertThat(context.componentSecrets()).isEmpty();
        assertThat(context.trimAfterNs()).isEqualTo(defaults.trimAfterNs());
        assertThat(context.c2sRate()).isEqualTo(defaults.c2sRate()).isEqualTo(256 * 1024);
        assertThat(context.c2sBurst()).isEqualTo(defaults.c2sBurst()).isEqualTo(512 * 1024);
        assertThat(context.upload().port()).isEqualTo(defaults.upload().port()).isEqualTo(-1);
        assertThat(context.upload().maxFileSize()).isEqualTo(defaults.upload().maxFileSize()).isEqualTo(100L << 20);
        assertThat(context.upload().dailyQuota()).isEqualTo(defaults.upload().dailyQuota()).isEqualTo(1L << 30);
        assertThat(context.upload().expireDays()).isEqualTo(defaults.upload().expireDays()).isEqualTo(7);
    }

    @Test
    @DisplayName("XEP-0215: external services as a list of mappings; a secret with a fixed password is refused")
    void shouldReadExternalServices() throws Exception
    {
        final Path good = Files.writeString(directory.resolve("services.yaml"), "external_services:\n" +
            "  - {type: stun, host: stun.example.org, port: 3478, transport: udp}\n" +
            "  - type: turn\n    host: turn.example.org\n    port: 3478\n    secret: s3cret\n    ttl: 3600s\n");
        final ServerContext context = ConfigLoader.load(good, new ServerContext()).conclude();
        assertThat(context.externalServices()).containsExactly(
            new ExternalService("stun", "stun.example.org", 3478, "udp", null, null, null, null, 86_400),
            new ExternalService("turn", "turn.example.org", 3478, null, null, null, null, "s3cret", 3600));
        assertThat(new ServerContext().conclude().externalServices()).as("none unless configured").isEmpty();

        final Path both = Files.writeString(directory.resolve("both.yaml"), "external_services:\n" +
            "  - {type: turn, host: t.example.org, secret: s, password: p}\n");
        assertThatThrownBy(() -> ConfigLoader.load(both, new ServerContext()))
            .hasMessageContaining("external_services").hasMessageContaining("not both");
        final Path unknown = Files.writeString(directory.resolve("unknown.yaml"), "external_services:\n" +
            "  - {type: stun, host: s.example.org, prot: 3478}\n");
        assertThatThrownBy(() -> ConfigLoader.load(unknown, new ServerContext())).hasMessageContaining("prot");
    }

    @Test
    @DisplayName("XEP-0363 upload: sizes with suffixes; §4's 'MUST provide TLS', so an http:// URL is refused")
    void shouldReadUploadSettings() throws Exception
    {
        final Path good = Files.writeString(directory.resolve("upload.yaml"), "listen:\n  upload_port: 5443\n" +
            "upload:\n  url: https://files.example.org/\n  max_file_size: 10m\n  daily_quota: 0\n");
        final ServerContext context = ConfigLoader.load(good, new ServerContext()).conclude();
        assertThat(context.upload().port()).isEqualTo(5443);
        assertThat(context.upload().url()).isEqualTo("https://files.example.org/");
        assertThat(context.upload().maxFileSize()).isEqualTo(10L << 20);
        assertThat(context.upload().dailyQuota()).isZero();

        final Path bad = Files.writeString(directory.resolve("http.yaml"), "upload:\n  url: http://example.org\n");
        assertThatThrownBy(() -> ConfigLoader.load(bad, new ServerContext()).conclude())
            .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("stanzaswitch.upload.url");
    }

    @Test
    @DisplayName("listen.web_port and web.behind_proxy: read; a port out of range is refused at start")
    void shouldReadWebSocketPort() throws Exception
    {
        final Path good = Files.writeString(directory.resolve("ws.yaml"), "listen:\n  web_port: 5443\n" +
            "web:\n  behind_proxy: true\n");
        final ServerContext context = ConfigLoader.load(good, new ServerContext()).conclude();
        assertThat(context.webPort()).isEqualTo(5443);
        assertThat(context.webBehindProxy()).isTrue();
        final Path bad = Files.writeString(directory.resolve("bad-ws.yaml"), "listen:\n  web_port: 70000\n");
        assertThatThrownBy(() -> ConfigLoader.load(bad, new ServerContext()).conclude())
            .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("stanzaswitch.web.port");
    }

    @Test
    @DisplayName("limits.c2s_rate: 0 turns shaping off; a negative rate or an empty burst is refused at start")
    void shouldReadClientRate() throws Exception
    {
        final Path off = Files.writeString(directory.resolve("off.yaml"), "limits:\n  c2s_rate: 0\n");
        assertThat(ConfigLoader.load(off, new ServerContext()).conclude().c2sRate()).isZero();

        final Path bad = Files.writeString(directory.resolve("bad-rate.yaml"), "limits:\n  c2s_burst: 0\n");
        assertThatThrownBy(() -> ConfigLoader.load(bad, new ServerContext()).conclude())
            .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("stanzaswitch.c2s.burst=0");
    }

    @Test
    @DisplayName("XEP-0114 components: the domain (dots and all) and its secret; the server's own domain refused")
    void shouldReadComponents() throws Exception
    {
        final Path good = Files.writeString(directory.resolve("good.yaml"),
            "listen:\n  component_port: 5275\ncomponents:\n  push.localhost: s3cret\n  upload.localhost: other\n");
        final ServerContext context = ConfigLoader.load(good, new ServerContext()).conclude();
        assertThat(context.componentPort()).isEqualTo(5275);
        assertThat(context.componentSecrets()).containsEntry("push.localhost", "s3cret")
            .containsEntry("upload.localhost", "other");

        final Path bad = Files.writeString(directory.resolve("bad.yaml"), "components:\n  localhost: s3cret\n");
        assertThatThrownBy(() -> ConfigLoader.load(bad, new ServerContext()).conclude())
            .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("components.localhost");
    }
}
