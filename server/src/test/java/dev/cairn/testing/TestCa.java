package dev.cairn.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.KeyStore;
import java.security.Principal;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.Base64;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import javax.net.ssl.KeyManager;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509ExtendedKeyManager;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * A certificate authority made in the test (EC P-256, BouncyCastle): it issues server certificates
 * for 127.0.0.1/localhost and client certificates, writes them as the PEM files {@code TLS_CERT},
 * {@code TLS_KEY} and {@code TLS_CLIENT_CA} name, and makes the SSL contexts of clients.
 */
public final class TestCa {

    private static final AtomicLong SERIAL = new AtomicLong(System.currentTimeMillis());

    /** A key and the certificate this CA issued for it. */
    public record Issued(PrivateKey key, X509Certificate certificate) {
    }

    private final KeyPair keys;
    private final X509Certificate certificate;

    private TestCa(KeyPair keys, X509Certificate certificate) {
        this.keys = keys;
        this.certificate = certificate;
    }

    public static TestCa create(String name) {
        KeyPair keys = keyPair();
        X500Name subject = name("CN=" + name + ",O=Cairn Tests");
        X509v3CertificateBuilder builder = builder(subject, subject, keys);
        try {
            builder.addExtension(Extension.basicConstraints, true, new BasicConstraints(true));
            builder.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return new TestCa(keys, sign(builder, keys.getPrivate()));
    }

    public X509Certificate certificate() {
        return certificate;
    }

    /** A server certificate for 127.0.0.1 and localhost. */
    public Issued server() {
        return issue("CN=localhost", KeyPurposeId.id_kp_serverAuth,
                new GeneralName(GeneralName.dNSName, "localhost"), new GeneralName(GeneralName.iPAddress, "127.0.0.1"));
    }

    /** A client certificate with this subject ({@code CN=svc-1,O=Acme}) and these DNS names. */
    public Issued client(String subject, String... dnsNames) {
        return issue(subject, KeyPurposeId.id_kp_clientAuth, Arrays.stream(dnsNames)
                .map(n -> new GeneralName(GeneralName.dNSName, n)).toArray(GeneralName[]::new));
    }

    private Issued issue(String subject, KeyPurposeId purpose, GeneralName... altNames) {
        KeyPair pair = keyPair();
        X509v3CertificateBuilder builder = builder(X500Name.getInstance(
                certificate.getSubjectX500Principal().getEncoded()), name(subject), pair);
        try {
            builder.addExtension(Extension.basicConstraints, true, new BasicConstraints(false));
            builder.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.digitalSignature));
            builder.addExtension(Extension.extendedKeyUsage, false, new ExtendedKeyUsage(purpose));
            if (altNames.length > 0) {
                builder.addExtension(Extension.subjectAlternativeName, false, new GeneralNames(altNames));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return new Issued(pair.getPrivate(), sign(builder, keys.getPrivate()));
    }

    /**
     * A fresh folder with a server certificate of this CA ({@code server.pem}, {@code server.key})
     * and the CA itself ({@code ca.pem}): what {@link #listenerEnv} points a gateway at.
     */
    public Path listenerFiles() {
        try {
            Path dir = Files.createTempDirectory("cairn-tls");
            Issued server = server();
            writeCertificates(dir.resolve("server.pem"), server.certificate());
            writeKey(dir.resolve("server.key"), server.key());
            writeCertificates(dir.resolve("ca.pem"), certificate());
            return dir;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The TLS listener's settings for the files of {@link #listenerFiles}, on a free port. */
    public static Map<String, String> listenerEnv(Path files) {
        return Map.of("TLS_CERT", files.resolve("server.pem").toString(),
                "TLS_KEY", files.resolve("server.key").toString(),
                "TLS_CLIENT_CA", files.resolve("ca.pem").toString(),
                "TLS_PORT", "0");
    }

    /** Removes a folder of {@link #listenerFiles}. */
    public static void deleteFiles(Path files) {
        try (var list = Files.list(files)) {
            for (Path file : list.toList()) {
                Files.delete(file);
            }
            Files.delete(files);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Certificates as PEM. */
    public static void writeCertificates(Path file, X509Certificate... certificates) {
        StringBuilder pem = new StringBuilder();
        try {
            for (X509Certificate c : certificates) {
                pem.append(pem("CERTIFICATE", c.getEncoded()));
            }
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
        write(file, pem.toString());
    }

    /** A private key as PEM PKCS#8 ({@code BEGIN PRIVATE KEY}). */
    public static void writeKey(Path file, PrivateKey key) {
        write(file, pem("PRIVATE KEY", key.getEncoded()));
    }

    /**
     * A client's TLS context: it trusts this CA's servers and, when given one, presents the client
     * certificate whatever CAs the server says it accepts (so a certificate of another CA reaches
     * the server, which must refuse it itself).
     */
    public SSLContext clientContext(Optional<Issued> clientCertificate) {
        try {
            KeyStore trust = KeyStore.getInstance("PKCS12");
            trust.load(null, null);
            trust.setCertificateEntry("ca", certificate);
            TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            tmf.init(trust);
            SSLContext context = SSLContext.getInstance("TLS");
            KeyManager[] keys = clientCertificate.map(c -> new KeyManager[] {new AlwaysPresent(c)}).orElse(null);
            context.init(keys, tmf.getTrustManagers(), null);
            return context;
        } catch (GeneralSecurityException | IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** As the JDK reads an RFC 2253 name (BouncyCastle's parser keeps the other order of the parts). */
    private static X500Name name(String rfc2253) {
        return X500Name.getInstance(new javax.security.auth.x500.X500Principal(rfc2253).getEncoded());
    }

    private static X509v3CertificateBuilder builder(X500Name issuer, X500Name subject, KeyPair keys) {
        Instant now = Instant.now();
        return new JcaX509v3CertificateBuilder(issuer, BigInteger.valueOf(SERIAL.incrementAndGet()),
                Date.from(now.minus(Duration.ofHours(1))), Date.from(now.plus(Duration.ofDays(1))), subject,
                keys.getPublic());
    }

    private static X509Certificate sign(X509v3CertificateBuilder builder, PrivateKey issuerKey) {
        try {
            return new JcaX509CertificateConverter().getCertificate(
                    builder.build(new JcaContentSignerBuilder("SHA256withECDSA").build(issuerKey)));
        } catch (OperatorCreationException | GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    private static KeyPair keyPair() {
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
            generator.initialize(new ECGenParameterSpec("secp256r1"));
            return generator.generateKeyPair();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String pem(String type, byte[] der) {
        return "-----BEGIN " + type + "-----\n" + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII))
                .encodeToString(der) + "\n-----END " + type + "-----\n";
    }

    private static void write(Path file, String text) {
        try {
            Files.writeString(file, text);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Offers its one certificate for any client key type it fits, to any server. */
    private static final class AlwaysPresent extends X509ExtendedKeyManager {
        private static final String ALIAS = "client";
        private final Issued issued;

        AlwaysPresent(Issued issued) {
            this.issued = issued;
        }

        private String alias(String[] keyTypes) {
            return keyTypes != null && List.of(keyTypes).contains(issued.key().getAlgorithm()) ? ALIAS : null;
        }

        @Override
        public String chooseEngineClientAlias(String[] keyTypes, Principal[] issuers, SSLEngine engine) {
            return alias(keyTypes);
        }

        @Override
        public String chooseClientAlias(String[] keyTypes, Principal[] issuers, Socket socket) {
            return alias(keyTypes);
        }

        @Override
        public String[] getClientAliases(String keyType, Principal[] issuers) {
            return new String[] {ALIAS};
        }

        @Override
        public String[] getServerAliases(String keyType, Principal[] issuers) {
            return null;
        }

        @Override
        public String chooseServerAlias(String keyType, Principal[] issuers, Socket socket) {
            return null;
        }

        @Override
        public X509Certificate[] getCertificateChain(String alias) {
            return new X509Certificate[] {issued.certificate()};
        }

        @Override
        public PrivateKey getPrivateKey(String alias) {
            return issued.key();
        }
    }
}
