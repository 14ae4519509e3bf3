package dev.runcmd.agent.exec;

import dev.runcmd.proto.agent.v1.Parameter;
import dev.runcmd.proto.agent.v1.Run;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * The parameters of a Linux run as a small shell file that the script's own shell reads first: named values are
 * exported, unnamed ones become the positional parameters ({@code set --}), and the file removes itself before the
 * script starts. This is how parameters reach the script and nothing else: they are never in the environment of
 * the helpers that start it as root ({@code setsid}, the wrapper shell, {@code setpriv}), so a PATH or LD_PRELOAD
 * parameter cannot change what those run, and no value is ever on a command line ({@code /proc/<pid>/cmdline} is
 * readable by every user). The file is mode 0600 and owned by the user the script runs as.
 *
 * <p>Azure's Linux rules: named parameters become environment variables, unnamed ones positional arguments (public
 * first, then protected), and empty values are skipped. A name must be a shell variable name.
 */
final class LaunchFile {

    private static final Pattern VARIABLE_NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");

    private final Map<String, String> named;
    private final List<String> positional;
    private final boolean protectedPositional;

    private LaunchFile(Map<String, String> named, List<String> positional, boolean protectedPositional) {
        this.named = named;
        this.positional = positional;
        this.protectedPositional = protectedPositional;
    }

    /** The parameters of {@code run}; throws IllegalArgumentException for a name or value no shell can take. */
    static LaunchFile of(Run run) {
        Map<String, String> named = new LinkedHashMap<>();
        List<String> positional = new ArrayList<>();
        add(run.getParametersList(), named, positional);
        int publicPositional = positional.size();
        add(run.getProtectedParametersList(), named, positional);
        return new LaunchFile(named, positional, positional.size() > publicPositional);
    }

    private static void add(List<Parameter> parameters, Map<String, String> named, List<String> positional) {
        for (Parameter p : parameters) {
            if (p.getValue().isEmpty()) {
                continue;
            }
            if (p.getValue().indexOf('\0') >= 0) {
                throw new IllegalArgumentException((p.getName().isEmpty() ? "positional parameter "
                        + (positional.size() + 1) : "parameter '" + p.getName() + "'") + " contains a NUL character");
            }
            if (p.getName().isEmpty()) {
                positional.add(p.getValue());
            } else {
                named.put(requireVariableName(p.getName()), p.getValue());
            }
        }
    }

    /** The named values, a later parameter of a name winning. */
    Map<String, String> named() {
        return named;
    }

    /** The unnamed values, public first, then protected. */
    List<String> positional() {
        return positional;
    }

    /** True when there is no value to hand over (every parameter absent or empty). */
    boolean isEmpty() {
        return named.isEmpty() && positional.isEmpty();
    }

    /** True when a protected value is among the positional ones. */
    boolean hasProtectedPositional() {
        return protectedPositional;
    }

    /** The file's text: remove itself ({@code self}), export the named values, set the positional ones. */
    String render(String self) {
        StringBuilder text = new StringBuilder("rm -f -- ").append(quote(self)).append('\n');
        named.forEach((name, value) -> text.append("export ").append(name).append('=').append(quote(value))
                .append('\n'));
        text.append("set --");
        positional.forEach(value -> text.append(' ').append(quote(value)));
        return text.append('\n').toString();
    }

    /** {@code value} as one single-quoted shell word. */
    static String quote(String value) {
        return "'" + value.replace("'", "'\\''") + "'";
    }

    private static String requireVariableName(String name) {
        if (!VARIABLE_NAME.matcher(name).matches()) {
            throw new IllegalArgumentException("parameter name '" + name.replace('\0', '?')
                    + "' cannot be an environment variable name (letters, digits and '_', not starting with a digit)");
        }
        return name;
    }
}
