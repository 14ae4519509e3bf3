package dev.runcmd.gateway.store;

import dev.runcmd.gateway.config.GatewayConfig;
import io.smallrye.mutiny.Uni;
import io.vertx.core.buffer.Buffer;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.RowIterator;
import io.vertx.mutiny.sqlclient.SqlClient;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.inject.Singleton;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/**
 * Stores output chunks by offset, under the execution's output cap, many chunks per statement.
 *
 * <p>The cap is the execution's {@code output_cap_bytes}, or this gateway's
 * {@code runcmd.gateway.output-cap} when the row has none yet (it is then recorded). Only bytes
 * below the cap are stored: a chunk that crosses it is cut, one past it is skipped. The bytes
 * past the cap raise the stream's {@code *_dropped} count. A replay stores nothing twice and
 * changes no count, because chunks are keyed by (execution, stream, offset) and counts only grow
 * to the largest value seen.
 */
@Singleton
public final class OutputStore {

    /*
     * One statement, so the chunks and the counts commit together. Chunks are inserted in the
     * order given (their seq follows it). The foreign key fails the whole statement (23503) when
     * the execution is deleted concurrently; an execution that is already gone matches no row.
     */
    private static final String STORE = """
            with target as (
                select id, coalesce(output_cap_bytes, $2) as cap from execution where id = $1),
            chunks as (
                insert into output_chunk (execution_id, stream, "offset", data)
                select t.id, c.stream, c."offset",
                       case when c."offset" + length(c.data) <= t.cap then c.data
                            else substring(c.data from 1 for (t.cap - c."offset")::integer) end
                from target t,
                     unnest($3::smallint[], $4::bigint[], $5::bytea[]) with ordinality as c(stream, "offset", data, n)
                where c."offset" < t.cap
                order by c.n
                on conflict do nothing)
            update execution e set
                output_cap_bytes = coalesce(e.output_cap_bytes, t.cap),
                stdout_bytes = greatest(e.stdout_bytes, least($6, t.cap)),
                stderr_bytes = greatest(e.stderr_bytes, least($7, t.cap)),
                stdout_dropped = greatest(e.stdout_dropped, $6 - t.cap),
                stderr_dropped = greatest(e.stderr_dropped, $7 - t.cap)
            from target t
            where e.id = t.id
            returning e.stdout_bytes + e.stdout_dropped as stdout_through,
                      e.stderr_bytes + e.stderr_dropped as stderr_through""";

    private final Pool pool;
    private final long cap;

    public OutputStore(Pool pool, GatewayConfig config) {
        if (config.outputCap() < 0) {
            throw new IllegalArgumentException("runcmd.gateway.output-cap must not be negative: " + config.outputCap());
        }
        this.pool = pool;
        this.cap = config.outputCap();
    }

    /** A new lane for the output of one agent stream. */
    public OutputLane lane() {
        return new OutputLane(pool, this);
    }

    /**
     * Stores the chunks of one execution in one statement on {@code client}. Emits how far each
     * stream is accounted for (stored plus dropped bytes), or empty when the execution does not
     * exist.
     */
    Uni<Optional<StoredOffsets>> store(SqlClient client, UUID executionId, List<OutputChunk> chunks) {
        Short[] streams = new Short[chunks.size()];
        Long[] offsets = new Long[chunks.size()];
        Buffer[] data = new Buffer[chunks.size()];
        for (int i = 0; i < data.length; i++) {
            streams[i] = chunks.get(i).stream();
            offsets[i] = chunks.get(i).offset();
            data[i] = chunks.get(i).data();
        }
        StoredOffsets ends = OutputChunk.ends(chunks);
        Tuple values = Tuple.from(new Object[] {executionId, cap, streams, offsets, data,
                ends.stdoutBytes(), ends.stderrBytes()});
        return client.preparedQuery(STORE).execute(values)
                .map(rows -> toOffsets(rows.iterator()))
                .onFailure(StoreFailures::isForeignKeyViolation).recoverWithItem(Optional.empty());
    }

    private static Optional<StoredOffsets> toOffsets(RowIterator<Row> rows) {
        if (!rows.hasNext()) {
            return Optional.empty();
        }
        Row row = rows.next();
        return Optional.of(new StoredOffsets(row.getLong("stdout_through"), row.getLong("stderr_through")));
    }
}
