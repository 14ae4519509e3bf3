package dev.runcmd.agent.exec;

import dev.runcmd.proto.agent.v1.Run;
import java.util.Map;

/**
 * What a script inherits of the agent's environment: everything but the agent's own settings, plus its run's trace
 * context. {@code RUNCMD_*} variables configure the agent (a join token among them, on its first start) and are no
 * business of the scripts it runs, least of all of one running as another user.
 */
final class ScriptEnvironment {

    /** The prefix of the agent's own environment settings. */
    static final String AGENT_PREFIX = "RUNCMD_";

    private ScriptEnvironment() {
    }

    /**
     * The variable holding the W3C {@code traceparent} of the run's trace, by the convention of OpenTelemetry's
     * environment-variable carriers; set only when the Run carries one.
     */
    static final String TRACEPARENT = "TRACEPARENT";

    /**
     * Prepares {@code environment} (a ProcessBuilder's, about to start the script of {@code run}): removes the
     * agent's own settings and any trace context the agent itself was started in, then sets {@link #TRACEPARENT}
     * when the run is traced.
     */
    static void prepare(Map<String, String> environment, Run run) {
        environment.keySet().removeIf(name -> name.startsWith(AGENT_PREFIX));
        environment.remove(TRACEPARENT);
        environment.remove("TRACESTATE");
        if (!run.getTraceparent().isEmpty()) {
            environment.put(TRACEPARENT, run.getTraceparent());
        }
    }
}
