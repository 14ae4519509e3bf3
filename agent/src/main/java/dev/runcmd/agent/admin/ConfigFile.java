package dev.runcmd.agent.admin;

import dev.runcmd.agent.spool.Durable;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The agent's properties file as {@code connect} rewrites it: the settings it was given replace the lines that set
 * those keys (or are added at the end), a {@code join-token} line is dropped (the token is spent once the machine is
 * enrolled, and a secret), and every other line, comments included, stays as it was. Written atomically with mode
 * 0600, as the file may hold what the administrator considers private.
 *
 * <p>Hand-written rather than {@link java.util.Properties#store}: that would drop the comments the package ships
 * with the file and reorder the keys.
 */
final class ConfigFile {
    /** The key that is never written. */
    static final String JOIN_TOKEN = "join-token";

    private ConfigFile() {}

    /** {@code original} (the file's lines; empty for a new file) with {@code settings} set and no join token. */
    static List<String> edit(List<String> original, Map<String, String> settings) {
        Map<String, String> pending = new LinkedHashMap<>(settings);
        List<String> lines = new ArrayList<>();
        boolean continued = false; // the previous line ended with an odd number of backslashes
        boolean dropping = false; // that logical line is being replaced
        for (String line : original) {
            if (continued) {
                continued = endsContinued(line);
                if (!dropping) {
                    lines.add(line);
                }
                continue;
            }
            String key = keyOf(line);
            continued = key != null && endsContinued(line);
            dropping = key != null && (key.equals(JOIN_TOKEN) || pending.containsKey(key));
            if (!dropping) {
                lines.add(line);
            } else if (pending.containsKey(key)) {
                lines.add(key + " = " + escape(pending.remove(key)));
            }
        }
        pending.forEach((key, value) -> lines.add(key + " = " + escape(value)));
        return lines;
    }

    /** Rewrites {@code file} atomically (mode 0600) with {@code settings} set; creates it and its directory if absent. */
    static void write(Path file, Map<String, String> settings) throws IOException {
        Path absolute = file.toAbsolutePath();
        List<String> original = Files.exists(absolute)
                ? Files.readAllLines(absolute, StandardCharsets.UTF_8) : List.of(
                        "# The runcmd agent's settings (java.util.Properties; keys as in 'runcmd-agent --help').");
        Files.createDirectories(absolute.getParent());
        String text = String.join("\n", edit(original, settings)) + "\n";
        Durable.replacePrivate(absolute, text.getBytes(StandardCharsets.UTF_8));
    }

    /** The key an active line sets, or null for a comment or blank line. */
    static String keyOf(String line) {
        String text = line.stripLeading();
        if (text.isEmpty() || text.startsWith("#") || text.startsWith("!")) {
            return null;
        }
        StringBuilder key = new StringBuilder();
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == '\\' && i + 1 < text.length()) {
                key.append(text.charAt(++i));
            } else if (c == '=' || c == ':' || Character.isWhitespace(c)) {
                break;
            } else {
                key.append(c);
            }
        }
        return key.toString();
    }

    private static boolean endsContinued(String line) {
        int backslashes = 0;
        for (int i = line.length() - 1; i >= 0 && line.charAt(i) == '\\'; i--) {
            backslashes++;
        }
        return backslashes % 2 == 1;
    }

    /** A value as java.util.Properties reads it back: backslashes, line breaks and leading blanks escaped. */
    static String escape(String value) {
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            switch (c) {
                case '\\' -> out.append("\\\\");
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                case '\t' -> out.append("\\t");
                case '\f' -> out.append("\\f");
                case ' ' -> out.append(i == 0 ? "\\ " : " ");
                default -> out.append(c);
            }
        }
        return out.toString();
    }
}
