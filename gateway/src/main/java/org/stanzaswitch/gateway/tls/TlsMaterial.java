package org.stanzaswitch.gateway.tls;

import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslProvider;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.openssl.PEMKeyPair;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.openssl.jcajce.JcaPEMKeyConverter;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.openssl.jcajce.JcaPKCS8Generator;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

import javax.net.ssl.SSLException;
import java.io.IOException;
import java.io.InputStream;
import java.io.Writer;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.MessageDigest;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.HexFormat;
import java.util.List;

/**
 * The server's TLS identity: a PEM certificate chain and key as an operator provides them (Let's Encrypt's
 * fullchain.pem and privkey.pem; the key unencrypted, PKCS#8 or OpenSSL's traditional SEC1/PKCS#1 form), or,
 * for the embedded default, a self-signed P-256 certificate for the domain generated on first start and kept in
 * the data directory. Only TLS 1.3 and 1.2 are enabled.
 */
public final class TlsMaterial
{
    private static final List<String> PROTOCOLS = List.of("TLSv1.3", "TLSv1.2");

    private final Path certificate;
    private final Path key;
    private final boolean generated;

    private TlsMaterial(final Path certificate, final Path key, final boolean generated)
    {
        this.certificate = certificate;
        this.key = key;
        this.generated = generated;
    }

    /**
     * @param certificate path of the chain, or empty to use (and if need be make) the self-signed pair.
     * @param key         path of the key, or empty.
     * @param dataDir     where the self-signed pair lives.
     * @param domain      the name the self-signed certificate is for.
     * @return the material.
     * @throws IOException if files cannot be read or written.
     */
    public static TlsMaterial resolve(final String certificate, final String key, final Path dataDir,
        final String domain)
        throws IOException
    {
        if (!certificate.isEmpty())
        {
            return new TlsMaterial(Path.of(certificate), Path.of(key), false);
        }
        final Path directory = dataDir.resolve("tls");
        final Path certificatePath = directory.resolve(domain + ".crt.pem");
        final Path keyPath = directory.resolve(domain + ".key.pem");
        final boolean generate = !Files.exists(certificatePath) || !Files.exists(keyPath);
        if (generate)
        {
            Files.createDirectories(directory);
            generateSelfSigned(domain, certificatePath, keyPath);
        }
        return new TlsMaterial(certificatePath, keyPath, generate);
    }

    /**
     * @return true if this start generated the self-signed pair.
     */
    public boolean generated()
    {
        return generated;
    }

    public Path certificate()
    {
        return certificate;
    }

    /**
     * @param provider the TLS implementation, resolved for this machine.
     * @return a context for server connections.
     * @throws SSLException if the files are not a usable pair.
     */
    public SslContext serverContext(final SslProvider provider) throws SSLException
    {
        // The files are read here with the JDK's key factories: handed the paths, Netty would build
        // BouncyCastle's whole JCA provider to parse them, a quarter of a second of every start.
        return SslContextBuilder.forServer(privateKey(), chain())
            .sslProvider(provider)
            .protocols(PROTOCOLS)
            .build();
    }

    private PrivateKey privateKey() throws SSLException
    {
        try (PEMParser reader = new PEMParser(Files.newBufferedReader(key)))
        {
            final Object object = reader.readObject();
            final JcaPEMKeyConverter converter = new JcaPEMKeyConverter();
            if (object instanceof PrivateKeyInfo)
            {
                return converter.getPrivateKey((PrivateKeyInfo)object);
            }
            if (object instanceof PEMKeyPair)
            {
                // SEC1 may leave out the public key, so only the private part is converted.
                return converter.getPrivateKey(((PEMKeyPair)object).getPrivateKeyInfo());
            }
            throw new SSLException(key + " holds no unencrypted private key (PKCS#8, SEC1 or PKCS#1 PEM)");
        }
        catch (final IOException ex)
        {
            throw new SSLException("cannot read the private key " + key, ex);
        }
    }

    private X509Certificate[] chain() throws SSLException
    {
        try (InputStream in = Files.newInputStream(certificate))
        {
            final X509Certificate[] chain = CertificateFactory.getInstance("X.509").generateCertificates(in).stream()
                .map(X509Certificate.class::cast).toArray(X509Certificate[]::new);
            if (chain.length == 0)
            {
                throw new SSLException(certificate + " holds no certificate");
            }
            return chain;
        }
        catch (final IOException | GeneralSecurityException ex)
        {
            throw new SSLException("cannot read the certificate chain " + certificate, ex);
        }
    }

    /**
     * @return the SHA-256 fingerprint of the leaf certificate, for the operator to compare with what clients see.
     * @throws IOException if the certificate cannot be read.
     */
    public String fingerprint() throws IOException
    {
        try
        {
            final byte[] digest = MessageDigest.getInstance("SHA-256").digest(chain()[0].getEncoded());
            return HexFormat.ofDelimiter(":").withUpperCase().formatHex(digest);
        }
        catch (final GeneralSecurityException ex)
        {
            throw new IOException(ex);
        }
    }

    private static void generateSelfSigned(final String domain, final Path certificatePath, final Path keyPath)
        throws IOException
    {
        try
        {
            final KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
            generator.initialize(new ECGenParameterSpec("secp256r1"), new SecureRandom());
            final KeyPair pair = generator.generateKeyPair();
            final Instant now = Instant.now();
            final X500Name subject = new X500Name("CN=" + domain);
            final JcaX509v3CertificateBuilder builder = new JcaX509v3CertificateBuilder(subject,
                new BigInteger(64, new SecureRandom()), Date.from(now.minus(Duration.ofDays(1))),
                Date.from(now.plus(Duration.ofDays(3650))), subject, pair.getPublic());
            builder.addExtension(Extension.subjectAlternativeName, false,
                new GeneralNames(new GeneralName(GeneralName.dNSName, domain)));
            final X509CertificateHolder holder = builder.build(
                new JcaContentSignerBuilder("SHA256withECDSA").build(pair.getPrivate()));
            writePem(certificatePath, holder);
            writePem(keyPath, new JcaPKCS8Generator(pair.getPrivate(), null));
            Files.setPosixFilePermissions(keyPath, PosixFilePermissions.fromString("rw-------"));
        }
        catch (final GeneralSecurityException | org.bouncycastle.operator.OperatorCreationException ex)
        {
            throw new IOException("cannot generate a self-signed certificate for " + domain, ex);
        }
    }

    private static void writePem(final Path path, final Object object) throws IOException
    {
        try (Writer writer = Files.newBufferedWriter(path); JcaPEMWriter pem = new JcaPEMWriter(writer))
        {
            pem.writeObject(object);
        }
    }
}
