package dev.runcmd.control.jointoken;

import java.time.Duration;
import java.util.Optional;

/**
 * What a new join token allows, as REST and gRPC requests ask for it (each checks its own fields against the limits
 * here, naming them its own way).
 *
 * @param machineName the only machine the token may enroll (which may then re-enroll even if it exists), or empty
 *     for any new machine name in the group
 * @param expiresIn how long it is valid
 * @param uses how many enrollments it allows
 */
public record JoinTokenSpec(Optional<String> machineName, Duration expiresIn, int uses) {

    /** The lifetime of a token that asks for none: one hour. */
    public static final int DEFAULT_EXPIRES_IN_SECONDS = 3600;

    /** The shortest lifetime accepted: one minute. */
    public static final int MIN_EXPIRES_IN_SECONDS = 60;

    /** The longest lifetime accepted: 30 days. */
    public static final int MAX_EXPIRES_IN_SECONDS = 2_592_000;

    /** The enrollments of a token that asks for no number. */
    public static final int DEFAULT_USES = 1;

    /** The most enrollments one token may allow. */
    public static final int MAX_USES = 10_000;
}
