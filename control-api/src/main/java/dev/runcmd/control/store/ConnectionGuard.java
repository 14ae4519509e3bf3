package dev.runcmd.control.store;

import io.smallrye.common.vertx.VertxContext;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import org.jboss.logging.Logger;

/**
 * Keeps a request from asking the pool for a second connection while it holds one. A request that does so waits
 * for a connection while keeping one busy; once as many requests do it at once as the pool has connections, each
 * holds one and waits for another that never comes free, and every request fails with an acquisition timeout.
 *
 * <p>{@link Transactions} marks the request's Vert.x (duplicated) context while its Hibernate session holds a
 * connection; {@link Sql} checks the mark before it takes a connection of its own. A nested acquisition fails with
 * {@link IllegalStateException} when {@code runcmd.control.store.nested-connections} is {@code fail} (tests, dev),
 * and is logged as an ERROR with its stack otherwise, so that a missed path is found without failing users.
 */
final class ConnectionGuard {

    private static final Logger LOG = Logger.getLogger(ConnectionGuard.class);

    /** The context-local key of the mark; its value is a short description of what holds the connection. */
    private static final String HELD = "runcmd.store.connection-held";

    private ConnectionGuard() {
    }

    /**
     * Marks the current request as holding a connection for {@code holder}; answers false (and marks nothing)
     * when it already does or runs outside a request's context.
     */
    static boolean hold(String holder) {
        Context context = requestContext();
        if (context == null || context.getLocal(HELD) != null) {
            return false;
        }
        context.putLocal(HELD, holder);
        return true;
    }

    /** Removes the mark set by a {@link #hold} that answered true. */
    static void release() {
        Context context = requestContext();
        if (context != null) {
            context.removeLocal(HELD);
        }
    }

    /**
     * Checks that the current request holds no connection before {@code what} takes one from the pool; see the
     * class comment for what happens when it does.
     */
    static void requireNone(String what, boolean fail) {
        Context context = requestContext();
        Object holder = context == null ? null : context.getLocal(HELD);
        if (holder == null) {
            return;
        }
        IllegalStateException nested = new IllegalStateException("A second database connection was requested ("
                + what + ") while this request holds one (" + holder + "); under load this deadlocks the pool");
        if (fail) {
            throw nested;
        }
        LOG.error("Nested connection acquisition", nested);
    }

    /** The current request's (duplicated) Vert.x context, or null outside one. */
    private static Context requestContext() {
        Context context = Vertx.currentContext();
        return context != null && VertxContext.isDuplicatedContext(context) ? context : null;
    }
}
