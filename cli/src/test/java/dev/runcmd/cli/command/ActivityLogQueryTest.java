package dev.runcmd.cli.command;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.runcmd.cli.http.ArmClient;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The activity log's time range and $filter, exactly as sent. */
class ActivityLogQueryTest {

    private static final Instant NOW = Instant.parse("2026-03-01T12:00:00.123456Z");
    private static final Duration SIX_HOURS = Duration.ofHours(6);

    @ParameterizedTest(name = "start {0}, end {1}")
    @CsvSource(textBlock = """
            ,                     ,                     2026-03-01T06:00:00.123Z, 2026-03-01T12:00:00.123Z
            2026-02-01T00:00:00Z, ,                     2026-02-01T00:00:00Z,     2026-02-01T06:00:00Z
            ,                     2026-02-01T00:00:00Z, 2026-01-31T18:00:00Z,     2026-02-01T00:00:00Z
            2026-01-01T00:00:00Z, 2026-02-01T00:00:00Z, 2026-01-01T00:00:00Z,     2026-02-01T00:00:00Z
            """)
    void theRangeIsBothEndsOrOneEndAndTheOffsetOrTheOffsetUpToNow(Instant start, Instant end, String from, String to) {
        ActivityLogQuery query = ActivityLogQuery.of(start, end, SIX_HOURS, NOW, null, null, null);

        assertEquals("eventTimestamp ge '" + from + "' and eventTimestamp le '" + to + "'", query.filter().toString());
    }

    @Test
    void everyServerSideFilterIsJoinedWithAndQuotesDoubled() {
        ActivityLogQuery query = ActivityLogQuery.of(Instant.parse("2026-02-01T00:00:00Z"),
                Instant.parse("2026-02-02T00:00:00Z"), SIX_HOURS, NOW, "o'neil",
                "/subscriptions/s1/resourceGroups/o'neil/providers/Microsoft.HybridCompute/machines/web-1", "c-1");

        assertEquals("eventTimestamp ge '2026-02-01T00:00:00Z' and eventTimestamp le '2026-02-02T00:00:00Z'"
                + " and resourceGroupName eq 'o''neil'"
                + " and resourceUri eq '/subscriptions/s1/resourceGroups/o''neil/providers/Microsoft.HybridCompute/machines/web-1'"
                + " and correlationId eq 'c-1'", query.filter().toString());
    }

    @Test
    void theFilterIsPercentEncodedIntoTheSubscriptionsEventsPath() {
        ArmClient client = new ArmClient("http://127.0.0.1:1", "s1", null);
        ActivityLogQuery query = ActivityLogQuery.of(Instant.parse("2026-02-01T00:00:00Z"),
                Instant.parse("2026-02-01T06:00:00Z"), SIX_HOURS, NOW, "prod", null, null);

        assertEquals("/subscriptions/s1/providers/Microsoft.Insights/eventtypes/management/values?$filter="
                + "eventTimestamp%20ge%20%272026-02-01T00%3A00%3A00Z%27%20and%20eventTimestamp%20le%20"
                + "%272026-02-01T06%3A00%3A00Z%27%20and%20resourceGroupName%20eq%20%27prod%27",
                query.filter().appendTo(client.activityLogPath()));
    }

    @Test
    void aStartAfterTheEndIsRefused() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ActivityLogQuery.of(
                Instant.parse("2026-02-02T00:00:00Z"), Instant.parse("2026-02-01T00:00:00Z"), SIX_HOURS, NOW, null, null, null));

        assertEquals("the start time 2026-02-02T00:00:00Z is after the end time 2026-02-01T00:00:00Z", e.getMessage());
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(textBlock = """
            2026-02-01T10:00:00Z,      2026-02-01T10:00:00Z
            2026-02-01T12:00:00+02:00, 2026-02-01T10:00:00Z
            2026-02-01T10:00:00,       2026-02-01T10:00:00Z
            2026-02-01,                2026-02-01T00:00:00Z
            """)
    void timesAreIsoWithAnOffsetOrUtc(String text, Instant expected) {
        assertEquals(expected, Converters.Time.parse(text));
    }
}
