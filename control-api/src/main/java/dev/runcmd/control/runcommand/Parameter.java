package dev.runcmd.control.runcommand;

import java.util.regex.Pattern;

/**
 * One script parameter, as in Azure's {@code RunCommandInputParameter}. An empty name makes it positional.
 *
 * <p>The values of protected parameters use this type too: never log a Parameter, and never put one of them in
 * a response.
 *
 * @param name an environment variable name, or empty for a positional argument
 * @param value the value, always text
 */
public record Parameter(String name, String value) {

    private static final Pattern ENV_NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");

    /** True for an empty name (a positional parameter) or a valid environment variable name. */
    public static boolean isValidName(String name) {
        return name.isEmpty() || ENV_NAME.matcher(name).matches();
    }

    /** Hides the value, so that an accidental log line never shows a secret. */
    @Override
    public String toString() {
        return "Parameter[name=" + name + ", value=<hidden>]";
    }
}
