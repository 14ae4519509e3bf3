package dev.runcmd.agent.admin;

import dev.runcmd.agent.AgentConfig;
import dev.runcmd.agent.ConfigException;
import dev.runcmd.agent.identity.Identity;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The administrator's subcommands, {@code connect}, {@code show} and {@code check}, in the manner of
 * {@code azcmagent}: each reads the agent's configuration as the daemon would (the config file
 * {@value AdminArguments#DEFAULT_CONFIG} by default), does its work and returns an exit code. Failures are one line
 * on stderr; a secret never appears in what is printed.
 */
public final class Admin {
    /** Success. */
    public static final int OK = 0;
    /** The work failed (enrollment refused, a gateway not reached, a check failed). */
    public static final int FAILED = 1;
    /** A bad option or value. */
    public static final int USAGE = 2;

    private final Map<String, String> env;
    private final InputStream stdin;
    private final PrintStream out;
    private final PrintStream err;

    /** Subcommands that read {@code env} and {@code stdin} and write to {@code out} and {@code err}. */
    public Admin(Map<String, String> env, InputStream stdin, PrintStream out, PrintStream err) {
        this.env = Map.copyOf(env);
        this.stdin = stdin;
        this.out = out;
        this.err = err;
    }

    /** True when {@code name} is one of the subcommands here. */
    public static boolean handles(String name) {
        return name.equals("connect") || name.equals("show") || name.equals("check");
    }

    /** Runs subcommand {@code name} with {@code args} (those after the name); returns the exit code. */
    public int run(String name, List<String> args) throws InterruptedException {
        AdminArguments arguments;
        try {
            arguments = AdminArguments.parse(args);
        } catch (IllegalArgumentException e) {
            return fail(USAGE, e.getMessage());
        }
        return switch (name) {
            case "connect" -> new Connect(this, arguments).run();
            case "show" -> new Show(this, arguments).run();
            case "check" -> new Check(this, arguments).run();
            default -> fail(USAGE, "unknown subcommand '" + name + "' (try --help)");
        };
    }

    /**
     * The configuration the daemon would read with these arguments: the config file (when it exists), the
     * environment, the settings; {@code joinToken} (may be null) as if it were RUNCMD_JOIN_TOKEN.
     */
    AgentConfig config(AdminArguments arguments, String joinToken) throws ConfigException {
        Map<String, String> effective = new HashMap<>(env);
        Path file = Path.of(arguments.configFile(env));
        if (Files.exists(file)) {
            effective.put("RUNCMD_AGENT_CONFIG", file.toString());
        } else {
            effective.remove("RUNCMD_AGENT_CONFIG");
        }
        effective.remove("RUNCMD_JOIN_TOKEN");
        if (joinToken != null) {
            effective.put("RUNCMD_JOIN_TOKEN", joinToken);
        }
        return AgentConfig.from(effective, arguments.settings().toArray(String[]::new));
    }

    /** What {@code show} and {@code connect} say about an identity. */
    static Map<String, Object> describe(Identity identity, Instant now) {
        var machine = identity.machine();
        Map<String, Object> facts = new LinkedHashMap<>();
        facts.put("machineName", machine.machineName());
        facts.put("resourceGroup", machine.resourceGroup());
        facts.put("subscriptionId", machine.subscriptionId());
        facts.put("resourceId", resourceId(machine.subscriptionId(), machine.resourceGroup(), machine.machineName()));
        facts.put("enrollmentId", machine.enrollment() == null ? null : machine.enrollment().toString());
        facts.put("certificateSubject", identity.certificate().getSubjectX500Principal().getName());
        facts.put("certificateSerial", identity.certificate().getSerialNumber().toString(16));
        facts.put("notBefore", identity.certificate().getNotBefore().toInstant().toString());
        facts.put("notAfter", identity.notAfter().toString());
        facts.put("daysLeft", Math.floor(Duration.between(now, identity.notAfter()).toMinutes() / 144.0) / 10);
        return facts;
    }

    /** The machine's ARM resource id. */
    static String resourceId(String subscription, String resourceGroup, String machineName) {
        return "/subscriptions/" + subscription + "/resourceGroups/" + resourceGroup
                + "/providers/Microsoft.HybridCompute/machines/" + machineName;
    }

    Map<String, String> env() {
        return env;
    }

    InputStream stdin() {
        return stdin;
    }

    PrintStream out() {
        return out;
    }

    /** Prints {@code message} as the one line of a failure; returns {@code code}. */
    int fail(int code, String message) {
        err.println("runcmd-agent: " + message);
        return code;
    }

    /** Prints a warning line. */
    void warn(String message) {
        err.println("runcmd-agent: warning: " + message);
    }
}
