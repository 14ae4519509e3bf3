package dev.runcmd.agent;

import dev.runcmd.agent.ConfigSources.Value;
import dev.runcmd.agent.logging.LogFormat;
import dev.runcmd.agent.policy.AgentPolicy;
import dev.runcmd.agent.policy.PolicyException;
import dev.runcmd.proto.agent.v1.MachineScope;
import dev.runcmd.proto.pki.JoinToken;
import dev.runcmd.proto.tags.Tags;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The agent's configuration, read once at start-up and immutable afterwards. Precedence:
 * command-line flags, then environment, then the optional properties file, then defaults.
 */
public final class AgentConfig {
    static final String DEFAULT_GATEWAY = "127.0.0.1:9090";
    static final String DEFAULT_SUBSCRIPTION = "00000000-0000-0000-0000-000000000000";
    static final String DEFAULT_RESOURCE_GROUP = "local";
    static final int DEFAULT_KILL_GRACE_SECONDS = 5;
    static final int MAX_KILL_GRACE_SECONDS = 3600;
    static final int DEFAULT_MAX_CONCURRENT = 5;
    static final int MAX_MAX_CONCURRENT = 1000;
    static final long DEFAULT_SPOOL_MAX_BYTES = 256L * 1024 * 1024;
    static final long MIN_SPOOL_MAX_BYTES = 1024L * 1024;
    static final StopMode DEFAULT_STOP_MODE = StopMode.DETACH;

    private static final Pattern HOST_PORT = Pattern.compile("(\\[[0-9a-fA-F:.]+]|[A-Za-z0-9.-]+):(\\d{1,5})");
    private static final Pattern MACHINE_NAME = Pattern.compile("(?!\\.{1,2}$)[a-zA-Z0-9_.-]{1,54}");
    private static final Pattern SUBSCRIPTION = Pattern.compile("[A-Za-z0-9_.-]{1,64}");
    private static final Pattern RESOURCE_GROUP = Pattern.compile("[A-Za-z0-9_.()-]{1,90}");

    /** The policy file read when none is given. */
    static final String DEFAULT_POLICY = "/etc/runcmd/agent-policy.properties";

    private final String gateway;
    private final List<String> gateways;
    private final String subscriptionId;
    private final String resourceGroup;
    private final String machineName;
    private final String hostName;
    private final Path workDir;
    private final Duration killGrace;
    private final int maxConcurrent;
    private final long spoolMaxBytes;
    private final StopMode stopMode;
    private final AgentPolicy policy;
    private final Path identityDir;
    private final JoinToken joinToken; // null when none is given
    private final boolean joinTokenInArguments;
    private final Map<String, String> tags;
    private final LogFormat logFormat;
    private final boolean hostNamespaces;
    private final Path policyFile; // null when there is none

    private AgentConfig(Map<ConfigKey, Value> values, String hostName, String userHome) throws ConfigException {
        this.hostName = hostName;
        this.gateways = gateways(values.get(ConfigKey.GATEWAY));
        this.gateway = String.join(",", gateways);
        this.subscriptionId = matching(values, ConfigKey.SUBSCRIPTION_ID, SUBSCRIPTION, DEFAULT_SUBSCRIPTION);
        this.resourceGroup = matching(values, ConfigKey.RESOURCE_GROUP, RESOURCE_GROUP, DEFAULT_RESOURCE_GROUP);
        this.machineName = matching(values, ConfigKey.MACHINE_NAME, MACHINE_NAME, HostName.toMachineName(hostName));
        this.workDir = workDir(values.get(ConfigKey.WORK_DIR), userHome);
        this.killGrace = Duration.ofSeconds(
                wholeNumber(values, ConfigKey.KILL_GRACE_SECONDS, DEFAULT_KILL_GRACE_SECONDS, 0, MAX_KILL_GRACE_SECONDS));
        this.maxConcurrent = wholeNumber(values, ConfigKey.MAX_CONCURRENT, DEFAULT_MAX_CONCURRENT, 1, MAX_MAX_CONCURRENT);
        this.spoolMaxBytes = byteCount(values, ConfigKey.SPOOL_MAX_BYTES, DEFAULT_SPOOL_MAX_BYTES, MIN_SPOOL_MAX_BYTES);
        this.stopMode = stopMode(values.get(ConfigKey.STOP_MODE));
        this.policy = policy(values.get(ConfigKey.POLICY));
        this.identityDir = values.containsKey(ConfigKey.IDENTITY_DIR)
                ? directory(ConfigKey.IDENTITY_DIR, values.get(ConfigKey.IDENTITY_DIR))
                : workDir.resolve("identity");
        this.joinToken = joinToken(values.get(ConfigKey.JOIN_TOKEN));
        this.joinTokenInArguments = joinToken != null && values.get(ConfigKey.JOIN_TOKEN).inArguments();
        this.tags = tags(values.get(ConfigKey.TAGS));
        this.logFormat = logFormat(values.get(ConfigKey.LOG_FORMAT));
        this.hostNamespaces = switchValue(values.get(ConfigKey.HOST_NAMESPACES));
        this.policyFile = policy == AgentPolicy.NONE && values.get(ConfigKey.POLICY) == null ? null
                : Path.of(values.get(ConfigKey.POLICY) == null ? DEFAULT_POLICY : values.get(ConfigKey.POLICY).text());
    }

    /**
     * Reads the configuration from the process environment and command-line arguments (and the
     * properties file either of them names). {@code --help} is not an argument here; see
     * {@link #wantsHelp(String[])}.
     *
     * @throws ConfigException with a one-line message when any value is missing or invalid
     */
    public static AgentConfig from(Map<String, String> env, String[] args) throws ConfigException {
        return new AgentConfig(ConfigSources.resolve(env, args), HostName.local(), System.getProperty("user.home"));
    }

    /** True when the arguments ask for the usage text. */
    public static boolean wantsHelp(String[] args) {
        return Arrays.asList(args).contains("--help") || Arrays.asList(args).contains("-h");
    }

    /** The usage text printed by {@code --help}. */
    public static String usage() {
        return Usage.TEXT;
    }

    /** The gateways to dial, as configured: HOST:PORT[,HOST:PORT...]. */
    public String gateway() {
        return gateway;
    }

    /** The gateway addresses (HOST:PORT), in the order the agent tries them. */
    public List<String> gateways() {
        return gateways;
    }

    /** The subscription this machine belongs to. */
    public String subscriptionId() {
        return subscriptionId;
    }

    /** The resource group this machine belongs to. */
    public String resourceGroup() {
        return resourceGroup;
    }

    /** The machine's name in its resource group; matches {@code [a-zA-Z0-9-_.]{1,54}}. */
    public String machineName() {
        return machineName;
    }

    /** This machine's scope: subscription, resource group and name. */
    public MachineScope machine() {
        return MachineScope.newBuilder()
                .setSubscriptionId(subscriptionId)
                .setResourceGroup(resourceGroup)
                .setMachineName(machineName)
                .build();
    }

    /** The host name as the operating system reports it. */
    public String hostName() {
        return hostName;
    }

    /** The agent's working directory (journal, scripts). */
    public Path workDir() {
        return workDir;
    }

    /** The time between SIGTERM and SIGKILL when a process tree is ended. */
    public Duration killGrace() {
        return killGrace;
    }

    /** How many executions may run at once (1 to 1000); more wait in arrival order. */
    public int maxConcurrent() {
        return maxConcurrent;
    }

    /** The most unacknowledged output bytes kept on disk before running scripts are held back. */
    public long spoolMaxBytes() {
        return spoolMaxBytes;
    }

    /** What the agent does with running scripts when it is stopped; {@link StopMode#DETACH} by default. */
    public StopMode stopMode() {
        return stopMode;
    }

    /**
     * The machine administrator's policy ({@code --policy FILE}, else {@value #DEFAULT_POLICY} when it exists):
     * what the control plane may run here; {@link AgentPolicy#NONE} without a file.
     */
    public AgentPolicy policy() {
        return policy;
    }

    /**
     * Where the machine's identity is kept: {@code key.pem} (0600), {@code cert.pem}, {@code ca.pem}, in a 0700
     * directory; {@code <work-dir>/identity} by default.
     */
    public Path identityDir() {
        return identityDir;
    }

    /** The join token to enroll with when there is no valid identity yet. */
    public Optional<JoinToken> joinToken() {
        return Optional.ofNullable(joinToken);
    }

    /**
     * True when the join token came from a command-line flag, where every local user can read it
     * ({@code /proc/PID/cmdline}) while the agent runs.
     */
    public boolean joinTokenInArguments() {
        return joinTokenInArguments;
    }

    /**
     * The machine's tags ({@code --tags env=prod,role=db}), sent in every Hello; empty when none are configured.
     * Unmodifiable, in the order given, and within Azure's limits ({@link Tags}).
     */
    public Map<String, String> tags() {
        return tags;
    }

    /** How the log is written: text (the default) or one JSON object per line ({@code --log-format json}). */
    public LogFormat logFormat() {
        return logFormat;
    }

    /**
     * True when every script runs in the host's namespaces (those of pid 1, entered with nsenter): for an agent in
     * a Kubernetes DaemonSet pod with {@code hostPID}, whose work dir is a hostPath at the same path.
     */
    public boolean hostNamespaces() {
        return hostNamespaces;
    }

    /** The policy file the policy was read from; empty when there is none (everything allowed). */
    public Optional<Path> policyFile() {
        return Optional.ofNullable(policyFile);
    }

    private static boolean switchValue(Value value) throws ConfigException {
        if (value == null) {
            return false;
        }
        if (value.text().equalsIgnoreCase("true") || value.text().equalsIgnoreCase("false")) {
            return Boolean.parseBoolean(value.text());
        }
        throw invalid(ConfigKey.HOST_NAMESPACES, value, "expected true or false");
    }

    /** The token, parsed; a malformed one is refused without echoing it, as it is a secret. */
    private static JoinToken joinToken(Value value) throws ConfigException {
        if (value == null) {
            return null;
        }
        try {
            return JoinToken.parse(value.text());
        } catch (IllegalArgumentException e) {
            throw new ConfigException("invalid " + ConfigKey.JOIN_TOKEN.key() + " (from " + value.origin() + "): "
                    + e.getMessage());
        }
    }

    private static Map<String, String> tags(Value value) throws ConfigException {
        if (value == null) {
            return Map.of();
        }
        try {
            return Tags.parse(value.text());
        } catch (IllegalArgumentException e) {
            throw new ConfigException("invalid " + ConfigKey.TAGS.key() + " (from " + value.origin() + "): "
                    + e.getMessage());
        }
    }

    private static AgentPolicy policy(Value value) throws ConfigException {
        Path file = Path.of(value == null ? DEFAULT_POLICY : value.text());
        if (value == null && !Files.exists(file)) {
            return AgentPolicy.NONE;
        }
        try {
            return AgentPolicy.load(file);
        } catch (PolicyException e) {
            throw new ConfigException(e.getMessage());
        }
    }

    private static LogFormat logFormat(Value value) throws ConfigException {
        if (value == null) {
            return LogFormat.TEXT;
        }
        LogFormat format = LogFormat.parse(value.text());
        if (format == null) {
            throw invalid(ConfigKey.LOG_FORMAT, value, "expected text or json");
        }
        return format;
    }

    private static StopMode stopMode(Value value) throws ConfigException {
        if (value == null) {
            return DEFAULT_STOP_MODE;
        }
        StopMode mode = StopMode.parse(value.text());
        if (mode == null) {
            throw invalid(ConfigKey.STOP_MODE, value, "expected detach or cancel");
        }
        return mode;
    }

    private static List<String> gateways(Value value) throws ConfigException {
        if (value == null) {
            return List.of(DEFAULT_GATEWAY);
        }
        List<String> addresses = new ArrayList<>();
        for (String part : value.text().split(",", -1)) {
            String address = part.trim();
            Matcher m = HOST_PORT.matcher(address);
            int port = m.matches() ? Integer.parseInt(m.group(2)) : 0;
            if (port < 1 || port > 65535) {
                throw invalid(ConfigKey.GATEWAY, value,
                        "expected HOST:PORT[,HOST:PORT...] with ports from 1 to 65535");
            }
            addresses.add(address);
        }
        return List.copyOf(addresses);
    }

    private static long byteCount(Map<ConfigKey, Value> values, ConfigKey key, long fallback, long min)
            throws ConfigException {
        Value value = values.get(key);
        if (value == null) {
            return fallback;
        }
        try {
            long number = Long.parseLong(value.text());
            if (number >= min) {
                return number;
            }
        } catch (NumberFormatException e) {
            // Reported below with the same message as a number that is too small.
        }
        throw invalid(key, value, "expected a whole number of bytes, at least " + min);
    }

    private static String matching(Map<ConfigKey, Value> values, ConfigKey key, Pattern pattern, String fallback)
            throws ConfigException {
        Value value = values.get(key);
        if (value == null) {
            return fallback;
        }
        if (!pattern.matcher(value.text()).matches()) {
            throw invalid(key, value, "expected " + pattern.pattern());
        }
        return value.text();
    }

    private static Path workDir(Value value, String userHome) throws ConfigException {
        if (value == null) {
            return Path.of(userHome, ".runcmd", "agent");
        }
        return directory(ConfigKey.WORK_DIR, value);
    }

    private static Path directory(ConfigKey key, Value value) throws ConfigException {
        try {
            return Path.of(value.text()).toAbsolutePath();
        } catch (InvalidPathException e) {
            throw invalid(key, value, e.getReason());
        }
    }

    private static int wholeNumber(Map<ConfigKey, Value> values, ConfigKey key, int fallback, int min, int max)
            throws ConfigException {
        Value value = values.get(key);
        if (value == null) {
            return fallback;
        }
        try {
            int number = Integer.parseInt(value.text());
            if (number >= min && number <= max) {
                return number;
            }
        } catch (NumberFormatException e) {
            // Reported below with the same message as an out-of-range number.
        }
        throw invalid(key, value, "expected a whole number from " + min + " to " + max);
    }

    private static ConfigException invalid(ConfigKey key, Value value, String expected) {
        return new ConfigException(
                "invalid " + key.key() + " '" + value.text() + "' (from " + value.origin() + "): " + expected);
    }

    @Override
    public String toString() {
        return "AgentConfig[gateway=" + gateway + ", scope=" + subscriptionId + "/" + resourceGroup + "/"
                + machineName + ", workDir=" + workDir + ", identityDir=" + identityDir + ", killGrace="
                + killGrace.toSeconds() + "s, maxConcurrent=" + maxConcurrent + ", spoolMaxBytes=" + spoolMaxBytes
                + ", stopMode=" + stopMode.text() + ", policy=" + policy.summary() + ", tags=" + tags + ", logFormat=" + logFormat.text() + (hostNamespaces ? ", hostNamespaces=true" : "") + (joinToken == null ? "" : ", joinToken=" + joinToken) + "]";
    }
}
