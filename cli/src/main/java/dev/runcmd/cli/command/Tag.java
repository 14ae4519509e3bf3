package dev.runcmd.cli.command;

/**
 * A machine tag as the command line writes it: {@code NAME=VALUE} to set one ({@code machine update --tags}), and
 * also a bare {@code NAME} to select machines having it whatever its value ({@code machine list --tag}). Only the
 * syntax is checked here; the API judges names and values (their length, characters and count).
 *
 * @param name the tag's name, never empty
 * @param value the tag's value (may be empty), or null for "any value"
 */
record Tag(String name, String value) {

    /** {@code NAME=VALUE} (split at the first {@code =}; {@code NAME=} is an empty value); else IllegalArgumentException. */
    static Tag assignment(String text) {
        int equals = text.indexOf('=');
        if (text.isEmpty()) {
            throw new IllegalArgumentException("'' is not a tag: use NAME=VALUE; to remove every tag use --clear-tags");
        }
        if (equals < 0) {
            throw new IllegalArgumentException("'" + text + "' is not a tag: use NAME=VALUE (NAME= for an empty value)");
        }
        return new Tag(name(text, equals, "a tag", "NAME=VALUE"), text.substring(equals + 1));
    }

    /** {@code NAME} or {@code NAME=VALUE}; else IllegalArgumentException. */
    static Tag filter(String text) {
        int equals = text.indexOf('=');
        if (equals < 0) {
            return new Tag(name(text, text.length(), "a tag filter", "NAME or NAME=VALUE"), null);
        }
        return new Tag(name(text, equals, "a tag filter", "NAME or NAME=VALUE"), text.substring(equals + 1));
    }

    private static String name(String text, int end, String what, String usage) {
        if (end == 0) {
            throw new IllegalArgumentException("'" + text + "' is not " + what + ": its name is empty; use " + usage);
        }
        return text.substring(0, end);
    }
}
