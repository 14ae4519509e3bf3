package dev.runcmd.agent.exec;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.runcmd.proto.agent.v1.Run;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The agent's own settings and trace context never reach a script's environment; everything else does, and the run's
 * trace context as TRACEPARENT.
 */
class ScriptEnvironmentTest {

    @Test
    void removesTheAgentsSettingsAndKeepsTheRest() {
        Map<String, String> environment = new HashMap<>(Map.of("RUNCMD_JOIN_TOKEN", "rcj.secret",
                "RUNCMD_TAGS", "env=prod", "PATH", "/usr/bin", "LANG", "C.UTF-8", "MY_RUNCMD_X", "kept"));

        ScriptEnvironment.prepare(environment, Run.getDefaultInstance());

        assertEquals(Map.of("PATH", "/usr/bin", "LANG", "C.UTF-8", "MY_RUNCMD_X", "kept"), environment);
    }

    @Test
    void aProcessBuildersEnvironmentIsScrubbedInPlace() {
        ProcessBuilder builder = new ProcessBuilder("true");
        builder.environment().put("RUNCMD_CONFIG", "/etc/runcmd/agent.conf");

        ScriptEnvironment.prepare(builder.environment(), Run.getDefaultInstance());

        assertEquals(null, builder.environment().get("RUNCMD_CONFIG"));
    }

    @Test
    void aTracedRunsContextIsTraceparentAndTheAgentsOwnIsDropped() {
        String traceparent = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";
        Map<String, String> environment = new HashMap<>(Map.of("TRACEPARENT", "00-stale", "TRACESTATE", "x=1",
                "PATH", "/usr/bin"));

        ScriptEnvironment.prepare(environment, Run.newBuilder().setTraceparent(traceparent).build());

        assertEquals(Map.of("PATH", "/usr/bin", "TRACEPARENT", traceparent), environment);
    }

    @Test
    void anUntracedRunGetsNoTraceparent() {
        Map<String, String> environment = new HashMap<>(Map.of("TRACEPARENT", "00-stale", "PATH", "/usr/bin"));

        ScriptEnvironment.prepare(environment, Run.getDefaultInstance());

        assertEquals(Map.of("PATH", "/usr/bin"), environment);
    }
}
