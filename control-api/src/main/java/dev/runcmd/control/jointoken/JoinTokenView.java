package dev.runcmd.control.jointoken;

import com.fasterxml.jackson.annotation.JsonInclude;
import dev.runcmd.control.arm.ArmTime;

/**
 * The REST shape of a join token. Only the answer to its creation has {@code properties.token}; lists never do.
 *
 * @param id the ARM resource id
 * @param name the token's id
 * @param type always {@value JoinTokenScope#TYPE}
 * @param properties what it allows
 */
public record JoinTokenView(String id, String name, String type, Properties properties) {

    /**
     * What a token allows.
     *
     * @param token the token text, only when just created
     * @param machineName the only machine it enrolls; absent: any new machine name in the group
     * @param expiresAt when it stops enrolling, ISO-8601 in UTC
     * @param usesLeft enrollments left (0: spent)
     * @param createdAt when it was created, ISO-8601 in UTC
     */
    public record Properties(@JsonInclude(JsonInclude.Include.NON_NULL) String token,
            @JsonInclude(JsonInclude.Include.NON_NULL) String machineName, String expiresAt, int usesLeft,
            String createdAt) {
    }

    /** A listed token, without its text. */
    public static JoinTokenView of(JoinTokenEntity row) {
        return view(row, null);
    }

    /** A token just created, with its text. */
    public static JoinTokenView of(CreatedJoinToken created) {
        return view(created.row(), created.token());
    }

    private static JoinTokenView view(JoinTokenEntity row, String token) {
        return new JoinTokenView(row.scope().resourceId(row.id), row.id, JoinTokenScope.TYPE,
                new Properties(token, row.machineName, ArmTime.format(row.expiresAt), row.usesLeft,
                        ArmTime.format(row.createdAt)));
    }
}
