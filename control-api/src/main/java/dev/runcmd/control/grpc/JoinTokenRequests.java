package dev.runcmd.control.grpc;

import dev.runcmd.control.arm.ResourceNames;
import dev.runcmd.control.jointoken.JoinTokenSpec;
import dev.runcmd.proto.v1.CreateJoinTokenRequest;
import java.time.Duration;
import java.util.Optional;

/**
 * Checks a CreateJoinToken request with the limits of the REST body and turns it into the same
 * {@link JoinTokenSpec}, failing with INVALID_ARGUMENT that names the field. Zero means the default, as proto3
 * cannot tell an absent number from 0.
 */
final class JoinTokenRequests {

    private JoinTokenRequests() {
    }

    /** The validated request. */
    static JoinTokenSpec toSpec(CreateJoinTokenRequest request) {
        String machineName = request.getMachineName();
        if (!machineName.isEmpty() && !ResourceNames.isMachine(machineName)) {
            throw GrpcErrors.invalidArgument("machine_name: expected empty (any new machine) or a machine name of "
                    + ResourceNames.MACHINE_RULE);
        }
        long expiresIn = request.getExpiresInSeconds();
        if (expiresIn != 0 && (expiresIn < JoinTokenSpec.MIN_EXPIRES_IN_SECONDS
                || expiresIn > JoinTokenSpec.MAX_EXPIRES_IN_SECONDS)) {
            throw GrpcErrors.invalidArgument("expires_in_seconds: expected 0 (the default, "
                    + JoinTokenSpec.DEFAULT_EXPIRES_IN_SECONDS + ") or an integer from "
                    + JoinTokenSpec.MIN_EXPIRES_IN_SECONDS + " to " + JoinTokenSpec.MAX_EXPIRES_IN_SECONDS);
        }
        int uses = request.getUses();
        if (uses < 0 || uses > JoinTokenSpec.MAX_USES) {
            throw GrpcErrors.invalidArgument("uses: expected 0 (the default, " + JoinTokenSpec.DEFAULT_USES
                    + ") or an integer from 1 to " + JoinTokenSpec.MAX_USES);
        }
        return new JoinTokenSpec(machineName.isEmpty() ? Optional.empty() : Optional.of(machineName),
                Duration.ofSeconds(expiresIn == 0 ? JoinTokenSpec.DEFAULT_EXPIRES_IN_SECONDS : expiresIn),
                uses == 0 ? JoinTokenSpec.DEFAULT_USES : uses);
    }
}
