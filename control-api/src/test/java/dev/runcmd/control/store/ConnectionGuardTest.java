package dev.runcmd.control.store;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.smallrye.common.vertx.VertxContext;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The guard on real Vert.x contexts: a request's (duplicated) context is marked while it holds a connection. */
class ConnectionGuardTest {

    private final Vertx vertx = Vertx.vertx();

    @AfterEach
    void closeVertx() {
        vertx.close().toCompletionStage().toCompletableFuture().orTimeout(5, TimeUnit.SECONDS).join();
    }

    @Test
    void aSecondConnectionWhileOneIsHeldFails() throws Exception {
        onRequestContext(() -> {
            assertTrue(ConnectionGuard.hold("a snapshot read"));
            IllegalStateException nested = assertThrows(IllegalStateException.class,
                    () -> ConnectionGuard.requireNone("select 1", true));
            assertTrue(nested.getMessage().contains("(select 1) while this request holds one (a snapshot read)"),
                    nested.getMessage());
        });
    }

    @Test
    void afterTheReleaseAConnectionMayBeTaken() throws Exception {
        onRequestContext(() -> {
            assertTrue(ConnectionGuard.hold("a write transaction"));
            ConnectionGuard.release();
            assertDoesNotThrow(() -> ConnectionGuard.requireNone("select 1", true));
        });
    }

    @Test
    void aNestedUnitJoinsTheHeldOneAndMarksNothing() throws Exception {
        onRequestContext(() -> {
            assertTrue(ConnectionGuard.hold("a write transaction"));
            assertFalse(ConnectionGuard.hold("a session"));
        });
    }

    @Test
    void inLogModeTheNestedAcquisitionGoesOn() throws Exception {
        onRequestContext(() -> {
            assertTrue(ConnectionGuard.hold("a session"));
            assertDoesNotThrow(() -> ConnectionGuard.requireNone("select 1", false));
        });
    }

    @Test
    void anotherRequestIsNotAffected() throws Exception {
        onRequestContext(() -> assertTrue(ConnectionGuard.hold("a session")));
        onRequestContext(() -> assertDoesNotThrow(() -> ConnectionGuard.requireNone("select 1", true)));
    }

    /** Runs {@code check} on a new duplicated context, as Quarkus runs each request. */
    private void onRequestContext(Runnable check) throws Exception {
        Context request = VertxContext.createNewDuplicatedContext(vertx.getOrCreateContext());
        CompletableFuture<Void> done = new CompletableFuture<>();
        request.runOnContext(ignored -> {
            try {
                check.run();
                done.complete(null);
            } catch (Throwable failure) {
                done.completeExceptionally(failure);
            }
        });
        done.get(5, TimeUnit.SECONDS);
    }
}
