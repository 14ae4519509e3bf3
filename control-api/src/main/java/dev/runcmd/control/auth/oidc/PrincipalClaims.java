package dev.runcmd.control.auth.oidc;

import dev.runcmd.control.auth.Caller.PrincipalType;
import java.time.Instant;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.jose4j.jwt.JwtClaims;
import org.jose4j.jwt.MalformedClaimException;

/**
 * Who a verified token speaks for, read from its claims as configured ({@code runcmd.auth.oidc.principal-claims},
 * {@code name-claims}, {@code groups-claim}).
 */
final class PrincipalClaims {

    /** The longest principal id and name kept (they go to role assignments and the activity log). */
    static final int MAX_LENGTH = 256;

    private final List<String> principalClaims;
    private final List<String> nameClaims;
    private final String groupsClaim;

    PrincipalClaims(List<String> principalClaims, List<String> nameClaims, String groupsClaim) {
        this.principalClaims = List.copyOf(principalClaims);
        this.nameClaims = List.copyOf(nameClaims);
        this.groupsClaim = groupsClaim;
    }

    /**
     * The principal of a token whose signature and lifetime were verified.
     *
     * @throws InvalidTokenException when no principal claim is present or it is too long
     */
    VerifiedToken read(JwtClaims claims) {
        String objectId = first(claims, principalClaims);
        if (objectId == null) {
            throw new InvalidTokenException("The access token has none of the claims " + String.join(", ",
                    principalClaims) + " naming its principal");
        }
        if (objectId.length() > MAX_LENGTH) {
            throw new InvalidTokenException("The access token's principal id is longer than " + MAX_LENGTH
                    + " characters");
        }
        String name = first(claims, nameClaims);
        name = name == null ? objectId : name.substring(0, Math.min(name.length(), MAX_LENGTH));
        return new VerifiedToken(objectId, name, typeOf(claims), groups(claims), expiry(claims));
    }

    /**
     * {@code Application} for an app-only token: Entra ID's {@code idtyp} is {@code app}; or the subject is the
     * client itself ({@code sub} equals {@code azp} or {@code client_id}, as in client credentials tokens of most
     * providers); or Keycloak's service account user ({@code preferred_username} starting {@code service-account-}).
     * Otherwise {@code User}.
     */
    static PrincipalType typeOf(JwtClaims claims) {
        String subject = string(claims, "sub");
        String username = string(claims, "preferred_username");
        boolean appOnly = "app".equals(string(claims, "idtyp"))
                || subject != null && (subject.equals(string(claims, "azp"))
                        || subject.equals(string(claims, "client_id")))
                || username != null && username.startsWith("service-account-");
        return appOnly ? PrincipalType.Application : PrincipalType.User;
    }

    private Set<String> groups(JwtClaims claims) {
        Object value = claims.getClaimValue(groupsClaim);
        Set<String> groups = new LinkedHashSet<>();
        if (value instanceof String group && !group.isBlank()) {
            groups.add(group);
        } else if (value instanceof Collection<?> listed) {
            for (Object group : listed) {
                if (group instanceof String name && !name.isBlank()) {
                    groups.add(name);
                }
            }
        }
        return groups;
    }

    private static Instant expiry(JwtClaims claims) {
        try {
            return Instant.ofEpochSecond(claims.getExpirationTime().getValue());
        } catch (MalformedClaimException e) {
            throw new IllegalStateException("exp was verified to be a number", e);
        }
    }

    private static String first(JwtClaims claims, List<String> names) {
        for (String name : names) {
            String value = string(claims, name);
            if (value != null) {
                return value;
            }
        }
        return null;
    }

    private static String string(JwtClaims claims, String name) {
        return claims.getClaimValue(name) instanceof String value && !value.isBlank() ? value : null;
    }
}
