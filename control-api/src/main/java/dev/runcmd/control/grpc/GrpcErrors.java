package dev.runcmd.control.grpc;

import dev.runcmd.control.arm.ArmException;
import dev.runcmd.control.metrics.Refusals;
import dev.runcmd.control.store.Shedding;
import dev.runcmd.control.store.StoreFailures;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import org.jboss.logging.Logger;

/**
 * Turns failures of the shared read path into gRPC statuses: 404 becomes NOT_FOUND, 400 INVALID_ARGUMENT, each
 * with the same message as the REST error; an unreachable PostgreSQL or a saturated connection pool becomes
 * UNAVAILABLE (retry later); anything unexpected becomes INTERNAL, logged here with its stack.
 */
final class GrpcErrors {

    private static final Logger LOG = Logger.getLogger(GrpcErrors.class);

    private GrpcErrors() {
    }

    /** The status exception to end the call with. */
    static StatusRuntimeException toStatus(Throwable failure) {
        if (failure instanceof StatusRuntimeException status) {
            return status;
        }
        if (failure instanceof ArmException arm) {
            return statusOf(arm).withDescription(arm.getMessage()).asRuntimeException();
        }
        if (StoreFailures.isSaturated(failure)) {
            Shedding.record("gRPC");
            return Status.UNAVAILABLE.withDescription(StoreFailures.BUSY_MESSAGE).asRuntimeException();
        }
        if (StoreFailures.isUnreachable(failure)) {
            LOG.warnf("gRPC call failed: the data store is unreachable (%s)", failure);
            Refusals.storeUnreachable(Refusals.Protocol.GRPC);
            return Status.UNAVAILABLE.withDescription(StoreFailures.MESSAGE).asRuntimeException();
        }
        LOG.error("gRPC call failed with an unexpected error", failure);
        return Status.INTERNAL.withDescription("an internal error occurred; see the server log").asRuntimeException();
    }

    /** INVALID_ARGUMENT with a description naming the missing or malformed field. */
    static StatusRuntimeException invalidArgument(String description) {
        return Status.INVALID_ARGUMENT.withDescription(description).asRuntimeException();
    }

    private static Status statusOf(ArmException arm) {
        return switch (arm.status()) {
            case 404 -> Status.NOT_FOUND;
            case 400 -> Status.INVALID_ARGUMENT;
            case 409 -> Status.ABORTED;
            case 401 -> Status.UNAUTHENTICATED;
            case 403 -> Status.PERMISSION_DENIED;
            case 429 -> Status.RESOURCE_EXHAUSTED;
            case 503 -> Status.UNAVAILABLE;
            default -> Status.INTERNAL;
        };
    }
}
