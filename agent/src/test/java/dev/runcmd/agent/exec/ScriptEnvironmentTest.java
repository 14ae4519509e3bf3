package dev.runcmd.agent.exec;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The agent's own settings never reach a script's environment; everything else does. */
class ScriptEnvironmentTest {

    @Test
    void removesTheAgentsSettingsAndKeepsTheRest() {
        Map<String, String> environment = new HashMap<>(Map.of("RUNCMD_JOIN_TOKEN", "rcj.secret",
                "RUNCMD_TAGS", "env=prod", "PATH", "/usr/bin", "LANG", "C.UTF-8", "MY_RUNCMD_X", "kept"));

        ScriptEnvironment.scrub(environment);

        assertEquals(Map.of("PATH", "/usr/bin", "LANG", "C.UTF-8", "MY_RUNCMD_X", "kept"), environment);
    }

    @Test
    void aProcessBuildersEnvironmentIsScrubbedInPlace() {
        ProcessBuilder builder = new ProcessBuilder("true");
        builder.environment().put("RUNCMD_CONFIG", "/etc/runcmd/agent.conf");

        ScriptEnvironment.scrub(builder.environment());

        assertEquals(null, builder.environment().get("RUNCMD_CONFIG"));
    }
}
