package dev.runcmd.agent;

/**
 * The agent's configuration is unusable. The message is one line that names the setting, the
 * offending value and where it came from; {@link Main} prints it and exits with code 2.
 */
public final class ConfigException extends Exception {
    private static final long serialVersionUID = 1L;

    /** Creates the exception with its one-line message. */
    public ConfigException(String message) {
        super(message);
    }
}
