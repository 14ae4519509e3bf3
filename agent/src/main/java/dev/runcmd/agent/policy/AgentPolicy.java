package dev.runcmd.agent.policy;

import dev.runcmd.proto.agent.v1.Run;
import dev.runcmd.proto.commands.BuiltInScripts;
import java.io.IOException;
import java.io.Reader;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;

/**
 * What the machine's administrator allows the control plane to run here, from a root-owned properties file that
 * only the administrator can change ({@code --policy FILE}; the server has no way to change it). Every run is
 * checked before anything of it starts, downloads included; a refused run ends Failed with "blocked by agent
 * policy: ...". Without a file everything is allowed.
 *
 * <p>Keys (every one optional):
 * <ul>
 *   <li>{@code run-command.enabled} ({@code true}): {@code false} refuses every run;</li>
 *   <li>{@code run-as-users}: the {@code runAsUser} values allowed, comma-separated (absent: any user);</li>
 *   <li>{@code allow-root} ({@code true}): whether a run may run as the agent's own user (no runAsUser, or
 *       {@code root});</li>
 *   <li>{@code max-timeout-seconds} ({@code 0}: no cap): a run asking for more, or for no timeout, runs with this
 *       one;</li>
 *   <li>{@code script-uri-hosts}, {@code blob-hosts}: the hosts a scriptUri may be downloaded from and the output
 *       and error blobs may be written to, comma-separated, exact names (absent: any host);</li>
 *   <li>{@code command-ids}: the built-in commands ({@code source.commandId}) allowed, comma-separated; when set,
 *       only runs of these commands are allowed, inline scripts and scriptUri are refused (absent: anything).</li>
 * </ul>
 *
 * <p>The file must belong to root and must not be writable by group or others; otherwise the agent does not start.
 */
public final class AgentPolicy {

    /** Everything allowed: no policy file. */
    public static final AgentPolicy NONE = new AgentPolicy(true, null, true, 0, null, null, null);

    private static final Set<String> KEYS = Set.of("run-command.enabled", "run-as-users", "allow-root",
            "max-timeout-seconds", "script-uri-hosts", "blob-hosts", "command-ids");

    private final boolean enabled;
    private final Set<String> runAsUsers; // null: any
    private final boolean allowRoot;
    private final long maxTimeoutSeconds; // 0: no cap
    private final Set<String> scriptUriHosts; // null: any
    private final Set<String> blobHosts; // null: any
    private final Set<String> commandIds; // null: any run, with or without a commandId

    private AgentPolicy(boolean enabled, Set<String> runAsUsers, boolean allowRoot, long maxTimeoutSeconds,
            Set<String> scriptUriHosts, Set<String> blobHosts, Set<String> commandIds) {
        this.commandIds = commandIds;
        this.enabled = enabled;
        this.runAsUsers = runAsUsers;
        this.allowRoot = allowRoot;
        this.maxTimeoutSeconds = maxTimeoutSeconds;
        this.scriptUriHosts = scriptUriHosts;
        this.blobHosts = blobHosts;
    }

    /**
     * Reads the policy file; fails naming the file and the problem when it is not root's, is writable by others,
     * or holds an unknown key or a bad value.
     */
    public static AgentPolicy load(Path file) throws PolicyException {
        try {
            requireRootOwned(file);
            Properties values = new Properties();
            try (Reader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
                values.load(in);
            }
            return parse(values, file);
        } catch (IOException e) {
            throw new PolicyException("agent policy " + file + " cannot be read: " + e.getMessage());
        }
    }

    static AgentPolicy parse(Properties values, Path file) throws PolicyException {
        for (String key : values.stringPropertyNames()) {
            if (!KEYS.contains(key)) {
                throw new PolicyException("agent policy " + file + ": unknown key '" + key + "' (known: "
                        + String.join(", ", new TreeSet<>(KEYS)) + ")");
            }
        }
        return new AgentPolicy(bool(values, "run-command.enabled", file), list(values, "run-as-users"),
                bool(values, "allow-root", file), seconds(values, file), hosts(values, "script-uri-hosts"),
                hosts(values, "blob-hosts"), list(values, "command-ids"));
    }

    /** Why {@code run} may not start here, or empty when it may. */
    public Optional<String> refusal(Run run) {
        if (!enabled) {
            return blocked("run command is disabled on this machine");
        }
        String user = run.getRunAsUser();
        boolean asAgent = user.isEmpty() || user.equals("root");
        if (asAgent && !allowRoot) {
            return blocked("running as " + (user.isEmpty() ? "the agent's user" : "root") + " is not allowed");
        }
        if (!user.isEmpty() && runAsUsers != null && !runAsUsers.contains(user)) {
            return blocked("runAsUser '" + user + "' is not allowed");
        }
        if (commandIds != null) {
            Optional<String> refused = commandRefusal(run);
            if (refused.isPresent()) {
                return refused;
            }
        }
        if (!run.getScriptUri().isEmpty() && !allowed(scriptUriHosts, run.getScriptUri())) {
            return blocked("scriptUri host '" + host(run.getScriptUri()) + "' is not allowed");
        }
        for (String blob : new String[] {run.getOutputBlobUri(), run.getErrorBlobUri()}) {
            if (!blob.isEmpty() && !allowed(blobHosts, blob)) {
                return blocked("blob host '" + host(blob) + "' is not allowed");
            }
        }
        return Optional.empty();
    }

    /**
     * A command allow-list admits a run only when it names an allowed command and carries exactly that command's
     * script as this agent knows it ({@link BuiltInScripts}), without a scriptUri: the name alone proves nothing.
     */
    private Optional<String> commandRefusal(Run run) {
        String id = run.getCommandId();
        if (id.isEmpty()) {
            return blocked("only the commands [" + String.join(",", new TreeSet<>(commandIds)) + "] may run, not a"
                    + " script");
        }
        if (commandIds.stream().noneMatch(id::equalsIgnoreCase)) {
            return blocked("commandId '" + id + "' is not allowed");
        }
        if (!run.getScriptUri().isEmpty() || !BuiltInScripts.script(id).map(run.getScript()::equals).orElse(false)) {
            return blocked("the script sent for commandId '" + id + "' is not that command's");
        }
        return Optional.empty();
    }

    /** {@code run} with its timeout lowered to the policy's cap (a run without a timeout gets the cap). */
    public Run capped(Run run) {
        if (maxTimeoutSeconds == 0 || (run.getTimeoutSeconds() != 0 && run.getTimeoutSeconds() <= maxTimeoutSeconds)) {
            return run;
        }
        return run.toBuilder().setTimeoutSeconds((int) maxTimeoutSeconds).build();
    }

    /** The policy in one line, for the log and for operators. */
    public String summary() {
        if (!enabled) {
            return "run command disabled";
        }
        return "run-as users " + (runAsUsers == null ? "any" : "[" + String.join(",", new TreeSet<>(runAsUsers)) + "]")
                + "; as root " + (allowRoot ? "allowed" : "refused")
                + "; timeout " + (maxTimeoutSeconds == 0 ? "uncapped" : "at most " + maxTimeoutSeconds + " s")
                + "; scriptUri hosts " + describe(scriptUriHosts) + "; blob hosts " + describe(blobHosts)
                + "; commands " + (commandIds == null ? "any, and scripts" : "only [" + String.join(",",
                        new TreeSet<>(commandIds)) + "]");
    }

    private static Optional<String> blocked(String why) {
        return Optional.of("blocked by agent policy: " + why);
    }

    private static boolean allowed(Set<String> hosts, String url) {
        return hosts == null || hosts.contains(host(url));
    }

    private static String host(String url) {
        try {
            String host = URI.create(url).getHost();
            return host == null ? "" : host.toLowerCase(Locale.ROOT);
        } catch (IllegalArgumentException e) {
            return "";
        }
    }

    private static String describe(Set<String> hosts) {
        return hosts == null ? "any" : "[" + String.join(",", new TreeSet<>(hosts)) + "]";
    }

    private static void requireRootOwned(Path file) throws IOException, PolicyException {
        if (!Files.isRegularFile(file, LinkOption.NOFOLLOW_LINKS)) {
            throw new PolicyException("agent policy " + file + " is not a regular file");
        }
        Object owner = Files.getAttribute(file, "unix:uid", LinkOption.NOFOLLOW_LINKS);
        if (!Integer.valueOf(0).equals(owner)) {
            throw new PolicyException("agent policy " + file + " must belong to root (uid " + owner + ")");
        }
        Set<PosixFilePermission> mode = Files.getPosixFilePermissions(file, LinkOption.NOFOLLOW_LINKS);
        if (mode.contains(PosixFilePermission.GROUP_WRITE) || mode.contains(PosixFilePermission.OTHERS_WRITE)) {
            throw new PolicyException("agent policy " + file + " must not be writable by group or others");
        }
    }

    private static boolean bool(Properties values, String key, Path file) throws PolicyException {
        String value = values.getProperty(key, "true").strip();
        if (!value.equals("true") && !value.equals("false")) {
            throw new PolicyException("agent policy " + file + ": " + key + " must be true or false, not '" + value
                    + "'");
        }
        return value.equals("true");
    }

    private static long seconds(Properties values, Path file) throws PolicyException {
        String value = values.getProperty("max-timeout-seconds", "0").strip();
        try {
            long seconds = Long.parseLong(value);
            if (seconds >= 0 && seconds <= Integer.MAX_VALUE) {
                return seconds;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new PolicyException("agent policy " + file + ": max-timeout-seconds must be a whole number of seconds, "
                + "0 for no cap, not '" + value + "'");
    }

    private static Set<String> list(Properties values, String key) {
        String value = values.getProperty(key);
        return value == null ? null : Arrays.stream(value.split(",")).map(String::strip).filter(s -> !s.isEmpty())
                .collect(Collectors.toUnmodifiableSet());
    }

    private static Set<String> hosts(Properties values, String key) {
        Set<String> hosts = list(values, key);
        return hosts == null ? null : hosts.stream().map(h -> h.toLowerCase(Locale.ROOT))
                .collect(Collectors.toUnmodifiableSet());
    }
}
