package dev.runcmd.cli.command;

import dev.runcmd.cli.http.ArmClient;
import java.util.ArrayList;
import java.util.List;

/**
 * An OData {@code $filter} of {@code and}-joined comparisons, as ARM list operations take it
 * ({@code roleName eq 'Reader'}, {@code eventTimestamp ge '...' and resourceGroupName eq 'rg'}). String literals are
 * quoted with single quotes, a quote inside doubled.
 */
final class ODataFilter {

    private final List<String> clauses = new ArrayList<>();

    /** Adds {@code field op 'value'}; nothing when {@code value} is null. */
    ODataFilter add(String field, String operator, String value) {
        if (value != null) {
            clauses.add(field + " " + operator + " " + quote(value));
        }
        return this;
    }

    /** Adds {@code field eq 'value'}; nothing when {@code value} is null. */
    ODataFilter eq(String field, String value) {
        return add(field, "eq", value);
    }

    boolean isEmpty() {
        return clauses.isEmpty();
    }

    /** {@code path?$filter=<the filter, percent-encoded>}, or {@code path} alone when the filter is empty. */
    String appendTo(String path) {
        return isEmpty() ? path : path + "?$filter=" + ArmClient.encode(toString());
    }

    /** The filter's text, unencoded. */
    @Override
    public String toString() {
        return String.join(" and ", clauses);
    }

    static String quote(String value) {
        return "'" + value.replace("'", "''") + "'";
    }
}
