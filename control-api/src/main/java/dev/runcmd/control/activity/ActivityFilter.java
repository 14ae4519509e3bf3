package dev.runcmd.control.activity;

import dev.runcmd.control.arm.ArmException;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;

/**
 * The {@code $filter} of an activity log query, in the subset of Azure Monitor's grammar runcmd serves:
 * {@code eventTimestamp ge '<time>'} (required), then optionally, joined by {@code and}:
 * {@code eventTimestamp le '<time>'} (default: now; at most {@value #MAX_SPAN_DAYS} days after the start),
 * {@code resourceGroupName eq '<name>'}, {@code resourceUri eq '<id>'} (or {@code resourceId eq}),
 * {@code correlationId eq '<id>'}, {@code caller eq '<name>'}. Field names, operators and {@code and} are
 * case-insensitive; values are single-quoted, a quote inside one doubled ({@code 'O''Brien'}). Times are ISO 8601,
 * with an offset or else UTC; a date alone is its midnight UTC.
 *
 * <p>Hand-written because it is this small: a general OData parser would accept far more than the query can serve
 * and report it less precisely. Every refusal is a 400 BadRequest naming what is wrong.
 *
 * @param from the earliest event time (inclusive)
 * @param to the latest event time (inclusive)
 * @param resourceGroup only events in this resource group (case-insensitive), or null
 * @param resourceUri only events of this resource id (case-insensitive), or null
 * @param correlationId only events with this correlation id, or null
 * @param caller only events of this caller (case-insensitive), or null
 */
public record ActivityFilter(Instant from, Instant to, String resourceGroup, String resourceUri,
        String correlationId, String caller) {

    /** The longest time span one query may cover. */
    public static final int MAX_SPAN_DAYS = 90;

    private static final String FIELDS = "eventTimestamp, resourceGroupName, resourceUri (or resourceId), "
            + "correlationId and caller";
    private static final String EXAMPLE = "eventTimestamp ge '2024-05-01T00:00:00Z'";

    /** Parses {@code $filter}; {@code now} is the end of the span when the filter gives none. */
    public static ActivityFilter parse(String filter, Instant now) {
        if (filter == null || filter.isBlank()) {
            throw invalid("The $filter query parameter is required; give at least " + EXAMPLE + ".");
        }
        Map<String, String> clauses = new Parser(filter).clauses();
        String fromText = clauses.get("eventtimestamp ge");
        if (fromText == null) {
            throw invalid("Invalid $filter: eventTimestamp ge '<time>' is required, e.g. " + EXAMPLE + ".");
        }
        Instant from = time("ge", fromText);
        String toText = clauses.get("eventtimestamp le");
        Instant to = toText == null ? now : time("le", toText);
        if (to.isBefore(from)) {
            throw invalid("Invalid $filter: the end of the time span (" + to + ") is before its start (" + from + ").");
        }
        if (Duration.between(from, to).compareTo(Duration.ofDays(MAX_SPAN_DAYS)) > 0) {
            throw invalid("Invalid $filter: the time span from " + from + " to " + to + " is longer than "
                    + MAX_SPAN_DAYS + " days.");
        }
        return new ActivityFilter(from, to, clauses.get("resourcegroupname eq"), clauses.get("resourceuri eq"),
                clauses.get("correlationid eq"), clauses.get("caller eq"));
    }

    private static Instant time(String operator, String text) {
        try {
            return OffsetDateTime.parse(text).toInstant();
        } catch (DateTimeParseException notWithOffset) {
            try {
                return LocalDateTime.parse(text).toInstant(ZoneOffset.UTC);
            } catch (DateTimeParseException notLocal) {
                try {
                    return LocalDate.parse(text).atStartOfDay().toInstant(ZoneOffset.UTC);
                } catch (DateTimeParseException notDate) {
                    throw invalid("Invalid $filter: in eventTimestamp " + operator + " '" + text + "', '" + text
                            + "' is not an ISO 8601 time such as '2024-05-01T10:00:00Z'.");
                }
            }
        }
    }

    private static ArmException invalid(String message) {
        return new ArmException(400, "BadRequest", message);
    }

    /** Reads {@code field op 'value' [and field op 'value']...}; positions in messages count from 1. */
    private static final class Parser {

        private final String text;
        private int position;
        private final Map<String, String> clauses = new HashMap<>();

        Parser(String text) {
            this.text = text;
        }

        Map<String, String> clauses() {
            skipSpaces();
            clause();
            while (true) {
                boolean spaced = skipSpaces();
                if (position == text.length()) {
                    return clauses;
                }
                if (!spaced) {
                    throw invalid("Invalid $filter at position " + (position + 1) + ": expected a space after the "
                            + "closing quote.");
                }
                int start = position;
                String joiner = word();
                if (!joiner.equalsIgnoreCase("and")) {
                    throw invalid("Invalid $filter at position " + (start + 1) + ": expected 'and' between "
                            + "conditions, found '" + joiner + "' ('or', 'not' and parentheses are not supported).");
                }
                requireSpace("'and'");
                clause();
            }
        }

        private void clause() {
            int start = position;
            String field = word();
            if (field.isEmpty()) {
                throw invalid("Invalid $filter at position " + (start + 1) + ": expected a field name (" + FIELDS
                        + ").");
            }
            String key = fieldKey(field);
            requireSpace("'" + field + "'");
            String operator = word().toLowerCase(Locale.ROOT);
            checkOperator(field, key, operator);
            requireSpace("'" + field + " " + operator + "'");
            String value = quoted(field + " " + operator);
            String clause = key + " " + operator;
            if (clauses.containsKey(clause)) {
                throw invalid("Invalid $filter: '" + (key.equals("resourceuri") ? "resourceUri" : field) + " "
                        + operator + "' is given twice.");
            }
            if (value.isEmpty()) {
                throw invalid("Invalid $filter: " + field + " " + operator + " '' needs a value.");
            }
            clauses.put(clause, value);
        }

        /** The field's key (lower case; resourceId is resourceUri); refuses fields the query does not know. */
        private static String fieldKey(String field) {
            String lower = field.toLowerCase(Locale.ROOT);
            return switch (lower) {
                case "eventtimestamp", "resourcegroupname", "resourceuri", "correlationid", "caller" -> lower;
                case "resourceid" -> "resourceuri";
                default -> throw invalid("Invalid $filter: the field '" + field + "' is not supported; use " + FIELDS
                        + ".");
            };
        }

        private static void checkOperator(String field, String key, String operator) {
            boolean time = key.equals("eventtimestamp");
            boolean valid = time ? operator.equals("ge") || operator.equals("le") : operator.equals("eq");
            if (!valid) {
                String allowed = time ? "'ge' and 'le'" : "only 'eq'";
                String found = operator.isEmpty() ? "no operator" : "'" + operator + "'";
                throw invalid("Invalid $filter: " + field + " takes " + allowed + ", not " + found + ".");
            }
        }

        /** A run of letters; empty when none starts here. */
        private String word() {
            int start = position;
            while (position < text.length() && Character.isLetter(text.charAt(position))) {
                position++;
            }
            return text.substring(start, position);
        }

        private String quoted(String after) {
            if (position >= text.length() || text.charAt(position) != '\'') {
                throw invalid("Invalid $filter at position " + (position + 1) + ": expected a single-quoted value "
                        + "after '" + after + "'.");
            }
            int start = position++;
            StringBuilder value = new StringBuilder();
            while (position < text.length()) {
                char c = text.charAt(position++);
                if (c != '\'') {
                    value.append(c);
                } else if (position < text.length() && text.charAt(position) == '\'') {
                    value.append('\'');
                    position++;
                } else {
                    return value.toString();
                }
            }
            throw invalid("Invalid $filter: the value that starts at position " + (start + 1) + " has no closing "
                    + "quote.");
        }

        private void requireSpace(String after) {
            if (!skipSpaces()) {
                throw invalid("Invalid $filter at position " + (position + 1) + ": expected a space after " + after
                        + ".");
            }
        }

        /** Skips spaces; true when there were some or the text ended. */
        private boolean skipSpaces() {
            int start = position;
            while (position < text.length() && text.charAt(position) == ' ') {
                position++;
            }
            return position > start || position == text.length();
        }
    }
}
