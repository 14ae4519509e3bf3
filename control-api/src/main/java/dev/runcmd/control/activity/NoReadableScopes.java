package dev.runcmd.control.activity;

import dev.runcmd.control.auth.Caller;
import io.quarkus.arc.DefaultBean;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.List;

/**
 * Grants nothing: the {@link ReadableScopes} in force until role-based access control provides its own, so that an
 * application without it shows nobody any event (every query is answered 403) rather than everyone every event.
 */
@DefaultBean
@ApplicationScoped
public class NoReadableScopes implements ReadableScopes {

    @Override
    public Uni<List<String>> scopesAllowing(Caller caller, String action) {
        return Uni.createFrom().item(List.of());
    }
}
