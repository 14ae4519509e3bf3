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
 * to the largest value seen; a replayed chunk is cut to the bytes not yet accounted for, whatever
 * its boundaries.
 */
@Singleton
public final class OutputStore {

    /*
     * One statement, so the chunks and the counts commit together. The execution row is locked
     * first, so writers of one execution (a stale session still flushing, the agent's replay on a
     * new one) take turns. A chunk is stored only from where its stream is accounted for (stored
     * plus dropped bytes, or the end of an earlier chunk of the same statement): a replay read back
     * with other chunk boundaries than the first sending stores each byte once, never twice and
     * never skipped. A chunk starting past that point (a gap) is neither stored nor counted.
     * Chunks are inserted in the order given (their seq follows it). The foreign key fails the
     * whole statement (23503) when the execution is deleted concurrently; an execution that is
     * already gone matches no row.
     */
    private static final String STORE = """
            with target as (
                select id, coalesce(output_cap_bytes, $2) as cap,
                       stdout_bytes + stdout_dropped as stdout_through,
                       stderr_bytes + stderr_dropped as stderr_through
                from execution where id = $1 for update),
            incoming as (
                select t.id, t.cap, c.stream, c."offset", c.data, c.n,
                       c."offset" + length(c.data) as stop,
                       greatest(case when c.stream = 1 then t.stdout_through else t.stderr_through end,
                                coalesce(max(c."offset" + length(c.data)) over (partition by c.stream order by c.n
                                    rows between unbounded preceding and 1 preceding), 0)) as reach
                from target t,
                     unnest($3::smallint[], $4::bigint[], $5::bytea[]) with ordinality as c(stream, "offset", data, n)),
            accepted as (
                select *, greatest("offset", reach) as start from incoming where "offset" <= reach),
            chunks as (
                insert into output_chunk (execution_id, stream, "offset", data)
                select id, stream, start,
                       substring(data from (start - "offset" + 1)::integer for (least(stop, cap) - start)::integer)
                from accepted
                where start < least(stop, cap)
                order by n
                on conflict do nothing),
            ends as (
                select coalesce(max(case when stream = 1 then stop end), 0) as stdout_stop,
                       coalesce(max(case when stream = 2 then stop end), 0) as stderr_stop
                from accepted)
            update execution e set
                output_cap_bytes = coalesce(e.output_cap_bytes, t.cap),
                stdout_bytes = greatest(e.stdout_bytes, least(x.stdout_stop, t.cap)),
                stderr_bytes = greatest(e.stderr_bytes, least(x.stderr_stop, t.cap)),
                stdout_dropped = greatest(e.stdout_dropped, x.stdout_stop - t.cap),
                stderr_dropped = greatest(e.stderr_dropped, x.stderr_stop - t.cap)
            from target t, ends x
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
        Tuple values = Tuple.from(new Object[] {executionId, cap, streams, offsets, data});
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
