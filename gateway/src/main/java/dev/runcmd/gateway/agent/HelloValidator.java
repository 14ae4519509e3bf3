package dev.runcmd.gateway.agent;

import dev.runcmd.gateway.session.MachineScopes;
import dev.runcmd.proto.agent.v1.Hello;
import dev.runcmd.proto.tags.Tags;
import io.grpc.Status;
import java.util.Optional;

/**
 * Decides whether a Hello may open a session, and with which status it is refused otherwise.
 *
 * <p>A malformed Hello (a bad machine scope, tags outside Azure's limits) is INVALID_ARGUMENT; an unsupported protocol version is
 * FAILED_PRECONDITION, as agent.proto specifies.
 */
final class HelloValidator {

    /** The protocol version this gateway speaks (agent.proto). */
    static final int PROTOCOL_VERSION = 1;

    private HelloValidator() {
    }

    /** The status refusing this Hello, or empty when it is acceptable. */
    static Optional<Status> refusal(Hello hello) {
        if (!hello.hasMachine()) {
            return Optional.of(Status.INVALID_ARGUMENT.withDescription("hello.machine must be set"));
        }
        Optional<String> problem = MachineScopes.problem(hello.getMachine(), "hello.machine");
        if (problem.isPresent()) {
            return Optional.of(Status.INVALID_ARGUMENT.withDescription(problem.get()));
        }
        if (hello.getProtocolVersion() != PROTOCOL_VERSION) {
            return Optional.of(Status.FAILED_PRECONDITION.withDescription("hello.protocol_version "
                    + hello.getProtocolVersion() + " is not supported; this gateway speaks " + PROTOCOL_VERSION));
        }
        try {
            Tags.validate(hello.getTagsMap());
        } catch (IllegalArgumentException e) {
            return Optional.of(Status.INVALID_ARGUMENT.withDescription("hello.tags: " + e.getMessage()));
        }
        return Optional.empty();
    }
}
