package dev.runcmd.control.activity;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.runcmd.control.arm.ArmException;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The $filter grammar of activity log queries: what it accepts, and the precise 400 for everything else. */
class ActivityFilterTest {

    private static final Instant NOW = Instant.parse("2026-12-10T12:00:00Z");

    @Test
    void onlyTheStartIsRequiredAndTheEndDefaultsToNow() {
        ActivityFilter filter = ActivityFilter.parse("eventTimestamp ge '2026-12-01T00:00:00Z'", NOW);
        assertEquals(new ActivityFilter(Instant.parse("2026-12-01T00:00:00Z"), NOW, null, null, null, null), filter);
    }

    @Test
    void everyClauseCaseInsensitiveWithEscapedQuotesAndAnyTimeForm() {
        ActivityFilter filter = ActivityFilter.parse("EVENTTIMESTAMP GE '2026-12-01' AND eventTimestamp le "
                + "'2026-12-02T01:30:00.1234567+01:00'  and resourceGroupName eq 'rg-1' And resourceId Eq "
                + "'/subscriptions/s/resourceGroups/rg-1' and correlationId eq 'c-1' and caller eq 'O''Brien'", NOW);
        assertEquals(new ActivityFilter(Instant.parse("2026-12-01T00:00:00Z"),
                Instant.parse("2026-12-02T00:30:00.1234567Z"), "rg-1", "/subscriptions/s/resourceGroups/rg-1", "c-1",
                "O'Brien"), filter);
        assertEquals(Instant.parse("2026-12-01T08:00:00Z"),
                ActivityFilter.parse("eventTimestamp ge '2026-12-01T08:00:00'", NOW).from());
        assertEquals("/x", ActivityFilter.parse("resourceUri eq '/x' and eventTimestamp ge '2026-12-01'", NOW)
                .resourceUri());
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', quoteCharacter = '`', textBlock = """
            no filter         | ``                                                                                    | The $filter query parameter is required; give at least eventTimestamp ge '2024-05-01T00:00:00Z'.
            no start          | caller eq 'x'                                                                         | Invalid $filter: eventTimestamp ge '<time>' is required, e.g. eventTimestamp ge '2024-05-01T00:00:00Z'.
            unknown field     | eventTimestamp ge '2026-12-01' and level eq 'Error'                                   | Invalid $filter: the field 'level' is not supported; use eventTimestamp, resourceGroupName, resourceUri (or resourceId), correlationId and caller.
            time with eq      | eventTimestamp eq '2026-12-01'                                                        | Invalid $filter: eventTimestamp takes 'ge' and 'le', not 'eq'.
            caller with ne    | eventTimestamp ge '2026-12-01' and caller ne 'x'                                      | Invalid $filter: caller takes only 'eq', not 'ne'.
            no operator       | eventTimestamp                                                                        | Invalid $filter: eventTimestamp takes 'ge' and 'le', not no operator.
            unquoted value    | eventTimestamp ge 2026-12-01                                                          | Invalid $filter at position 19: expected a single-quoted value after 'eventTimestamp ge'.
            double quotes     | eventTimestamp ge "2026-12-01"                                                        | Invalid $filter at position 19: expected a single-quoted value after 'eventTimestamp ge'.
            open quote        | eventTimestamp ge '2026-12-01                                                         | Invalid $filter: the value that starts at position 19 has no closing quote.
            or                | eventTimestamp ge '2026-12-01' or caller eq 'x'                                       | Invalid $filter at position 32: expected 'and' between conditions, found 'or' ('or', 'not' and parentheses are not supported).
            parentheses       | (eventTimestamp ge '2026-12-01')                                                      | Invalid $filter at position 1: expected a field name (eventTimestamp, resourceGroupName, resourceUri (or resourceId), correlationId and caller).
            trailing and      | eventTimestamp ge '2026-12-01' and                                                    | Invalid $filter at position 35: expected a field name (eventTimestamp, resourceGroupName, resourceUri (or resourceId), correlationId and caller).
            glued clauses     | eventTimestamp ge '2026-12-01'and caller eq 'x'                                       | Invalid $filter at position 31: expected a space after the closing quote.
            twice             | eventTimestamp ge '2026-12-01' and eventTimestamp ge '2026-12-02'                     | Invalid $filter: 'eventTimestamp ge' is given twice.
            uri and id        | eventTimestamp ge '2026-12-01' and resourceUri eq '/a' and resourceId eq '/b'         | Invalid $filter: 'resourceUri eq' is given twice.
            empty value       | eventTimestamp ge '2026-12-01' and caller eq ''                                       | Invalid $filter: caller eq '' needs a value.
            bad time          | eventTimestamp ge 'yesterday'                                                         | Invalid $filter: in eventTimestamp ge 'yesterday', 'yesterday' is not an ISO 8601 time such as '2024-05-01T10:00:00Z'.
            end before start  | eventTimestamp ge '2026-12-02' and eventTimestamp le '2026-12-01'                     | Invalid $filter: the end of the time span (2026-12-01T00:00:00Z) is before its start (2026-12-02T00:00:00Z).
            over 90 days      | eventTimestamp ge '2026-09-10T11:59:59Z'                                              | Invalid $filter: the time span from 2026-09-10T11:59:59Z to 2026-12-10T12:00:00Z is longer than 90 days.
            """)
    void badFiltersAre400BadRequestNamingTheProblem(String description, String filter, String message) {
        ArmException e = assertThrows(ArmException.class, () -> ActivityFilter.parse(filter, NOW));
        assertEquals(400, e.status());
        assertEquals("BadRequest", e.code());
        assertEquals(message, e.getMessage());
    }

    @Test
    void exactlyNinetyDaysIsAllowed() {
        assertEquals(Instant.parse("2026-09-11T12:00:00Z"),
                ActivityFilter.parse("eventTimestamp ge '2026-09-11T12:00:00Z'", NOW).from());
    }
}
