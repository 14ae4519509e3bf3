package dev.runcmd.control.auth;

import com.fasterxml.jackson.annotation.JsonInclude;
import dev.runcmd.control.arm.ArmTime;

/**
 * A runcmd token as the API shows it: never its secret, except {@code properties.token} in the answer that created
 * it.
 *
 * @param id {@code /providers/runcmd.Authorization/tokens/{tokenId}}
 * @param name the token id
 * @param type {@code runcmd.Authorization/tokens}
 * @param properties what it is and what it may do
 */
public record ApiTokenView(String id, String name, String type, Properties properties) {

    /** The ARM resource type. */
    public static final String TYPE = "runcmd.Authorization/tokens";

    /**
     * The token's properties.
     *
     * @param displayName who it acts as, in the activity log and systemData
     * @param principalId the principal role assignments name
     * @param roleName the role it was created with
     * @param roleDefinitionId that role's id
     * @param scope where that role applies
     * @param createdAt when it was created
     * @param createdBy who created it
     * @param expiresAt when it stops working (null: never, the bootstrap owner's)
     * @param revokedAt when it was revoked, if it was
     * @param token the token text, only when just created
     */
    public record Properties(String displayName, String principalId, String roleName, String roleDefinitionId,
            String scope, String createdAt, String createdBy, String expiresAt,
            @JsonInclude(JsonInclude.Include.NON_NULL) String revokedAt,
            @JsonInclude(JsonInclude.Include.NON_NULL) String token) {
    }

    /** The ARM id of a token. */
    public static String idOf(String tokenId) {
        return "/providers/" + TYPE + "/" + tokenId;
    }

    /** The view of a stored token, with {@code text} (null but at creation). */
    public static ApiTokenView of(StoredToken token, String text) {
        String roleName = BuiltInRoles.byId(token.roleDefinitionId()).map(RoleDefinition::name).orElse(null);
        return new ApiTokenView(idOf(token.id()), token.id(), TYPE, new Properties(token.displayName(),
                token.principalId(), roleName, RoleDefinitionView.idAt(token.scope(), token.roleDefinitionId()),
                token.scope(), ArmTime.format(token.createdAt()), token.createdBy(), ArmTime.format(token.expiresAt()),
                token.revokedAt() == null ? null : ArmTime.format(token.revokedAt()), text));
    }
}
