package dev.runcmd.control.activity;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.runcmd.control.arm.PageRequest;
import dev.runcmd.control.store.Sql;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Reads one page of a subscription's events, newest first, keyset-paged on {@code (event_timestamp, id)}: a page
 * starts after the last event of the previous one, so events written meanwhile neither repeat nor shift events
 * between pages. Scopes are applied in the same statement, so every page is full and the paging stays right.
 */
@ApplicationScoped
public class ActivityLogReader {

    /** The {@code $skipToken} kind of the activity log. */
    static final String PAGE_KIND = "activity";

    private static final String COLUMNS = """
            select id, event_data_id, event_timestamp, submission_timestamp, subscription_id, resource_group,
                   resource_id, resource_provider, resource_type, operation_name, http_method, status, sub_status,
                   http_status, caller, caller_object_id, principal_type, client_ip, correlation_id, request_id,
                   client_request_id, properties::text as properties
              from activity_log
             where subscription_id = $1 and event_timestamp >= $2 and event_timestamp <= $3""";

    /*
     * resource_id_lower is in byte order (collate "C"), so the ids under scope S are exactly those from "S/" up to,
     * not including, "S0" ('0' follows '/'): a range the index serves, and segment-safe (".../rg" never matches
     * ".../rg2").
     */
    private static final String IN_SCOPES = """
             and exists (select 1 from unnest(%s::text[]) as s(scope)
                          where resource_id_lower = s.scope
                             or (resource_id_lower >= s.scope || '/' and resource_id_lower < s.scope || '0'))""";

    private static final TypeReference<Map<String, Object>> PROPERTIES = new TypeReference<>() {
    };

    private final Sql sql;
    private final ObjectMapper mapper;

    ActivityLogReader(Sql sql, ObjectMapper mapper) {
        this.sql = sql;
        this.mapper = mapper;
    }

    /**
     * Up to {@code page.size() + 1} events of the subscription that match the filter and lie at or under one of
     * {@code scopes} (lower case; null: all), newest first, after the page's start.
     */
    public Uni<List<StoredEvent>> read(String subscriptionId, ActivityFilter filter, List<String> scopes,
            PageRequest page) {
        Statement statement = new Statement(COLUMNS, subscriptionId.toLowerCase(Locale.ROOT),
                utc(filter.from()), utc(filter.to()));
        if (filter.resourceGroup() != null) {
            statement.where(" and lower(resource_group) = lower(%s)", filter.resourceGroup());
        }
        if (filter.resourceUri() != null) {
            statement.where(" and resource_id_lower = %s", ResourceId.lower(filter.resourceUri()));
        }
        if (filter.correlationId() != null) {
            statement.where(" and correlation_id = %s", filter.correlationId());
        }
        if (filter.caller() != null) {
            statement.where(" and lower(caller) = lower(%s)", filter.caller());
        }
        if (scopes != null) {
            statement.where(IN_SCOPES, (Object) scopes.toArray(String[]::new));
        }
        if (page.after().isPresent()) {
            Cursor cursor = Cursor.parse(page.after().get());
            statement.where(" and (event_timestamp, id) < (%s, %s)", cursor.time(), cursor.id());
        }
        statement.append(" order by event_timestamp desc, id desc limit " + (page.size() + 1));
        return sql.query(statement.text(), statement.arguments())
                .map(rows -> {
                    List<StoredEvent> events = new ArrayList<>();
                    rows.forEach(row -> events.add(event(row)));
                    return events;
                });
    }

    /** The sort key of an event, as its page token carries it. */
    static String key(StoredEvent event) {
        return new Cursor(event.eventTimestamp(), event.id()).toString();
    }

    private StoredEvent event(Row row) {
        return new StoredEvent(row.getLong("id"), row.getUUID("event_data_id"),
                row.getOffsetDateTime("event_timestamp"), row.getOffsetDateTime("submission_timestamp"),
                row.getString("subscription_id"), row.getString("resource_group"), row.getString("resource_id"),
                row.getString("resource_provider"), row.getString("resource_type"), row.getString("operation_name"),
                row.getString("http_method"), row.getString("status"), row.getString("sub_status"),
                row.getInteger("http_status"), row.getString("caller"), row.getString("caller_object_id"),
                row.getString("principal_type"), row.getString("client_ip"), row.getString("correlation_id"),
                row.getString("request_id"), row.getString("client_request_id"),
                properties(row.getString("properties")));
    }

    private Map<String, Object> properties(String json) {
        try {
            return mapper.readValue(json, PROPERTIES);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("activity_log.properties is not a JSON object", e);
        }
    }

    private static OffsetDateTime utc(Instant time) {
        return OffsetDateTime.ofInstant(time, ZoneOffset.UTC);
    }

    /** A statement built from conditions, each with its arguments numbered in order. */
    private static final class Statement {

        private final StringBuilder text;
        private final Tuple arguments = Tuple.tuple();

        Statement(String base, Object... arguments) {
            this.text = new StringBuilder(base);
            for (Object argument : arguments) {
                this.arguments.addValue(argument);
            }
        }

        /** Appends {@code condition}, its {@code %s} placeholders replaced by the next parameter numbers. */
        void where(String condition, Object... values) {
            Object[] placeholders = new Object[values.length];
            for (int i = 0; i < values.length; i++) {
                arguments.addValue(values[i]);
                placeholders[i] = "$" + arguments.size();
            }
            text.append(String.format(condition, placeholders));
        }

        void append(String clause) {
            text.append(clause);
        }

        String text() {
            return text.toString();
        }

        Tuple arguments() {
            return arguments;
        }
    }

    /**
     * Where a page starts: after the event with this time and id.
     *
     * @param time the event's time (microseconds)
     * @param id the event's row id
     */
    private record Cursor(OffsetDateTime time, long id) {

        static Cursor parse(String key) {
            int separator = key.indexOf('_');
            try {
                long micros = Long.parseLong(key.substring(0, separator));
                long id = Long.parseLong(key.substring(separator + 1));
                Instant time = Instant.EPOCH.plus(micros, ChronoUnit.MICROS);
                return new Cursor(OffsetDateTime.ofInstant(time, ZoneOffset.UTC), id);
            } catch (RuntimeException e) {
                throw PageRequest.invalidToken();
            }
        }

        @Override
        public String toString() {
            return ChronoUnit.MICROS.between(Instant.EPOCH, time.toInstant()) + "_" + id;
        }
    }
}
