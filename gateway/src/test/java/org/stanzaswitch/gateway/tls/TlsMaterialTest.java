package org.stanzaswitch.gateway.tls;

import io.netty.handler.ssl.SslProvider;
import io.netty.util.ReferenceCountUtil;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.asn1.sec.ECPrivateKey;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.util.io.pem.PemObject;
import org.bouncycastle.util.io.pem.PemWriter;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import javax.net.ssl.SSLException;
import java.io.Writer;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The operator's PEM files as the server reads them itself (Netty is handed parsed keys): PKCS#8 as generated,
 * the traditional SEC1 form OpenSSL writes for EC keys, and a file that holds no key refused with its name.
 */
class TlsMaterialTest
{
    @TempDir
    Path directory;

    @ParameterizedTest(name = "{0}")
    @EnumSource(value = SslProvider.class, names = {"JDK", "OPENSSL_REFCNT"})
    @DisplayName("the generated PKCS#8 pair and an operator's SEC1 EC key both make a server context")
    void shouldReadPkcs8AndSec1Keys(final SslProvider provider) throws Exception
    {
        final TlsMaterial generated = TlsMaterial.resolve("", "", directory, "example.org");
        assertThat(generated.generated()).isTrue();
        ReferenceCountUtil.release(generated.serverContext(provider));

        // The same key in OpenSSL's traditional EC form ("BEGIN EC PRIVATE KEY": the curve inside, the optional
        // public key left out, as `openssl ec` may write it), beside the same certificate.
        final Path certificate = directory.resolve("tls").resolve("example.org.crt.pem");
        final PrivateKeyInfo pkcs8;
        try (PEMParser keyFile = new PEMParser(Files.newBufferedReader(
            directory.resolve("tls").resolve("example.org.key.pem"))))
        {
            pkcs8 = (PrivateKeyInfo)keyFile.readObject();
        }
        final ECPrivateKey sec1Key = new ECPrivateKey(256, ECPrivateKey.getInstance(pkcs8.parsePrivateKey()).getKey(),
            pkcs8.getPrivateKeyAlgorithm().getParameters());
        final Path sec1 = directory.resolve("sec1.key.pem");
        try (Writer writer = Files.newBufferedWriter(sec1); PemWriter pem = new PemWriter(writer))
        {
            pem.writeObject(new PemObject("EC PRIVATE KEY", sec1Key.getEncoded()));
        }
        assertThat(Files.readString(sec1)).startsWith("-----BEGIN EC PRIVATE KEY-----");
        final TlsMaterial operators = TlsMaterial.resolve(certificate.toString(), sec1.toString(), directory,
            "example.org");
        ReferenceCountUtil.release(operators.serverContext(provider));
        assertThat(operators.generated()).isFalse();
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(value = SslProvider.class, names = {"JDK", "OPENSSL_REFCNT"})
    @DisplayName("a key file that holds no key is refused with its name")
    void shouldRefuseAFileWithoutAKey(final SslProvider provider) throws Exception
    {
        TlsMaterial.resolve("", "", directory, "example.org");
        final Path notAKey = directory.resolve("not-a-key.pem");
        Files.writeString(notAKey, "hello\n");
        final TlsMaterial material = TlsMaterial.resolve(
            directory.resolve("tls").resolve("example.org.crt.pem").toString(), notAKey.toString(), directory,
            "example.org");
        assertThatThrownBy(() -> material.serverContext(provider)).isInstanceOf(SSLException.class)
            .hasMessageContaining(notAKey.toString());
    }
}
