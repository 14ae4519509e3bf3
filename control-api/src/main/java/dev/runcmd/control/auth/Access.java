package dev.runcmd.control.auth;

import dev.runcmd.control.activity.ActivityContext;
import dev.runcmd.control.activity.ReadableScopes;
import dev.runcmd.control.arm.ArmException;
import io.smallrye.mutiny.Uni;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.List;
import java.util.TreeSet;
import java.util.function.Predicate;

/**
 * Role-based access control as Azure does it: a caller may perform an action on a resource when one of the role
 * assignments naming it (or one of its groups) grants the action at a scope that covers the resource. A
 * principal's assignments are remembered for {@code runcmd.auth.cache-ttl}; a change through this replica
 * ({@link #changed()}) takes effect at once.
 */
@ApplicationScoped
public class Access implements ReadableScopes {

    /** Where REST requests leave the action they were authorized for, for the activity log. */
    public static final String ACTION_KEY = ActivityContext.ACTION;
    /** Where REST requests leave the resource they were authorized on, for the activity log. */
    public static final String RESOURCE_KEY = ActivityContext.RESOURCE_ID;

    private final AccessStore store;
    private final Authenticator authenticator;
    private final ExpiringCache<String, List<RoleAssignment>> assignments;
    private final long ttlNanos;

    Access(AccessStore store, Authenticator authenticator, AuthConfig config) {
        this.store = store;
        this.authenticator = authenticator;
        this.assignments = new ExpiringCache<>(config.cacheSize(), System::nanoTime);
        this.ttlNanos = config.cacheTtl().toNanos();
    }

    /**
     * Completes when the REST request's caller may perform {@code action} on {@code resourceId}, and records both
     * for the activity log; fails with 403 AuthorizationFailed otherwise.
     */
    public Uni<Void> require(RoutingContext http, String action, String resourceId) {
        http.put(ACTION_KEY, action);
        http.put(RESOURCE_KEY, resourceId);
        return require(callerOf(http), action, resourceId);
    }

    /**
     * Completes when the gRPC call's caller may perform {@code action} on {@code resourceId}, and records both for
     * the activity log; fails with 403 AuthorizationFailed (PERMISSION_DENIED) otherwise.
     */
    public Uni<Void> require(GrpcCall call, String action, String resourceId) {
        call.authorizing(action, resourceId);
        return require(call.caller(), action, resourceId);
    }

    /** Completes when {@code caller} may perform {@code action} on {@code resourceId}; else 403 AuthorizationFailed. */
    public Uni<Void> require(Caller caller, String action, String resourceId) {
        return permits(caller, action, resourceId).map(allowed -> {
            if (!allowed) {
                throw denied(caller, action, resourceId);
            }
            return null;
        });
    }

    /** Whether {@code caller} may perform {@code action} on {@code resourceId}. */
    public Uni<Boolean> permits(Caller caller, String action, String resourceId) {
        return checker(caller, action).map(check -> check.test(resourceId));
    }

    /** A test of the resources {@code caller} may perform {@code action} on: what lists are filtered with. */
    public Uni<Predicate<String>> checker(Caller caller, String action) {
        return assignmentsOf(caller).map(held -> resourceId -> held.stream()
                .anyMatch(assignment -> assignment.permits(action, resourceId)));
    }

    /**
     * The scopes at and under which {@code caller} may perform {@code action} ({@code /} for everything), for
     * queries that filter in SQL.
     */
    @Override
    public Uni<List<String>> scopesAllowing(Caller caller, String action) {
        if (caller == null) {
            return Uni.createFrom().item(List.of());
        }
        return assignmentsOf(caller).map(held -> held.stream()
                .filter(assignment -> assignment.role().permits(action))
                .map(RoleAssignment::scope)
                .distinct()
                .toList());
    }

    /** Forgets remembered assignments and tokens: a role assignment or token changed through this replica. */
    public void changed() {
        assignments.clear();
        authenticator.forgetAll();
    }

    /** The verified caller of a REST request (the authentication filter ran before any resource method). */
    public static Caller callerOf(RoutingContext http) {
        Caller caller = Caller.of(http);
        if (caller == null) {
            throw new IllegalStateException("no verified caller on " + http.normalizedPath());
        }
        return caller;
    }

    /** Azure's 403 AuthorizationFailed, word for word. */
    public static ArmException denied(Caller caller, String action, String scope) {
        return new ArmException(403, "AuthorizationFailed", "The client '" + caller.name() + "' with object id '"
                + caller.objectId() + "' does not have authorization to perform action '" + action + "' over scope '"
                + scope + "' or the scope is invalid. If access was recently granted, please refresh your "
                + "credentials.");
    }

    private Uni<List<RoleAssignment>> assignmentsOf(Caller caller) {
        String key = caller.objectId() + "|" + String.join("|", new TreeSet<>(caller.groups()));
        List<RoleAssignment> known = assignments.get(key);
        if (known != null) {
            return Uni.createFrom().item(known);
        }
        return store.assignmentsOf(caller.principalIds()).invoke(found -> assignments.put(key, found, ttlNanos));
    }
}
