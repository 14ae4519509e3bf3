package dev.runcmd.control.activity;

import dev.runcmd.control.auth.Caller;
import io.smallrye.mutiny.Uni;
import java.util.List;

/**
 * Where a caller may perform an action: the activity log shows a caller only the events of resources at or under
 * one of these scopes. Implemented by role-based access control.
 */
public interface ReadableScopes {

    /**
     * The ARM scopes ({@code /subscriptions/s}, {@code /subscriptions/s/resourceGroups/rg}, a resource id, or
     * {@code /} for everything) at or under which {@code caller} may perform {@code action}; empty when nowhere.
     *
     * @param caller the authenticated caller, or null when the request has none
     * @param action an ARM operation such as {@code Microsoft.Insights/eventtypes/values/read}
     */
    Uni<List<String>> scopesAllowing(Caller caller, String action);
}
