package dev.runcmd.agent.exec;

import java.util.Map;

/**
 * What a script inherits of the agent's environment: everything but the agent's own settings. {@code RUNCMD_*}
 * variables configure the agent (a join token among them, on its first start) and are no business of the scripts it
 * runs, least of all of one running as another user.
 */
final class ScriptEnvironment {

    /** The prefix of the agent's own environment settings. */
    static final String AGENT_PREFIX = "RUNCMD_";

    private ScriptEnvironment() {
    }

    /** Removes the agent's own settings from {@code environment} (a ProcessBuilder's, about to start a script). */
    static void scrub(Map<String, String> environment) {
        environment.keySet().removeIf(name -> name.startsWith(AGENT_PREFIX));
    }
}
