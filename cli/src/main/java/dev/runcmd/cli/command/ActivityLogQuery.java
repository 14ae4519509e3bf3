package dev.runcmd.cli.command;

import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;

/**
 * What {@code activity-log list} asks the server for: a time range and the server-side filters, as
 * {@code az monitor activity-log list} builds them. The range: both ends as given; one end and the offset; or the
 * offset back from now.
 *
 * @param start the range's start (inclusive)
 * @param end the range's end (inclusive)
 * @param resourceGroup only events of this resource group, or null
 * @param resourceId only events of this resource, or null
 * @param correlationId only events of this correlation id (one CLI invocation, one operation), or null
 */
record ActivityLogQuery(Instant start, Instant end, String resourceGroup, String resourceId, String correlationId) {

    /**
     * The range from the flags: with both times, those (the offset is ignored); with one, the other is
     * {@code offset} away; with neither, the {@code offset} up to {@code now}. IllegalArgumentException when the
     * start is after the end.
     */
    static ActivityLogQuery of(Instant startTime, Instant endTime, Duration offset, Instant now, String resourceGroup,
                               String resourceId, String correlationId) {
        Instant end = endTime != null ? endTime : startTime != null ? startTime.plus(offset) : now;
        Instant start = startTime != null ? startTime : end.minus(offset);
        if (start.isAfter(end)) {
            throw new IllegalArgumentException("the start time " + format(start) + " is after the end time " + format(end));
        }
        return new ActivityLogQuery(start, end, resourceGroup, resourceId, correlationId);
    }

    /** The {@code $filter}, unencoded. */
    ODataFilter filter() {
        return new ODataFilter()
                .add("eventTimestamp", "ge", format(start))
                .add("eventTimestamp", "le", format(end))
                .eq("resourceGroupName", resourceGroup)
                .eq("resourceUri", resourceId)
                .eq("correlationId", correlationId);
    }

    /** ISO-8601 in UTC, to the millisecond (no fraction when it is zero). */
    static String format(Instant instant) {
        return DateTimeFormatter.ISO_INSTANT.format(instant.truncatedTo(ChronoUnit.MILLIS));
    }
}
