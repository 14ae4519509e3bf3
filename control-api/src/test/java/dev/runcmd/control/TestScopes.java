package dev.runcmd.control;

import dev.runcmd.control.activity.ReadableScopes;
import dev.runcmd.control.auth.Caller;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The tests' {@link ReadableScopes} until role-based access control provides the real one: a request without a
 * caller may read everything ({@code /}), as every request could before authentication; a caller may read where
 * a test {@link #grant}ed it (each test uses object ids of its own), else nowhere.
 */
@ApplicationScoped
public class TestScopes implements ReadableScopes {

    private final Map<String, List<String>> grants = new ConcurrentHashMap<>();

    /** Lets the caller with this object id perform any action at or under these scopes. */
    void grant(String objectId, List<String> scopes) {
        grants.put(objectId, List.copyOf(scopes));
    }

    @Override
    public Uni<List<String>> scopesAllowing(Caller caller, String action) {
        return Uni.createFrom().item(caller == null ? List.of("/") : grants.getOrDefault(caller.objectId(), List.of()));
    }
}
