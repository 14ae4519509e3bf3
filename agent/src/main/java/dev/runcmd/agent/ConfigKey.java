package dev.runcmd.agent;

/**
 * The agent's settings. Each has one name used three ways: the command-line flag is {@code --<key>},
 * the properties-file key is {@code <key>}, and the environment variable is {@link #env()}.
 */
enum ConfigKey {
    /** The gateways to dial, as HOST:PORT[,HOST:PORT...]. */
    GATEWAY("gateway", "RUNCMD_GATEWAY"),
    /** The subscription this machine belongs to. */
    SUBSCRIPTION_ID("subscription-id", "RUNCMD_SUBSCRIPTION_ID"),
    /** The resource group this machine belongs to. */
    RESOURCE_GROUP("resource-group", "RUNCMD_RESOURCE_GROUP"),
    /** The machine's name inside its resource group. */
    MACHINE_NAME("machine-name", "RUNCMD_MACHINE_NAME"),
    /** Where the agent keeps its journal and the scripts it runs. */
    WORK_DIR("work-dir", "RUNCMD_WORK_DIR"),
    /** Seconds between SIGTERM and SIGKILL when a process tree is ended. */
    KILL_GRACE_SECONDS("kill-grace-seconds", "RUNCMD_KILL_GRACE_SECONDS"),
    /** How many executions may run at once; more wait in arrival order. */
    MAX_CONCURRENT("max-concurrent", "RUNCMD_MAX_CONCURRENT"),
    /** The most unacknowledged output bytes kept on disk before scripts are held back. */
    SPOOL_MAX_BYTES("spool-max-bytes", "RUNCMD_SPOOL_MAX_BYTES"),
    /** What a stopping agent does with running scripts: leave them running (detach) or end them (cancel). */
    STOP_MODE("stop-mode", "RUNCMD_STOP_MODE"),
    /** The machine administrator's policy file (root's): what the control plane may run here. */
    POLICY("policy", "RUNCMD_POLICY"),
    /** Where the machine's key, certificate and CA bundle are kept. */
    IDENTITY_DIR("identity-dir", "RUNCMD_IDENTITY_DIR"),
    /** The join token for the first enrollment (a secret: better in the environment or config file than in argv). */
    JOIN_TOKEN("join-token", "RUNCMD_JOIN_TOKEN"),
    /** The machine's tags, NAME=VALUE[,NAME=VALUE...], reported in every Hello. */
    TAGS("tags", "RUNCMD_TAGS"),
    /** How the log is written to stderr: text (one line per record) or json (one JSON object per line). */
    LOG_FORMAT("log-format", "RUNCMD_LOG_FORMAT"),
    /** Whether scripts run in the host's namespaces (pid 1's, through nsenter): for a Kubernetes DaemonSet. */
    HOST_NAMESPACES("host-namespaces", "RUNCMD_HOST_NAMESPACES", true);

    private final String key;
    private final String env;
    private final boolean switchFlag;

    ConfigKey(String key, String env) {
        this(key, env, false);
    }

    ConfigKey(String key, String env, boolean switchFlag) {
        this.key = key;
        this.env = env;
        this.switchFlag = switchFlag;
    }

    /** True for a true/false setting, whose flag alone ({@code --host-namespaces}) means true. */
    boolean isSwitch() {
        return switchFlag;
    }

    /** The properties-file key, also the flag name without its leading dashes. */
    String key() {
        return key;
    }

    /** The command-line flag, e.g. {@code --gateway}. */
    String flag() {
        return "--" + key;
    }

    /** The environment variable, e.g. {@code RUNCMD_GATEWAY}. */
    String env() {
        return env;
    }

    /** Returns the setting whose properties-file key is {@code key}, or null. */
    static ConfigKey byKey(String key) {
        for (ConfigKey k : values()) {
            if (k.key.equals(key)) {
                return k;
            }
        }
        return null;
    }
}
