package dev.runcmd.agent;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.EnumMap;
import java.util.Map;
import java.util.Properties;

/**
 * Collects raw setting values from the three sources, applying the precedence command-line flags
 * over environment over properties file. Values are not validated here, only located; each keeps
 * its origin so that a later error message can say where a bad value came from.
 */
final class ConfigSources {
    /** The flag that names the properties file. */
    static final String CONFIG_FLAG = "--config";
    /** The environment variable that names the properties file. */
    static final String CONFIG_ENV = "RUNCMD_AGENT_CONFIG";

    /**
     * A raw value, a human-readable description of where it came from, and whether that was the command
     * line (which every local user can read in {@code /proc} while the agent runs).
     */
    record Value(String text, String origin, boolean inArguments) {}

    private ConfigSources() {}

    /** Resolves every setting that any source provides; absent settings are absent from the map. */
    static Map<ConfigKey, Value> resolve(Map<String, String> env, String[] args) throws ConfigException {
        Map<ConfigKey, Value> flags = new EnumMap<>(ConfigKey.class);
        String configFile = parseFlags(args, flags);
        if (configFile == null) {
            configFile = nonBlank(env.get(CONFIG_ENV));
        }
        Map<ConfigKey, Value> values = new EnumMap<>(ConfigKey.class);
        if (configFile != null) {
            values.putAll(readFile(configFile));
        }
        for (ConfigKey key : ConfigKey.values()) {
            String text = nonBlank(env.get(key.env()));
            if (text != null) {
                values.put(key, new Value(text, "environment " + key.env(), false));
            }
        }
        values.putAll(flags);
        return values;
    }

    /**
     * Parses {@code --flag value} and {@code --flag=value} pairs into {@code into}; returns the
     * value of {@code --config}, or null. A later repetition of a flag wins.
     */
    private static String parseFlags(String[] args, Map<ConfigKey, Value> into) throws ConfigException {
        String configFile = null;
        for (int i = 0; i < args.length; i++) {
            String flag = args[i];
            String value = null;
            int eq = flag.indexOf('=');
            if (flag.startsWith("--") && eq > 0) {
                value = flag.substring(eq + 1);
                flag = flag.substring(0, eq);
            } else if (i + 1 < args.length && !args[i + 1].startsWith("--")) {
                value = args[++i];
            }
            if (flag.equals(CONFIG_FLAG)) {
                configFile = requireValue(flag, value);
                continue;
            }
            ConfigKey key = keyOf(flag);
            if (key.isSwitch() && eq < 0 && value != null && !isBoolean(value)) {
                i--; // a switch alone, followed by something else
                value = "true";
            } else if (key.isSwitch() && value == null) {
                value = "true";
            }
            into.put(key, new Value(requireValue(flag, value), "flag " + flag, true));
        }
        return configFile;
    }

    private static boolean isBoolean(String text) {
        return text.equalsIgnoreCase("true") || text.equalsIgnoreCase("false");
    }

    private static ConfigKey keyOf(String flag) throws ConfigException {
        ConfigKey key = flag.startsWith("--") ? ConfigKey.byKey(flag.substring(2)) : null;
        if (key == null) {
            throw new ConfigException("unknown option '" + flag + "' (try --help)");
        }
        return key;
    }

    private static String requireValue(String flag, String value) throws ConfigException {
        if (value == null || value.isBlank()) {
            throw new ConfigException("option " + flag + " needs a value");
        }
        return value.trim();
    }

    /** Reads a java.util.Properties file; an unknown key is an error, so that typos surface. */
    private static Map<ConfigKey, Value> readFile(String name) throws ConfigException {
        Properties props = new Properties();
        try (Reader reader = Files.newBufferedReader(Path.of(name), StandardCharsets.UTF_8)) {
            props.load(reader);
        } catch (IOException | RuntimeException e) {
            throw new ConfigException("cannot read config file '" + name + "': " + e.getMessage());
        }
        Map<ConfigKey, Value> values = new EnumMap<>(ConfigKey.class);
        for (String property : props.stringPropertyNames()) {
            ConfigKey key = ConfigKey.byKey(property);
            if (key == null) {
                throw new ConfigException("unknown key '" + property + "' in config file '" + name + "'");
            }
            String text = nonBlank(props.getProperty(property));
            if (text != null) {
                values.put(key, new Value(text, "config file " + name, false));
            }
        }
        return values;
    }

    private static String nonBlank(String text) {
        return text == null || text.isBlank() ? null : text.trim();
    }
}
