package dev.runcmd.control;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.runcmd.proto.pki.CertificateAuthority;
import dev.runcmd.proto.pki.Csr;
import dev.runcmd.proto.pki.Pem;
import dev.runcmd.proto.pki.ServiceIdentity;
import grpc.health.v1.HealthGrpc;
import grpc.health.v1.HealthOuterClass.HealthCheckRequest;
import grpc.health.v1.HealthOuterClass.HealthCheckResponse;
import io.grpc.Grpc;
import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.TlsChannelCredentials;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.URL;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.Test;

/**
 * The control API served over TLS from certificate files through Quarkus's TLS registry, as the README's production
 * settings configure it: REST and gRPC share the one TLS port, no plain HTTP port is opened, plain HTTP and
 * plaintext gRPC (h2c) on the TLS port get nothing, and a forwarded client address is believed only from a trusted
 * proxy.
 */
@QuarkusTest
@TestProfile(ControlApiTlsTest.Tls.class)
@WithTestResource(EmbeddedPostgresResource.class)
class ControlApiTlsTest {

    /** A route that answers without a credential (health is on the management interface, not on this port). */
    private static final String OPEN_PATH = ClientAddressRoute.PATH;
    private static final String TRUSTED_PROXY = "127.0.0.2";

    @TestHTTPResource(value = "/", tls = true)
    URL https;

    @Test
    void restAnswersOverHttps() throws Exception {
        HttpClient client = HttpClient.newBuilder().sslContext(Tls.clientContext()).build();

        HttpResponse<String> response = client.send(HttpRequest.newBuilder(uri("https", OPEN_PATH)).build(),
                HttpResponse.BodyHandlers.ofString());

        assertEquals(200, response.statusCode(), response.body());
    }

    @Test
    void plainHttpPortIsNotOpened() {
        HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + Tls.PLAIN_PORT + OPEN_PATH))
                .timeout(Duration.ofSeconds(10)).build();

        assertThrows(ConnectException.class,
                () -> HttpClient.newHttpClient().send(request, HttpResponse.BodyHandlers.ofString()));
    }

    @Test
    void plainHttpOnTheTlsPortGetsNoAnswer() {
        HttpRequest request = HttpRequest.newBuilder(uri("http", OPEN_PATH)).timeout(Duration.ofSeconds(10)).build();

        assertThrows(IOException.class,
                () -> HttpClient.newHttpClient().send(request, HttpResponse.BodyHandlers.ofString()));
    }

    @Test
    void grpcOverTlsReachesTheServer() throws Exception {
        ManagedChannel channel = Grpc.newChannelBuilderForAddress("localhost", https.getPort(),
                TlsChannelCredentials.newBuilder().trustManager(Tls.trustManagers().getTrustManagers()).build())
                .build();
        try {
            HealthCheckResponse health = HealthGrpc.newBlockingStub(channel).withDeadlineAfter(10, TimeUnit.SECONDS)
                    .check(HealthCheckRequest.getDefaultInstance());

            assertEquals(HealthCheckResponse.ServingStatus.SERVING, health.getStatus());
        } finally {
            channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
        }
    }

    @Test
    void plaintextGrpcIsRefused() throws InterruptedException {
        ManagedChannel channel = ManagedChannelBuilder.forAddress("localhost", https.getPort()).usePlaintext().build();
        try {
            StatusRuntimeException refused = assertThrows(StatusRuntimeException.class,
                    () -> HealthGrpc.newBlockingStub(channel).withDeadlineAfter(10, TimeUnit.SECONDS)
                            .check(HealthCheckRequest.getDefaultInstance()));

            assertEquals(Status.Code.UNAVAILABLE, refused.getStatus().getCode(), refused.getStatus().toString());
        } finally {
            channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
        }
    }

    @Test
    void forwardedClientAddressIsBelievedOnlyFromATrustedProxy() throws IOException {
        Map<String, String> forwardedFor = Map.of("X-Forwarded-For", "203.0.113.7");

        assertEquals("203.0.113.7", clientAddress(TRUSTED_PROXY, forwardedFor));
        assertEquals("198.51.100.9", clientAddress(TRUSTED_PROXY, Map.of("Forwarded", "for=198.51.100.9")));
        assertEquals(TRUSTED_PROXY, clientAddress(TRUSTED_PROXY, Map.of()));
        assertEquals("127.0.0.3", clientAddress("127.0.0.3", forwardedFor));
    }

    private String clientAddress(String sourceIp, Map<String, String> headers) throws IOException {
        try (BoundClient client = BoundClient.https(sourceIp, https.getPort(), Tls.clientContext())) {
            BoundClient.Response response = client.get(ClientAddressRoute.PATH, headers);
            assertEquals(200, response.status(), response.body());
            return response.body();
        }
    }

    private URI uri(String scheme, String path) {
        return URI.create(scheme + "://localhost:" + https.getPort() + path);
    }

    /**
     * TLS from a certificate chain and key file (a server certificate for localhost and 127.0.0.1 from a test CA),
     * plain HTTP off, and forwarded addresses believed from 127.0.0.2 only: the settings of the README.
     */
    public static final class Tls implements QuarkusTestProfile {

        static final CertificateAuthority CA = CertificateAuthority.create("test CA", Duration.ofDays(1));
        /** The plain HTTP port the app would open if plain HTTP were not disabled. */
        static final int PLAIN_PORT = freePort();

        @Override
        public Map<String, String> getConfigOverrides() {
            KeyPair keys = Csr.newKeyPair();
            X509Certificate server = CA.issueService(keys.getPublic(), ServiceIdentity.CONTROL_API,
                    List.of("localhost", "127.0.0.1"), Duration.ofHours(1));
            try {
                Path dir = Files.createTempDirectory("runcmd-control-tls");
                dir.toFile().deleteOnExit();
                return Map.of(
                        "quarkus.tls.key-store.pem.server.cert", write(dir, "tls.crt",
                                Pem.certificates(List.of(server, CA.certificate()))),
                        "quarkus.tls.key-store.pem.server.key",
                        write(dir, "tls.key", Pem.privateKey(keys.getPrivate())),
                        "quarkus.http.insecure-requests", "disabled",
                        "quarkus.http.test-port", Integer.toString(PLAIN_PORT),
                        "quarkus.http.test-ssl-port", "0",
                        "quarkus.http.proxy.proxy-address-forwarding", "true",
                        "quarkus.http.proxy.allow-x-forwarded", "true",
                        "quarkus.http.proxy.allow-forwarded", "true",
                        "quarkus.http.proxy.trusted-proxies", TRUSTED_PROXY);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        static TrustManagerFactory trustManagers() throws Exception {
            KeyStore trusted = KeyStore.getInstance(KeyStore.getDefaultType());
            trusted.load(null, null);
            trusted.setCertificateEntry("test-ca", CA.certificate());
            TrustManagerFactory factory = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            factory.init(trusted);
            return factory;
        }

        static SSLContext clientContext() throws IOException {
            try {
                SSLContext context = SSLContext.getInstance("TLS");
                context.init(null, trustManagers().getTrustManagers(), null);
                return context;
            } catch (Exception e) {
                throw new IOException("cannot build the client's TLS context", e);
            }
        }

        private static int freePort() {
            try (ServerSocket socket = new ServerSocket(0, 0, InetAddress.getLoopbackAddress())) {
                return socket.getLocalPort();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        private static String write(Path dir, String name, String pem) throws IOException {
            Path file = Files.writeString(dir.resolve(name), pem);
            file.toFile().deleteOnExit();
            return file.toString();
        }
    }
}
