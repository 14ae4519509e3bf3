package dev.runcmd.control.auth;

import io.vertx.ext.web.RoutingContext;
import java.util.Set;

/**
 * The verified caller of one request: who it is (from an OIDC access token or a runcmd token), which groups it
 * belongs to, and where it called from. Every request but health checks has one; nothing else is trusted.
 *
 * @param objectId the principal's stable id: the token's {@code oid} or {@code sub} claim, or a runcmd token's
 *        principal id; role assignments name it
 * @param name who the activity log and {@code systemData} show: a user's name or e-mail, an application's or
 *        runcmd token's name
 * @param type {@code User} or {@code Application}, as ARM's {@code createdByType}
 * @param groups the groups the token says the principal is in (role assignments may name a group)
 * @param tokenId the runcmd token this call presented, or null for an OIDC token
 * @param clientIp the client's address (the forwarded one only from a trusted proxy)
 */
public record Caller(String objectId, String name, PrincipalType type, Set<String> groups, String tokenId,
        String clientIp) {

    /** The {@link RoutingContext} key under which the authentication filter leaves the caller. */
    public static final String CONTEXT_KEY = "runcmd.caller";

    public Caller {
        groups = Set.copyOf(groups);
    }

    /** The caller of an HTTP (REST or gRPC) request, or null before authentication or for a health check. */
    public static Caller of(RoutingContext context) {
        return context.get(CONTEXT_KEY);
    }

    /** The same caller, calling from {@code address}. */
    public Caller from(String address) {
        return new Caller(objectId, name, type, groups, tokenId, address);
    }

    /** Every principal id role assignments may name to reach this caller: its own and its groups'. */
    public Set<String> principalIds() {
        java.util.Set<String> ids = new java.util.HashSet<>(groups);
        ids.add(objectId);
        return ids;
    }

    /** The key quotas (request rate, output followers) are counted under: the principal, not its address. */
    public String quotaKey() {
        return "principal:" + objectId;
    }

    /** ARM's principal types, as {@code systemData.createdByType} and role assignments' principalType spell them. */
    public enum PrincipalType {
        User, Application, Group
    }
}
