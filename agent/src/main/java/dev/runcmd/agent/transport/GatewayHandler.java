package dev.runcmd.agent.transport;

import dev.runcmd.proto.agent.v1.Ack;
import dev.runcmd.proto.agent.v1.Cancel;
import dev.runcmd.proto.agent.v1.HeldExecution;
import dev.runcmd.proto.agent.v1.Run;
import java.util.List;

/**
 * What the session needs from the rest of the agent: someone to act on the gateway's commands and
 * to say which executions the agent holds.
 *
 * <p>Threading: {@link #onRun}, {@link #onCancel} and {@link #onAck} are called one at a time, in
 * the order the gateway sent them, on the session's control thread (never a gRPC callback thread),
 * so they may block, e.g. on a full {@link Outbox}. {@link #held()} is called on a gRPC callback
 * thread and must return promptly.
 */
public interface GatewayHandler {
    /** Start an execution, or refuse it. */
    void onRun(Run run) throws InterruptedException;

    /** Stop an execution, or remember that it must not start. */
    void onCancel(Cancel cancel) throws InterruptedException;

    /** The gateway stored an execution's progress. */
    void onAck(Ack ack) throws InterruptedException;

    /** Executions running or not yet acknowledged, for the next Hello. */
    List<HeldExecution> held();
}
