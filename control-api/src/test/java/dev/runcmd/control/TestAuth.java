package dev.runcmd.control;

import io.grpc.CallOptions;
import io.grpc.Channel;
import io.grpc.ClientCall;
import io.grpc.ClientInterceptor;
import io.grpc.ForwardingClientCall;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.quarkus.test.junit.callback.QuarkusTestBeforeEachCallback;
import io.quarkus.test.junit.callback.QuarkusTestMethodContext;
import io.restassured.RestAssured;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The tests' credentials: the owner token the test profile bootstraps ({@code runcmd.auth.bootstrap-owner-token-file},
 * a public test-only value), sent by every RestAssured request unless a test sets its own Authorization header, and
 * attached to gRPC channels by {@link #bearer()}.
 */
public final class TestAuth implements QuarkusTestBeforeEachCallback {

    /** The owner token of the test profile. */
    public static final String OWNER_TOKEN = read();

    /** Makes RestAssured send the owner token by default; a test's own Authorization header replaces it. */
    @Override
    public void beforeEach(QuarkusTestMethodContext context) {
        synchronized (TestAuth.class) {
            if (!installed) {
                RestAssured.filters((request, response, next) -> {
                    if (!request.getHeaders().hasHeaderWithName("Authorization")) {
                        request.header("Authorization", header());
                    }
                    return next.next(request, response);
                });
                installed = true;
            }
        }
    }

    private static boolean installed;

    /** {@code Bearer <owner token>}. */
    public static String header() {
        return "Bearer " + OWNER_TOKEN;
    }

    /** Sends the owner token on every call of a channel. */
    public static ClientInterceptor bearer() {
        return bearer(OWNER_TOKEN);
    }

    /** Sends {@code token} on every call of a channel. */
    public static ClientInterceptor bearer(String token) {
        Metadata.Key<String> key = Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER);
        return new ClientInterceptor() {
            @Override
            public <Q, R> ClientCall<Q, R> interceptCall(MethodDescriptor<Q, R> method, CallOptions options,
                    Channel next) {
                return new ForwardingClientCall.SimpleForwardingClientCall<>(next.newCall(method, options)) {
                    @Override
                    public void start(Listener<R> listener, Metadata headers) {
                        headers.put(key, "Bearer " + token);
                        super.start(listener, headers);
                    }
                };
            }
        };
    }

    private static String read() {
        try {
            return Files.readString(Path.of("src/test/resources/test-owner.token")).strip();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
