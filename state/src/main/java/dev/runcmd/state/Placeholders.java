package dev.runcmd.state;

/**
 * Renders a statement of this package, written once with PostgreSQL's numbered parameters ({@code $1}, as the
 * Vert.x PostgreSQL client takes it), into the ordinal parameters of a Hibernate (Reactive) native query
 * ({@code ?1}), for the writers that must run it in their Hibernate session's transaction.
 *
 * <p>Hand-written because the rule is this small and no library renders one style into the other: a {@code $}
 * followed by digits outside quotes becomes {@code ?} with the same digits. Text in single quotes (string
 * literals, {@code ''} escapes included) and double quotes (identifiers) is copied as it is. Dollar-quoted text is
 * refused, since {@code $tag$} could not be told from a parameter reliably; no statement here uses it.
 */
public final class Placeholders {

    private Placeholders() {
    }

    /** The statement with each {@code $n} outside quotes written {@code ?n}. */
    public static String toOrdinal(String sql) {
        StringBuilder out = new StringBuilder(sql.length());
        int i = 0;
        while (i < sql.length()) {
            char c = sql.charAt(i);
            if (c == '\'' || c == '"') {
                int end = closingQuote(sql, i);
                out.append(sql, i, end);
                i = end;
            } else if (c == '$') {
                i = parameter(sql, i, out);
            } else {
                out.append(c);
                i++;
            }
        }
        return out.toString();
    }

    /** Copies {@code $n} at {@code start} as {@code ?n}; returns the index after it. */
    private static int parameter(String sql, int start, StringBuilder out) {
        int end = start + 1;
        while (end < sql.length() && Character.isDigit(sql.charAt(end))) {
            end++;
        }
        if (end == start + 1) {
            throw new IllegalArgumentException("Not a numbered parameter at " + start + " (dollar quoting?): " + sql);
        }
        out.append('?').append(sql, start + 1, end);
        return end;
    }

    /** The index after the quote that closes the one at {@code start}; a doubled quote is part of the text. */
    private static int closingQuote(String sql, int start) {
        char quote = sql.charAt(start);
        int i = start + 1;
        while (i < sql.length()) {
            if (sql.charAt(i) == quote) {
                if (i + 1 < sql.length() && sql.charAt(i + 1) == quote) {
                    i += 2;
                    continue;
                }
                return i + 1;
            }
            i++;
        }
        throw new IllegalArgumentException("Unclosed " + quote + " at " + start + ": " + sql);
    }
}
