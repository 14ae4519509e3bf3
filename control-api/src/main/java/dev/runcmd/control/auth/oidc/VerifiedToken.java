package dev.runcmd.control.auth.oidc;

import dev.runcmd.control.auth.Caller;
import java.time.Instant;
import java.util.Set;

/**
 * What a verified OIDC access token says about its caller.
 *
 * @param objectId the principal's stable id: the first of {@code runcmd.auth.oidc.principal-claims} present
 * @param name the principal's name for people: the first of {@code runcmd.auth.oidc.name-claims} present, else the
 *        object id
 * @param type {@code Application} for an app-only token (client credentials), else {@code User}
 * @param groups the groups in the token's {@code runcmd.auth.oidc.groups-claim} (empty when it has none)
 * @param expiresAt the token's {@code exp}
 */
public record VerifiedToken(String objectId, String name, Caller.PrincipalType type, Set<String> groups,
        Instant expiresAt) {

    public VerifiedToken {
        groups = Set.copyOf(groups);
    }
}
