package dev.runcmd.control.machine;

import dev.runcmd.control.arm.ArmException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * ARM's tag filter of resource lists: {@code tagName eq 'env'} or {@code tagName eq 'env' and tagValue eq 'prod'}
 * (keywords case-insensitive, values single-quoted with {@code ''} for a quote).
 *
 * @param name the tag name, or null for no filter
 * @param value the tag value, or null for any value
 */
record TagFilter(String name, String value) {

    private static final String QUOTED = "'((?:[^']|'')*)'";
    private static final Pattern FORM = Pattern.compile("(?i)\\s*tagName\\s+eq\\s+" + QUOTED
            + "(?:\\s+and\\s+tagValue\\s+eq\\s+" + QUOTED + ")?\\s*");

    /** The filter of a {@code $filter} parameter; 400 InvalidFilter for any other form. */
    static TagFilter parse(String filter) {
        if (filter == null || filter.isBlank()) {
            return new TagFilter(null, null);
        }
        Matcher matcher = FORM.matcher(filter);
        if (!matcher.matches()) {
            throw new ArmException(400, "InvalidFilter", "The $filter '" + filter + "' is not supported: use "
                    + "\"tagName eq '{name}'\" or \"tagName eq '{name}' and tagValue eq '{value}'\".");
        }
        return new TagFilter(unquote(matcher.group(1)), matcher.group(2) == null ? null : unquote(matcher.group(2)));
    }

    private static String unquote(String quoted) {
        return quoted.replace("''", "'");
    }
}
