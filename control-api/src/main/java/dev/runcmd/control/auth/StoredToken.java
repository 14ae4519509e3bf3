package dev.runcmd.control.auth;

import java.time.OffsetDateTime;

/**
 * A runcmd API token as stored (its secret only as a hash).
 *
 * @param id the token id (the middle part of the token text)
 * @param secretHash SHA-256 of the secret
 * @param principalId the principal role assignments name
 * @param displayName who the activity log and systemData show
 * @param principalType {@code User} or {@code Application}
 * @param createdAt when it was created
 * @param createdBy who created it
 * @param roleDefinitionId the role it was created with
 * @param scope the scope it was created for
 * @param expiresAt when it stops working, or null for never (only the bootstrap owner's)
 * @param revokedAt when it was revoked, or null
 */
public record StoredToken(String id, byte[] secretHash, String principalId, String displayName,
        Caller.PrincipalType principalType, OffsetDateTime createdAt, String createdBy, String roleDefinitionId,
        String scope, OffsetDateTime expiresAt, OffsetDateTime revokedAt) {
}
