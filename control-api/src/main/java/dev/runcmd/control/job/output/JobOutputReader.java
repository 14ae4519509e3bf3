package dev.runcmd.control.job.output;

import dev.runcmd.control.config.ControlConfig;
import dev.runcmd.control.job.JobScope;
import dev.runcmd.control.output.ExecutionStatus;
import dev.runcmd.control.output.StdStream;
import dev.runcmd.control.output.StoredChunk;
import dev.runcmd.control.store.Sql;
import io.smallrye.mutiny.Uni;
import io.vertx.core.buffer.Buffer;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.RowSet;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/**
 * Reads a job's merged output with one statement per round for the whole job, whatever its size: the released
 * targets whose end the reader has not had (a bitmap of ended positions), joined to their executions and, per
 * target and stream, to the chunks after the reader's offsets, found by the primary key (execution, stream,
 * offset). Bounded: at most {@value #TARGETS_PER_ROUND} targets, {@value #ROWS_PER_STREAM} chunks per target and
 * stream, and {@code runcmd.control.output.batch-bytes} bytes (plus one chunk) in storage order per round.
 */
@ApplicationScoped
public class JobOutputReader {

    /** At most this many targets per round; the next round goes on after the last one read. */
    static final int TARGETS_PER_ROUND = 500;

    /** At most this many chunks per target and stream and round. */
    static final int ROWS_PER_STREAM = 16;

    private static final String JOB = """
            select id, target_count from run_command_job
             where subscription_id = $1 and resource_group = $2 and name = $3
            """;

    /*
     * Per stream of a live target: the chunk holding the reader's offset and the ones after it, by offset.
     */
    private static final String STREAM_PART = """
            (select %1$d as stream, c."offset", c.data, c.seq from output_chunk c
              where c.execution_id = l.execution_id and c.stream = %1$d
                and c."offset" >= coalesce((select max(x."offset") from output_chunk x
                                             where x.execution_id = l.execution_id and x.stream = %1$d
                                               and x."offset" <= l.%2$s_at), 0)
                and c."offset" + length(c.data) > l.%2$s_at
              order by c."offset" limit $8)
            """;

    private static final String ROUND = """
            with job as (
                select provisioning_state from run_command_job where id = $1
            ), reader as (
                select * from unnest($2::int[], $3::bigint[], $4::bigint[]) as r(position, stdout_at, stderr_at)
            ), live as (
                select t.position, t.machine_name, t.execution_id,
                       coalesce(r.stdout_at, 0) as stdout_at, coalesce(r.stderr_at, 0) as stderr_at,
                       e.state, e.exit_code, e.message, e.stdout_bytes, e.stderr_bytes, e.stdout_dropped,
                       e.stderr_dropped, e.output_cap_bytes
                  from run_command_job_target t
                  left join reader r on r.position = t.position
                  left join execution e on e.id = t.execution_id
                 where t.job_id = $1 and t.released and get_bit($5::bytea, t.position) = 0
                 order by t.position <= $6, t.position
                 limit $7
            ), chunks as (
                select l.position, k.stream, k."offset", k.data, k.seq,
                       sum(length(k.data)) over (order by k.seq rows unbounded preceding) - length(k.data) as before
                  from live l
                  cross join lateral (%s union all %s) k
            )
            select * from (
            select 0 as kind, null::int as position, null::text as machine_name, null::uuid as execution_id,
                   j.provisioning_state as state, null::int as exit_code, null::text as message,
                   null::bigint as stdout_bytes, null::bigint as stderr_bytes, null::bigint as stdout_dropped,
                   null::bigint as stderr_dropped, null::bigint as output_cap_bytes, null::int as stream,
                   null::bigint as "offset", null::bytea as data, null::bigint as seq
              from job j
            union all
            select 1, position, machine_name, execution_id, state, exit_code, message, stdout_bytes, stderr_bytes,
                   stdout_dropped, stderr_dropped, output_cap_bytes, null, null, null, null
              from live
            union all
            select 2, position, null, null, null, null, null, null, null, null, null, null, stream, "offset", data,
                   seq
              from chunks where before < $9
            ) rows
            order by kind, coalesce(seq, position::bigint)
            """.formatted(STREAM_PART.formatted(1, "stdout"), STREAM_PART.formatted(2, "stderr"));

    private final Sql sql;
    private final long bytesPerRound;

    JobOutputReader(Sql sql, ControlConfig config) {
        this.sql = sql;
        this.bytesPerRound = Math.max(1, config.output().batchBytes());
    }

    /** The job's id and target count, or empty when there is no such job. */
    Uni<Optional<JobRef>> find(JobScope scope) {
        return sql.query(JOB, Tuple.of(scope.subscriptionId(), scope.resourceGroup(), scope.name()))
                .map(rows -> rows.size() == 0 ? Optional.empty() : Optional.of(new JobRef(
                        rows.iterator().next().getUUID("id"), rows.iterator().next().getInteger("target_count"))));
    }

    /**
     * The next round after the cursor and the bytes read ahead of it ({@code readAhead}: position to
     * {stdout, stderr} read offsets of targets whose read offsets differ from zero), starting after position
     * {@code after} (-1: from the first); with {@code endsOnly}, the targets without any chunk. Empty when the job no
     * longer exists.
     */
    Uni<Optional<JobBatch>> read(JobRef job, JobCursor cursor, Map<Integer, long[]> readAhead,
            int after, boolean endsOnly) {
        int count = readAhead.size();
        Integer[] positions = new Integer[count];
        Long[] stdout = new Long[count];
        Long[] stderr = new Long[count];
        int i = 0;
        for (Map.Entry<Integer, long[]> entry : readAhead.entrySet()) {
            positions[i] = entry.getKey();
            stdout[i] = entry.getValue()[0];
            stderr[i++] = entry.getValue()[1];
        }
        Tuple arguments = Tuple.from(Arrays.asList(job.id(), positions, stdout, stderr,
                Buffer.buffer(cursor.endedBits(job.targetCount())), after,
                TARGETS_PER_ROUND, endsOnly ? 0 : ROWS_PER_STREAM, bytesPerRound));
        return sql.query(ROUND, arguments).map(JobOutputReader::toBatch);
    }

    private static Optional<JobBatch> toBatch(RowSet<Row> rows) {
        String state = null;
        List<JobBatch.TargetStatus> targets = new ArrayList<>();
        List<JobBatch.TargetChunk> chunks = new ArrayList<>();
        for (Row row : rows) {
            switch (row.getInteger("kind")) {
                case 0 -> state = row.getString("state");
                case 1 -> targets.add(new JobBatch.TargetStatus(row.getInteger("position"),
                        row.getString("machine_name"), row.getUUID("execution_id"),
                        row.getString("state") == null ? null : ExecutionStatus.fromRow(row)));
                default -> chunks.add(new JobBatch.TargetChunk(row.getInteger("position"), new StoredChunk(
                        StdStream.fromNumber(row.getInteger("stream")), row.getLong("offset"),
                        row.getBuffer("data").getBytes(), row.getLong("seq"))));
            }
        }
        return state == null ? Optional.empty() : Optional.of(new JobBatch(state, targets, chunks));
    }

    /**
     * A job whose output is read.
     *
     * @param id its id
     * @param targetCount how many targets it has
     */
    record JobRef(UUID id, int targetCount) {
    }
}
