package dev.runcmd.cli.http;

import java.io.IOException;
import java.io.InputStream;
import java.net.http.HttpClient;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.Collection;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509TrustManager;

/**
 * The HTTP clients of the CLI: HTTP/1.1, a short connect timeout, and for {@code https://} the JDK's trust store
 * plus, when given, the CA certificates of a PEM file ({@code --ca-file}), for a control API or an identity
 * provider whose certificate a private CA issued. Host names are verified either way.
 */
public final class Transport {

    private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(5);

    private Transport() {
    }

    /** A client trusting the JDK's trust store and, when {@code caFile} is not null, its certificates too. */
    public static HttpClient httpClient(Path caFile) {
        HttpClient.Builder builder = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(CONNECT_TIMEOUT);
        if (caFile != null) {
            builder.sslContext(sslContext(caFile));
        }
        return builder.build();
    }

    /**
     * An SSL context trusting the JDK's default anchors and every certificate in {@code caFile}. Fails, naming
     * the file, when it cannot be read or holds no certificate.
     */
    static SSLContext sslContext(Path caFile) {
        try {
            KeyStore trusted = KeyStore.getInstance(KeyStore.getDefaultType());
            trusted.load(null, null);
            int index = 0;
            for (X509Certificate anchor : defaultTrustManager().getAcceptedIssuers()) {
                trusted.setCertificateEntry("jdk-" + index++, anchor);
            }
            Collection<? extends Certificate> extra = readCertificates(caFile);
            for (Certificate certificate : extra) {
                trusted.setCertificateEntry("ca-file-" + index++, certificate);
            }
            TrustManagerFactory factory = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            factory.init(trusted);
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(null, factory.getTrustManagers(), null);
            return context;
        } catch (GeneralSecurityException | IOException e) {
            throw new IllegalArgumentException("cannot use the CA file " + caFile + ": " + e.getMessage(), e);
        }
    }

    private static Collection<? extends Certificate> readCertificates(Path caFile) throws IOException,
            GeneralSecurityException {
        Collection<? extends Certificate> certificates;
        try (InputStream in = Files.newInputStream(caFile)) {
            certificates = CertificateFactory.getInstance("X.509").generateCertificates(in);
        } catch (NoSuchFileException e) {
            throw new IOException("no such file", e);
        }
        if (certificates.isEmpty()) {
            throw new GeneralSecurityException("it holds no PEM certificate");
        }
        return certificates;
    }

    private static X509TrustManager defaultTrustManager() throws GeneralSecurityException {
        TrustManagerFactory factory = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        factory.init((KeyStore) null);
        for (var manager : factory.getTrustManagers()) {
            if (manager instanceof X509TrustManager x509) {
                return x509;
            }
        }
        throw new GeneralSecurityException("the JDK has no X.509 trust manager");
    }
}
