package dev.runcmd.control;

import dev.runcmd.control.activity.ActivityContext;
import dev.runcmd.control.activity.ActivityLog;
import dev.runcmd.control.arm.EarlyAnswers;
import dev.runcmd.control.auth.Caller;
import io.quarkus.vertx.http.runtime.filters.Filters;
import io.vertx.core.http.HttpHeaders;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.util.Map;
import java.util.Set;

/**
 * The tests' stand-in for authentication and authorization until they are part of the application: a router filter
 * that takes the caller from the {@value #PRINCIPAL} header (its object id; its name is the id at example.test),
 * leaves what authorization would in the routing context ({@value #ACTION}, {@value #RESOURCE},
 * {@value #PROPERTY} as {@code name=value}), and refuses a request with {@value #REFUSE} (401 or 403) before the
 * REST layer, recording the refusal as authentication will. Requests without these headers pass untouched.
 */
@ApplicationScoped
public class TestCallers {

    static final String PRINCIPAL = "x-test-principal";
    static final String ACTION = "x-test-action";
    static final String RESOURCE = "x-test-resource";
    static final String PROPERTY = "x-test-property";
    static final String REFUSE = "x-test-refuse";

    /** After the request ids (1000), before the rate limit (600), where authentication will run. */
    private static final int PRIORITY = 700;

    private final ActivityLog activityLog;

    TestCallers(ActivityLog activityLog) {
        this.activityLog = activityLog;
    }

    /** The caller the {@value #PRINCIPAL} header names. */
    static Caller caller(String objectId, String clientIp) {
        return new Caller(objectId, objectId + "@example.test", Caller.PrincipalType.User, Set.of(), null, clientIp);
    }

    void register(@Observes Filters filters) {
        filters.register(this::identify, PRIORITY);
    }

    private void identify(RoutingContext context) {
        String principal = context.request().getHeader(PRINCIPAL);
        if (principal != null) {
            context.put(Caller.CONTEXT_KEY, caller(principal, context.request().remoteAddress().hostAddress()));
        }
        String action = context.request().getHeader(ACTION);
        if (action != null) {
            context.put(ActivityContext.ACTION, action);
            context.put(ActivityContext.RESOURCE_ID, context.request().getHeader(RESOURCE));
        }
        String property = context.request().getHeader(PROPERTY);
        if (property != null) {
            String[] nameAndValue = property.split("=", 2);
            context.put(ActivityContext.PROPERTIES, Map.of(nameAndValue[0], nameAndValue[1]));
        }
        String refuse = context.request().getHeader(REFUSE);
        if (refuse == null) {
            context.next();
            return;
        }
        int status = Integer.parseInt(refuse);
        String code = status == 401 ? "AuthenticationFailed" : "AuthorizationFailed";
        activityLog.recordRouterAnswer(context, status, null, null).subscribe().with(recorded ->
                EarlyAnswers.endAndClose(context, context.response().setStatusCode(status)
                        .putHeader(HttpHeaders.CONTENT_TYPE, "application/json"),
                        "{\"error\":{\"code\":\"" + code + "\",\"message\":\"refused by the test\"}}"));
    }
}
