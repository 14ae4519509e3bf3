package dev.runcmd.control.output;

import dev.runcmd.control.config.ControlConfig;
import dev.runcmd.control.store.Sql;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.RowIterator;
import io.vertx.mutiny.sqlclient.RowSet;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/**
 * Reads stored output in bounded batches through the reactive pool: never blocks, never holds more than one
 * batch. Chunks are found by the primary key (execution, stream, offset), so a reader deep into a long output
 * costs the same as one at its start.
 */
@ApplicationScoped
public class OutputReader {

    /** At most this many chunks per stream and batch (chunks are at most 64 KiB). */
    static final int ROWS_PER_STREAM = 512;

    private static final String STATUS = """
            select state, exit_code, message, stdout_bytes, stderr_bytes, stdout_dropped, stderr_dropped,
                   output_cap_bytes
              from execution where id = $1
            """;

    /*
     * Per stream: the chunk holding the reader's offset and the ones after it, by offset, up to a row limit and
     * a byte budget (a chunk is kept while the bytes before it in this list stay under the budget).
     */
    private static final String STREAM_PART = """
            select * from (
                select stream, "offset", data, seq,
                       sum(length(data)) over (order by "offset" rows unbounded preceding) - length(data) as before
                  from output_chunk
                 where execution_id = $1 and stream = %1$d
                   and "offset" >= coalesce((select max(c."offset") from output_chunk c
                                             where c.execution_id = $1 and c.stream = %1$d and c."offset" <= $%2$d), 0)
                   and "offset" + length(data) > $%2$d
                 order by "offset"
                 limit $4) s%1$d
             where before < $5
            """;

    private static final String CHUNKS = STREAM_PART.formatted(1, 2) + " union all " + STREAM_PART.formatted(2, 3);

    private final Sql sql;
    private final long bytesPerStream;

    OutputReader(Sql sql, ControlConfig config) {
        this.sql = sql;
        this.bytesPerStream = Math.max(1, config.output().batchBytes() / 2);
    }

    /** The execution's status, or empty when the execution no longer exists. */
    public Uni<Optional<ExecutionStatus>> status(UUID executionId) {
        return sql.query(STATUS, Tuple.of(executionId)).map(OutputReader::toStatus);
    }

    /**
     * The status, then the chunks after the offsets, or empty when the execution no longer exists. The status is
     * read first: when it is terminal, every chunk was stored before it, so the chunks read next are complete.
     * An offset of {@link Long#MAX_VALUE} skips that stream.
     */
    public Uni<Optional<Batch>> read(UUID executionId, Offsets from) {
        return status(executionId).flatMap(status -> status.isEmpty()
                ? Uni.createFrom().item(Optional.<Batch>empty())
                : chunks(executionId, from).map(rows -> Optional.of(toBatch(status.get(), rows))));
    }

    private Uni<RowSet<Row>> chunks(UUID executionId, Offsets from) {
        Tuple arguments = Tuple.of(executionId, from.stdout(), from.stderr(), ROWS_PER_STREAM, bytesPerStream);
        return sql.query(CHUNKS, arguments);
    }

    private Batch toBatch(ExecutionStatus status, RowSet<Row> rows) {
        List<StoredChunk> stdout = new ArrayList<>();
        List<StoredChunk> stderr = new ArrayList<>();
        for (Row row : rows) {
            StdStream stream = StdStream.fromNumber(row.getShort("stream"));
            StoredChunk chunk = new StoredChunk(stream, row.getLong("offset"), row.getBuffer("data").getBytes(),
                    row.getLong("seq"));
            (stream == StdStream.STDOUT ? stdout : stderr).add(chunk);
        }
        return new Batch(status, stdout, mayHaveMore(stdout), stderr, mayHaveMore(stderr));
    }

    /** True when the list stopped at the row limit or the byte budget, so more chunks may follow. */
    private boolean mayHaveMore(List<StoredChunk> chunks) {
        long bytes = chunks.stream().mapToLong(c -> c.data().length).sum();
        return chunks.size() >= ROWS_PER_STREAM || bytes >= bytesPerStream;
    }

    private static Optional<ExecutionStatus> toStatus(RowSet<Row> rows) {
        RowIterator<Row> iterator = rows.iterator();
        if (!iterator.hasNext()) {
            return Optional.empty();
        }
        return Optional.of(ExecutionStatus.fromRow(iterator.next()));
    }
}
