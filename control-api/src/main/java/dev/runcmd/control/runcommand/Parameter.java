package dev.runcmd.control.runcommand;

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

    /** Hides the value, so that an accidental log line never shows a secret. */
    @Override
    public String toString() {
        return "Parameter[name=" + name + ", value=<hidden>]";
    }
}
