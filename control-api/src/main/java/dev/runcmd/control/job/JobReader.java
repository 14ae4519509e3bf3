package dev.runcmd.control.job;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.runcmd.control.arm.ArmTime;
import dev.runcmd.control.arm.PageRequest;
import dev.runcmd.control.store.Sql;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Reads jobs and their targets; each read is one statement, so what it shows is one moment. */
@ApplicationScoped
public class JobReader {

    /** The kind of the job list's page tokens. */
    public static final String JOB_PAGE = "jobs";

    /** The kind of the target list's page tokens. */
    public static final String TARGET_PAGE = "targets";

    /** The execution states a job counts, in the order shown. */
    static final List<String> STATES = List.of("Pending", "Running", "Succeeded", "Failed", "TimedOut", "Canceled");

    private static final String COLUMNS = """
            select j.id, j.subscription_id, j.resource_group, j.name, j.location, j.tags::text as tags,
                   j.targets::text as targets, j.max_concurrency, j.max_errors, j.run_command::text as run_command,
                   j.provisioning_state, j.message, j.target_count, j.created_by, j.created_by_type, j.created_at,
                   j.end_time,
                   (select coalesce(json_object_agg(c.state, c.n), '{}')::text from (
                        select case when e.state is null then 'Canceled' when e.state = 'Dispatched' then 'Pending'
                                    else e.state end as state, count(*) as n
                          from run_command_job_target t left join execution e on e.id = t.execution_id
                         where t.job_id = j.id group by 1) c) as counts
              from run_command_job j
            """;

    private static final String ONE = COLUMNS + " where j.subscription_id = $1 and j.resource_group = $2 and j.name = $3";

    private static final String PAGE = COLUMNS + """
             where j.subscription_id = $1 and j.resource_group = $2 and j.name > $3
             order by j.name limit $4
            """;

    private static final String TARGETS = """
            select t.position, t.machine_name, e.state, e.message, e.exit_code, e.start_time, e.end_time
              from run_command_job j
              join run_command_job_target t on t.job_id = j.id
              left join execution e on e.id = t.execution_id
             where j.subscription_id = $1 and j.resource_group = $2 and j.name = $3 and t.position > $4
             order by t.position limit $5
            """;

    private static final String JOB_ID = """
            select id from run_command_job where subscription_id = $1 and resource_group = $2 and name = $3
            """;

    private final Sql sql;
    private final ObjectMapper json;

    JobReader(Sql sql, ObjectMapper json) {
        this.sql = sql;
        this.json = json;
    }

    /** The job; 404 when there is none. */
    public Uni<JobView> get(JobScope scope) {
        return sql.query(ONE, Tuple.of(scope.subscriptionId(), scope.resourceGroup(), scope.name())).map(rows -> {
            if (rows.size() == 0) {
                throw JobWriter.notFound(scope);
            }
            return view(rows.iterator().next());
        });
    }

    /** The resource group's jobs by name, a page at a time. */
    public Uni<PageRequest.Page<JobView>> list(String subscriptionId, String resourceGroup, PageRequest page) {
        return sql.query(PAGE, Tuple.of(subscriptionId, resourceGroup, page.after().orElse(""), page.size() + 1))
                .map(rows -> {
                    List<JobView> views = new ArrayList<>();
                    rows.forEach(row -> views.add(view(row)));
                    return page.page(views, JOB_PAGE, JobView::name);
                });
    }

    /** The job's targets in its order, a page at a time; 404 when there is no such job. */
    public Uni<PageRequest.Page<TargetView>> targets(JobScope scope, PageRequest page) {
        int after = page.after().map(JobReader::position).orElse(-1);
        Tuple key = Tuple.of(scope.subscriptionId(), scope.resourceGroup(), scope.name());
        return sql.query(TARGETS, Tuple.of(scope.subscriptionId(), scope.resourceGroup(), scope.name(), after,
                        page.size() + 1))
                .flatMap(rows -> rows.size() > 0 ? Uni.createFrom().item(rows)
                        : sql.query(JOB_ID, key).map(job -> {
                            if (job.size() == 0) {
                                throw JobWriter.notFound(scope);
                            }
                            return rows;
                        }))
                .map(rows -> {
                    List<Row> fetched = new ArrayList<>();
                    rows.forEach(fetched::add);
                    PageRequest.Page<Row> paged = page.page(fetched, TARGET_PAGE,
                            row -> Integer.toString(row.getInteger("position")));
                    return new PageRequest.Page<>(paged.items().stream().map(row -> target(scope, row)).toList(),
                            paged.nextToken());
                });
    }

    private static int position(String key) {
        try {
            return Integer.parseInt(key);
        } catch (NumberFormatException e) {
            throw PageRequest.invalidToken();
        }
    }

    private static TargetView target(JobScope scope, Row row) {
        String state = row.getString("state");
        String shown = state == null ? "Canceled" : state.equals("Dispatched") ? "Pending" : state;
        String message = state == null ? "The run command was deleted or replaced outside the job."
                : row.getString("message");
        return new TargetView(row.getString("machine_name"), scope.runCommandId(row.getString("machine_name")), shown,
                message, row.getInteger("exit_code"), time(row.getOffsetDateTime("start_time")),
                time(row.getOffsetDateTime("end_time")));
    }

    private JobView view(Row row) {
        JobScope scope = new JobScope(row.getString("subscription_id"), row.getString("resource_group"),
                row.getString("name"));
        Map<String, Long> counts = new LinkedHashMap<>();
        JsonNode stored = tree(row.getString("counts"));
        STATES.forEach(state -> counts.put(state, stored.path(state).asLong(0)));
        Map<String, String> tags = new LinkedHashMap<>();
        tree(row.getString("tags")).fields().forEachRemaining(field -> tags.put(field.getKey(), field.getValue().asText()));
        return new JobView(scope.resourceId(), scope.name(), JobScope.TYPE, row.getString("location"), tags,
                new JobView.SystemData(row.getString("created_by"), row.getString("created_by_type"),
                        time(row.getOffsetDateTime("created_at"))),
                new JobView.Properties(tree(row.getString("targets")), row.getString("max_concurrency"),
                        row.getString("max_errors"), tree(row.getString("run_command")),
                        row.getString("provisioning_state"), row.getString("message"), row.getInteger("target_count"),
                        counts, time(row.getOffsetDateTime("created_at")), time(row.getOffsetDateTime("end_time"))));
    }

    private JsonNode tree(String text) {
        try {
            return json.readTree(text);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("Unreadable JSON column in run_command_job", e);
        }
    }

    private static String time(OffsetDateTime time) {
        return time == null ? null : ArmTime.format(time);
    }
}
