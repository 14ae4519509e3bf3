package dev.runcmd.agent;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.runcmd.agent.identity.Bootstrap;
import dev.runcmd.agent.identity.Enrollment;
import dev.runcmd.agent.identity.Identity;
import dev.runcmd.agent.identity.IdentityException;
import dev.runcmd.agent.identity.IdentityStore;
import dev.runcmd.proto.agent.v1.AgentMessage;
import dev.runcmd.proto.agent.v1.EnrollRequest;
import dev.runcmd.proto.pki.CertificateAuthority;
import dev.runcmd.proto.pki.JoinToken;
import dev.runcmd.proto.pki.MachineIdentity;
import dev.runcmd.proto.pki.Pem;
import io.grpc.Server;
import io.grpc.Status;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.interfaces.ECPrivateKey;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Enrollment over real TLS 1.3 on loopback: a join token and a CSR become the machine's key, certificate and CA
 * bundle in the identity directory, readable by the agent's user only; a gateway of another CA never sees the
 * request; refusals end the start with the gateway's words; a stored identity is used, and an expired one or one
 * of another machine is not.
 */
class EnrollmentTest {
    private static final String MACHINE = "m-1";

    @TempDir
    Path workDir;
    @TempDir
    Path scratch;
    private final TestPki pki = new TestPki();
    private final FakeGateway gateway = new FakeGateway();
    private final PeerCertificates peers = new PeerCertificates();
    private Server server;
    private LogRecorder log;
    private Process agent;

    @BeforeEach
    void startGateway() throws IOException {
        gateway.issueFrom(pki.ca, Duration.ofHours(1));
        server = pki.startGateway(gateway, peers);
        log = LogRecorder.start();
    }

    @AfterEach
    void stopAll() throws InterruptedException {
        if (agent != null) {
            agent.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        }
        log.close();
        server.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    }

    @Test
    void enrollmentStoresKeyCertificateAndCaForTheAgentAlone() throws Exception {
        JoinToken token = pki.token();

        Identity identity = bootstrap(Optional.of(token), List.of(address()));

        EnrollRequest request = gateway.enrollments().get(0);
        assertEquals(TestPki.machine(MACHINE), request.getMachine());
        assertEquals(token.text(), request.getJoinToken());
        assertEquals(List.of("ca.pem", "cert.pem", "key.pem"), names(identityDir()), "nothing else, no temporary file");
        assertEquals("rwx------", mode(identityDir()));
        assertEquals("rw-------", mode(identityDir().resolve("key.pem")));
        assertArrayEquals(identity.key().getEncoded(),
                Pem.parsePrivateKey(read("key.pem")).getEncoded());
        assertEquals(List.of(identity.certificate()), Pem.parseCertificates(read("cert.pem")));
        assertEquals(List.of(pki.ca.certificate()), Pem.parseCertificates(read("ca.pem")));
        MachineIdentity machine = MachineIdentity.of(identity.certificate()).orElseThrow();
        assertEquals("sub-1/rg-1/m-1", machine.describe());
        assertEquals(identity.certificate(), new IdentityStore(identityDir()).load().orElseThrow().certificate());
    }

    @Test
    void theKeyAndTheTokenSecretAppearNowhereElse() throws Exception {
        JoinToken token = pki.token();

        Identity identity = bootstrap(Optional.of(token), List.of(address()));

        String keyPem = Files.readString(identityDir().resolve("key.pem"));
        String keyBody = keyPem.lines().filter(line -> !line.startsWith("-----")).reduce("", String::concat);
        String scalar = String.format("%064x", ((ECPrivateKey) identity.key()).getS());
        String requestHex = HexFormat.of().formatHex(gateway.enrollments().get(0).toByteArray());
        assertFalse(requestHex.contains(scalar), "the private key is not in the Enroll request");
        for (Path file : files(workDir)) {
            if (!file.equals(identityDir().resolve("key.pem"))) {
                String text = Files.readString(file, StandardCharsets.ISO_8859_1);
                assertFalse(text.replace("\n", "").contains(keyBody.substring(0, 40)), file + " holds the key");
            }
        }
        assertTrue(log.text().contains("Enrolled machine sub-1/rg-1/m-1"), log.text());
        assertFalse(log.text().contains(keyBody.substring(0, 40)), "the key is not logged");
        assertFalse(log.text().contains(token.secret()), "the token's secret is not logged");
    }

    @Test
    void aTokenOfAnotherCaIsRefusedBeforeAnyEnrollReachesTheGateway() throws Exception {
        JoinToken foreign = JoinToken.generate(
                CertificateAuthority.create("another CA", Duration.ofDays(1)).publicKeyHash());

        IdentityException e = assertThrows(IdentityException.class,
                () -> bootstrap(Optional.of(foreign), List.of(address())));

        assertTrue(e.getMessage().startsWith("cannot enroll at gateway " + address() + ": "), e.getMessage());
        assertTrue(e.getMessage().endsWith("not the control plane the token was made for"), e.getMessage());
        assertEquals(List.of(), peers.calls(), "no call reached the gateway");
        assertEquals(List.of(), gateway.enrollments());
        assertFalse(Files.exists(identityDir()));
    }

    @Test
    void aRefusedEnrollmentEndsWithTheGatewaysDescription() throws Exception {
        gateway.refuseEnrollments(Status.UNAUTHENTICATED.withDescription("join token is unknown, spent or expired"));

        IdentityException e = assertThrows(IdentityException.class,
                () -> bootstrap(Optional.of(pki.token()), List.of(address())));

        assertEquals("enrollment refused by gateway " + address()
                + ": UNAUTHENTICATED: join token is unknown, spent or expired", e.getMessage());
        assertEquals(1, gateway.enrollments().size(), "a refusal is not retried");
        assertFalse(Files.exists(identityDir().resolve("key.pem")));
    }

    @Test
    void anUnreachableGatewayIsPassedOverForTheNext() throws Exception {
        String closed = "127.0.0.1:" + closedPort();

        Identity identity = bootstrap(Optional.of(pki.token()), List.of(closed, address()));

        assertEquals(1, gateway.enrollments().size());
        assertEquals(identity.certificate(), new IdentityStore(identityDir()).load().orElseThrow().certificate());
        assertTrue(log.text().contains("Enrollment at gateway " + closed + " failed (UNAVAILABLE"), log.text());
    }

    @Test
    void aValidIdentityIsUsedAndTheJoinTokenIgnored() throws Exception {
        Identity stored = pki.storeIdentity(identityDir(), MACHINE, Duration.ofHours(1));

        Identity identity = bootstrap(Optional.of(pki.token()), List.of(address()));

        assertEquals(stored.certificate(), identity.certificate());
        assertEquals(List.of(), gateway.enrollments());
        assertTrue(log.text().contains("The join token is ignored: machine sub-1/rg-1/m-1 is enrolled already"),
                log.text());
    }

    @Test
    void anExpiredCertificateWithoutATokenAsksForANewOne() throws Exception {
        Identity stored = pki.storeIdentity(identityDir(), MACHINE, Duration.ofMinutes(-1));

        IdentityException e = assertThrows(IdentityException.class,
                () -> bootstrap(Optional.empty(), List.of(address())));

        assertEquals("certificate expired at " + stored.notAfter() + "; enroll again with a new join token"
                + " (--join-token, or RUNCMD_JOIN_TOKEN)", e.getMessage());
    }

    @Test
    void anExpiredCertificateIsReplacedByEnrollingWithTheToken() throws Exception {
        Identity stored = pki.storeIdentity(identityDir(), MACHINE, Duration.ofMinutes(-1));

        Identity identity = bootstrap(Optional.of(pki.token()), List.of(address()));

        assertEquals(1, gateway.enrollments().size());
        assertNotEquals(stored.certificate(), identity.certificate());
        assertEquals(identity.certificate(), new IdentityStore(identityDir()).load().orElseThrow().certificate());
    }

    @Test
    void anotherMachinesIdentityIsNotUsed() throws Exception {
        pki.storeIdentity(identityDir(), "other-machine", Duration.ofHours(1));

        IdentityException e = assertThrows(IdentityException.class,
                () -> bootstrap(Optional.of(pki.token()), List.of(address())));

        assertTrue(e.getMessage().startsWith("the identity in " + identityDir()
                + " is machine sub-1/rg-1/other-machine, but this agent is configured as sub-1/rg-1/m-1"), e.getMessage());
        assertEquals(List.of(), gateway.enrollments());
    }

    @Test
    void mainWithoutIdentityOrTokenExitsWithCode1AndSaysHowToEnroll() throws Exception {
        agent = javaMain(Map.of(), "--gateway", address(), "--work-dir", workDir.toString());

        assertTrue(agent.waitFor(20, TimeUnit.SECONDS));
        String stderr = Files.readString(agentLog());
        assertEquals(1, agent.exitValue(), stderr);
        assertTrue(stderr.startsWith("runcmd-agent: no identity in " + identityDir() + ": enroll with --join-token"),
                stderr);
        assertEquals(List.of(), peers.calls());
    }

    @Test
    void mainEnrollsWithTheTokenFromTheEnvironmentThenConnectsWithTheNewCertificate() throws Exception {
        JoinToken token = pki.token();

        agent = javaMain(Map.of("RUNCMD_JOIN_TOKEN", token.text()), "--gateway", address(), "--work-dir",
                workDir.toString());

        gateway.await(AgentMessage::hasHello, Duration.ofSeconds(20));
        Identity stored = new IdentityStore(identityDir()).load().orElseThrow();
        assertEquals(1, gateway.enrollments().size());
        assertEquals(java.util.Arrays.asList(null, stored.certificate()), peers.calls(),
                "Enroll without a client certificate, Connect with the enrolled one");
        String agentLog = Files.readString(agentLog());
        assertTrue(agentLog.contains("Enrolled machine sub-1/rg-1/m-1"), agentLog);
        assertFalse(agentLog.contains(token.secret()), "the token's secret is not logged");
    }

    private Identity bootstrap(Optional<JoinToken> token, List<String> gateways) throws Exception {
        return Bootstrap.identity(new IdentityStore(identityDir()), token, TestPki.machine(MACHINE),
                new Enrollment(gateways));
    }

    private Path identityDir() {
        return workDir.resolve("identity");
    }

    private String address() {
        return "127.0.0.1:" + server.getPort();
    }

    /** A child JVM running the agent as machine m-1, with {@code env} added to its environment. */
    private Process javaMain(Map<String, String> env, String... args) throws IOException {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        List<String> command = new ArrayList<>(List.of(java, "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-cp",
                System.getProperty("java.class.path"), Main.class.getName(), "--machine-name", MACHINE,
                "--subscription-id", TestPki.SUBSCRIPTION, "--resource-group", TestPki.RESOURCE_GROUP,
                "--stop-mode", "cancel"));
        command.addAll(List.of(args));
        ProcessBuilder builder = new ProcessBuilder(command)
                .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")))
                .redirectErrorStream(true)
                .redirectOutput(agentLog().toFile());
        builder.environment().keySet().removeIf(name -> name.startsWith("RUNCMD_"));
        builder.environment().putAll(env);
        return builder.start();
    }

    private String read(String identityFile) throws IOException {
        return Files.readString(identityDir().resolve(identityFile));
    }

    private Path agentLog() {
        return scratch.resolve("agent.log");
    }

    private static int closedPort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }

    private static List<String> names(Path dir) throws IOException {
        try (Stream<Path> entries = Files.list(dir)) {
            return entries.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    private static List<Path> files(Path dir) throws IOException {
        try (Stream<Path> entries = Files.walk(dir)) {
            return entries.filter(Files::isRegularFile).toList();
        }
    }

    private static String mode(Path path) throws IOException {
        return PosixFilePermissions.toString(Files.getPosixFilePermissions(path));
    }
}
