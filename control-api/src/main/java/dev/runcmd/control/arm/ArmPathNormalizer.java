package dev.runcmd.control.arm;

import jakarta.ws.rs.container.ContainerRequestContext;
import java.net.URI;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jboss.resteasy.reactive.server.ServerRequestFilter;

/**
 * Rewrites the fixed segments of ARM paths to their canonical spelling before resource matching, because ARM
 * treats them case-insensitively ({@code resourcegroups}, {@code microsoft.hybridcompute}, {@code runcommands},
 * {@code jointokens}, {@code operationstatuses}, {@code operationresults}, and the activity log's
 * {@code microsoft.insights/eventtypes/management/values}).
 * Names chosen by users (subscription, resource group, machine, run command, token id) are left exactly as sent.
 */
public final class ArmPathNormalizer {

    private static final Pattern ARM_PATH = Pattern.compile(
            "(?i)/subscriptions/([^/]+)/resourcegroups/([^/]+)/providers/microsoft\\.hybridcompute/machines"
                    + "(?:(/[^/]+)(?:(/runcommands)(/.*)?)?)?(/?)");
    private static final Pattern JOIN_TOKEN_PATH = Pattern.compile(
            "(?i)/subscriptions/([^/]+)/resourcegroups/([^/]+)/providers/microsoft\\.hybridcompute/jointokens"
                    + "(/[^/]+)?(/?)");
    private static final Pattern OPERATION_PATH = Pattern.compile(
            "(?i)/subscriptions/([^/]+)/providers/microsoft\\.hybridcompute/locations/([^/]+)"
                    + "/(operationstatuses|operationresults)(/.*)?");
    private static final Pattern ACTIVITY_LOG_PATH = Pattern.compile(
            "(?i)/subscriptions/([^/]+)/providers/microsoft\\.insights/eventtypes/management/values(/?)");

    /** Replaces the request URI when its fixed segments differ from the canonical spelling. */
    @ServerRequestFilter(preMatching = true)
    public void normalize(ContainerRequestContext context) {
        URI uri = context.getUriInfo().getRequestUri();
        String raw = uri.getRawPath();
        String canonical = canonical(raw);
        if (!canonical.equals(raw)) {
            String query = uri.getRawQuery() == null ? "" : "?" + uri.getRawQuery();
            context.setRequestUri(URI.create(uri.getScheme() + "://" + uri.getRawAuthority() + canonical + query));
        }
    }

    /** Returns the path with canonical fixed segments, or the path itself when it is not an ARM path. */
    public static String canonical(String rawPath) {
        Matcher operation = OPERATION_PATH.matcher(rawPath);
        if (operation.matches()) {
            return canonicalOperation(operation);
        }
        Matcher activityLog = ACTIVITY_LOG_PATH.matcher(rawPath);
        if (activityLog.matches()) {
            return "/subscriptions/" + activityLog.group(1)
                    + "/providers/Microsoft.Insights/eventtypes/management/values" + activityLog.group(2);
        }
        Matcher joinToken = JOIN_TOKEN_PATH.matcher(rawPath);
        return joinToken.matches() ? canonicalJoinToken(joinToken) : canonicalResource(rawPath);
    }

    private static String canonicalJoinToken(Matcher joinToken) {
        return "/subscriptions/" + joinToken.group(1) + "/resourceGroups/" + joinToken.group(2)
                + "/providers/Microsoft.HybridCompute/joinTokens"
                + (joinToken.group(3) == null ? "" : joinToken.group(3)) + joinToken.group(4);
    }

    private static String canonicalOperation(Matcher operation) {
        String kind = operation.group(3).equalsIgnoreCase("operationstatuses") ? "operationStatuses"
                : "operationResults";
        return "/subscriptions/" + operation.group(1) + "/providers/Microsoft.HybridCompute/locations/"
                + operation.group(2) + "/" + kind + (operation.group(4) == null ? "" : operation.group(4));
    }

    private static String canonicalResource(String rawPath) {
        Matcher m = ARM_PATH.matcher(rawPath);
        if (!m.matches()) {
            return rawPath;
        }
        StringBuilder path = new StringBuilder("/subscriptions/").append(m.group(1))
                .append("/resourceGroups/").append(m.group(2))
                .append("/providers/Microsoft.HybridCompute/machines");
        if (m.group(3) != null) {
            path.append(m.group(3));
        }
        if (m.group(4) != null) {
            path.append("/runCommands").append(m.group(5) == null ? "" : m.group(5));
        }
        return path.append(m.group(6)).toString();
    }
}
