package dev.runcmd.control.auth;

import io.smallrye.mutiny.Uni;
import io.vertx.ext.web.RoutingContext;
import jakarta.ws.rs.Priorities;
import jakarta.ws.rs.container.ResourceInfo;
import jakarta.ws.rs.core.UriInfo;
import java.lang.reflect.Method;
import org.jboss.logging.Logger;
import org.jboss.resteasy.reactive.server.ServerRequestFilter;

/**
 * Checks a REST method's {@link Authorize} before it runs, after the path matched and the api-version was checked:
 * 403 AuthorizationFailed when no role assignment of the caller grants the action at a scope covering the resource.
 * A method with neither {@link Authorize} nor {@link AuthorizedInside} is refused: access is never granted by
 * omission.
 */
public final class AuthorizationFilter {

    private static final Logger LOG = Logger.getLogger(AuthorizationFilter.class);

    private final Access access;

    AuthorizationFilter(Access access) {
        this.access = access;
    }

    /** Completes when the caller may call the matched method; fails with 403 otherwise. */
    @ServerRequestFilter(priority = Priorities.USER + 100)
    public Uni<Void> authorize(ResourceInfo resource, UriInfo uri, RoutingContext http) {
        Method method = resource.getResourceMethod();
        if (method == null || method.isAnnotationPresent(AuthorizedInside.class)) {
            return Uni.createFrom().voidItem();
        }
        Authorize rule = method.getAnnotation(Authorize.class);
        if (rule == null) {
            LOG.errorf("%s.%s has no authorization rule; refused", method.getDeclaringClass().getSimpleName(),
                    method.getName());
            return Uni.createFrom().failure(Access.denied(Access.callerOf(http), "unknown", uri.getPath()));
        }
        return access.require(http, rule.value(), resourceOf(uri.getPath(), rule.up()));
    }

    /** The path without a trailing slash and without its last {@code up} segments. */
    static String resourceOf(String path, int up) {
        String resource = path.endsWith("/") && path.length() > 1 ? path.substring(0, path.length() - 1) : path;
        for (int i = 0; i < up; i++) {
            resource = resource.substring(0, Math.max(resource.lastIndexOf('/'), 1));
        }
        return resource;
    }
}
