package dev.runcmd.control.auth.oidc;

import dev.runcmd.control.auth.Caller;
import java.time.Instant;
import java.util.Set;

public record VerifiedToken(String objectId, String name, Caller.PrincipalType type, Set<String> groups,
        Instant expiresAt) {
}
