package dev.runcmd.agent.admin;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The command line of {@code connect}, {@code show} and {@code check}, split into what only these subcommands know
 * ({@code -o json}, {@code --no-start}, the join token, the config file) and the agent's own settings, which are left
 * for {@code AgentConfig} to read and validate.
 *
 * @param json true with {@code -o json} (or {@code --output json})
 * @param noStart true with {@code --no-start}: connect does not touch the systemd service
 * @param joinToken the {@code --join-token} value as written ({@code @FILE}, {@code @-} or the token), or null
 * @param configFile the {@code --config} value, or null
 * @param settings the remaining arguments: the agent's settings, {@code --flag value} or {@code --flag=value}
 */
public record AdminArguments(boolean json, boolean noStart, String joinToken, String configFile,
        List<String> settings) {

    /** The config file a subcommand uses when neither {@code --config} nor RUNCMD_AGENT_CONFIG names one. */
    public static final String DEFAULT_CONFIG = "/etc/runcmd/agent.properties";

    public AdminArguments {
        settings = List.copyOf(settings);
    }

    /**
     * Parses the arguments after the subcommand's name.
     *
     * @throws IllegalArgumentException with a one-line message for a missing or unknown value
     */
    public static AdminArguments parse(List<String> args) {
        boolean json = false;
        boolean noStart = false;
        String joinToken = null;
        String configFile = null;
        List<String> settings = new ArrayList<>();
        for (int i = 0; i < args.size(); i++) {
            String arg = args.get(i);
            String name = arg.startsWith("--") && arg.indexOf('=') > 0 ? arg.substring(0, arg.indexOf('=')) : arg;
            boolean inline = !name.equals(arg);
            switch (name) {
                case "-o", "--output" -> {
                    String format = inline ? arg.substring(name.length() + 1) : value(args, ++i, name);
                    if (!format.equals("json") && !format.equals("text")) {
                        throw new IllegalArgumentException("option " + name + " takes json or text, not '" + format
                                + "'");
                    }
                    json = format.equals("json");
                }
                case "--no-start" -> noStart = true;
                case "--join-token" -> joinToken = inline ? arg.substring(name.length() + 1) : value(args, ++i, name);
                case "--config" -> configFile = inline ? arg.substring(name.length() + 1) : value(args, ++i, name);
                default -> settings.add(arg);
            }
        }
        return new AdminArguments(json, noStart, joinToken, configFile, settings);
    }

    /** The config file: {@code --config}, else RUNCMD_AGENT_CONFIG, else {@value #DEFAULT_CONFIG}. */
    public String configFile(Map<String, String> env) {
        if (configFile != null) {
            return configFile;
        }
        String named = env.get("RUNCMD_AGENT_CONFIG");
        return named == null || named.isBlank() ? DEFAULT_CONFIG : named.trim();
    }

    private static String value(List<String> args, int index, String name) {
        if (index >= args.size() || args.get(index).isBlank()) {
            throw new IllegalArgumentException("option " + name + " needs a value");
        }
        return args.get(index);
    }
}
