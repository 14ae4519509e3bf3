package dev.runcmd.agent.admin;

import dev.runcmd.agent.AgentConfig;
import dev.runcmd.agent.ConfigException;
import dev.runcmd.agent.identity.ClientTls;
import dev.runcmd.agent.identity.Identity;
import dev.runcmd.agent.identity.IdentityException;
import dev.runcmd.agent.identity.IdentityStore;
import dev.runcmd.agent.transport.Session;
import dev.runcmd.proto.agent.v1.AgentMessage;
import dev.runcmd.proto.agent.v1.AgentServiceGrpc;
import dev.runcmd.proto.agent.v1.GatewayMessage;
import io.grpc.ConnectivityState;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.stub.StreamObserver;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import javax.net.ssl.SSLException;

/**
 * {@code runcmd-agent check [-o json]}: for every configured gateway, the name resolved, a TCP connection, and a
 * TLS 1.3 handshake with the machine's certificate carrying one {@code AgentService.Connect} stream, which the
 * gateway refuses at once (UNAUTHENTICATED, PERMISSION_DENIED) when it does not accept the certificate. The stream is
 * half-closed without a Hello, so the running daemon's session is left alone (the machine's enrollment being
 * current is checked by the gateway at Hello, which is not sent). Then the certificate's remaining time and the
 * policy file. Exit code 0 when every check passed, 1 otherwise.
 */
final class Check {
    /** How long each network step may take. */
    static final Duration TIMEOUT = Duration.ofSeconds(5);
    /** How long an accepted stream is watched for a refusal. */
    static final Duration REFUSAL_WAIT = Duration.ofSeconds(2);
    /**
     * Less than this part of the certificate's lifetime left is a warning: the running agent renews at two thirds,
     * so a renewal is overdue (the agent was off, or the gateways refuse to renew).
     */
    static final int WARN_FRACTION = 4;

    private final Admin admin;
    private final AdminArguments arguments;

    Check(Admin admin, AdminArguments arguments) {
        this.admin = admin;
        this.arguments = arguments;
    }

    /** One check's outcome: {@code ok}, what was found or the precise error. */
    private record Result(String name, boolean ok, String detail) {
        Map<String, Object> json() {
            Map<String, Object> map = new LinkedHashMap<>();
            map.put("check", name);
            map.put("ok", ok);
            map.put("detail", detail);
            return map;
        }
    }

    int run() throws InterruptedException {
        List<Result> results = new ArrayList<>();
        AgentConfig config;
        try {
            config = admin.config(arguments, null);
            results.add(new Result("config", true, "read"));
            results.add(new Result("policy", true, config.policyFile()
                    .map(file -> file + ": " + config.policy().summary()).orElse("no policy file: everything allowed")));
        } catch (ConfigException e) {
            results.add(new Result("config", false, e.getMessage()));
            return print(results);
        }
        Optional<Identity> identity = identity(config, results);
        if (identity.isPresent()) {
            for (String gateway : config.gateways()) {
                results.add(gateway(gateway, identity.get()));
            }
        }
        return print(results);
    }

    private Optional<Identity> identity(AgentConfig config, List<Result> results) {
        try {
            Optional<Identity> identity = new IdentityStore(config.identityDir()).load();
            if (identity.isEmpty()) {
                results.add(new Result("identity", false, "no identity in " + config.identityDir()
                        + ": run 'runcmd-agent connect --join-token @FILE ...'"));
                return identity;
            }
            Duration left = Duration.between(Instant.now(), identity.get().notAfter());
            Duration lifetime = Duration.between(identity.get().certificate().getNotBefore().toInstant(),
                    identity.get().notAfter());
            boolean ok = !left.isNegative() && left.compareTo(lifetime.dividedBy(WARN_FRACTION)) >= 0;
            results.add(new Result("certificate", !left.isNegative(), (left.isNegative() ? "EXPIRED at "
                    : ok ? "valid until " : "WARNING: renewal overdue, ends at ") + identity.get().notAfter() + " ("
                    + left.toHours() / 24 + " days " + left.toHours() % 24 + " h left; the running agent renews it)"));
            return identity;
        } catch (IOException | IdentityException e) {
            results.add(new Result("identity", false, config.identityDir() + " is unusable: " + e.getMessage()));
            return Optional.empty();
        }
    }

    /** Resolve, TCP connect, TLS with the machine's certificate and an accepted stream, timed. */
    private Result gateway(String gateway, Identity identity) throws InterruptedException {
        String name = "gateway " + gateway;
        int colon = gateway.lastIndexOf(':');
        String host = gateway.substring(0, colon).replace("[", "").replace("]", "");
        int port = Integer.parseInt(gateway.substring(colon + 1));
        long start = System.nanoTime();
        InetAddress address;
        try {
            address = InetAddress.getByName(host);
        } catch (IOException e) {
            return new Result(name, false, "cannot resolve " + host + ": " + e.getMessage());
        }
        long resolved = System.nanoTime();
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(address, port), (int) TIMEOUT.toMillis());
        } catch (IOException e) {
            return new Result(name, false, "TCP connect to " + address.getHostAddress() + ":" + port + " failed: "
                    + e.getMessage());
        }
        long connected = System.nanoTime();
        Stream stream = stream(gateway, identity);
        if (stream.failure() != null) {
            return new Result(name, false, stream.failure());
        }
        return new Result(name, true, "resolved " + address.getHostAddress() + " in " + millis(start, resolved)
                + " ms, TCP " + millis(resolved, connected) + " ms, TLS 1.3 with the machine certificate "
                + TimeUnit.NANOSECONDS.toMillis(stream.handshakeNanos()) + " ms; AgentService.Connect accepted (not refused"
                + " within " + REFUSAL_WAIT.toSeconds() + " s)");
    }

    /**
     * A Connect stream's outcome: why it failed (null when the gateway accepted it) and the time from the call's
     * start to a ready connection (TCP and the TLS handshake).
     */
    private record Stream(String failure, long handshakeNanos) {}

    /** Opens a Connect stream as the machine and half-closes it without a Hello. */
    private static Stream stream(String gateway, Identity identity) throws InterruptedException {
        ManagedChannel channel;
        try {
            channel = NettyChannelBuilder.forTarget(gateway).sslContext(new ClientTls(identity).context()).build();
        } catch (SSLException e) {
            return new Stream("TLS 1.3 is not available: " + e.getMessage(), 0);
        }
        CompletableFuture<Status> ended = new CompletableFuture<>();
        CompletableFuture<Boolean> answered = new CompletableFuture<>();
        try {
            StreamObserver<AgentMessage> requests = AgentServiceGrpc.newStub(channel)
                    .withDeadlineAfter(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)
                    .connect(new StreamObserver<>() {
                        @Override
                        public void onNext(GatewayMessage message) {
                            answered.complete(true);
                        }

                        @Override
                        public void onError(Throwable failure) {
                            ended.complete(Status.fromThrowable(failure));
                        }

                        @Override
                        public void onCompleted() {
                            ended.complete(Status.OK);
                        }
                    });
            long begin = System.nanoTime();
            awaitReady(channel, ended);
            long handshake = System.nanoTime() - begin;
            Status status;
            try {
                status = ended.get(REFUSAL_WAIT.toMillis(), TimeUnit.MILLISECONDS);
            } catch (TimeoutException e) {
                status = null;
            } catch (ExecutionException e) {
                status = Status.fromThrowable(e.getCause());
            }
            requests.onCompleted();
            if (status == null || status.isOk() || answered.isDone()
                    || status.getCode() == Status.Code.DEADLINE_EXCEEDED && channelReady(channel)) {
                return new Stream(null, handshake);
            }
            return new Stream("AgentService.Connect failed: " + Session.describe(status), handshake);
        } finally {
            channel.shutdownNow();
            channel.awaitTermination(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        }
    }

    /** Waits (at most {@link #TIMEOUT}) until the channel is READY, its TLS handshake done, or the call ended. */
    private static void awaitReady(ManagedChannel channel, CompletableFuture<Status> ended)
            throws InterruptedException {
        long deadline = System.nanoTime() + TIMEOUT.toNanos();
        while (!channelReady(channel) && !ended.isDone() && System.nanoTime() < deadline) {
            CountDownLatch next = new CountDownLatch(1);
            channel.notifyWhenStateChanged(channel.getState(false), next::countDown);
            next.await(Math.min(50, TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime()) + 1),
                    TimeUnit.MILLISECONDS);
        }
    }

    private static boolean channelReady(ManagedChannel channel) {
        return channel.getState(false) == ConnectivityState.READY;
    }

    private static long millis(long from, long to) {
        return TimeUnit.NANOSECONDS.toMillis(to - from);
    }

    private int print(List<Result> results) {
        boolean ok = results.stream().allMatch(Result::ok);
        if (arguments.json()) {
            Map<String, Object> report = new LinkedHashMap<>();
            report.put("ok", ok);
            report.put("checks", results.stream().map(Result::json).toList());
            admin.out().print(Json.write(report));
        } else {
            for (Result result : results) {
                admin.out().println((result.ok() ? "ok     " : "FAILED ") + result.name() + ": " + result.detail());
            }
            admin.out().println(ok ? "All checks passed." : "Some checks failed.");
        }
        return ok ? Admin.OK : Admin.FAILED;
    }
}
