package dev.runcmd.control.runcommand;

import dev.runcmd.control.store.Sql;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.RowSet;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * Reads the instanceView tails of executions with one SQL query over the chunks that reach into the last
 * {@value #TAIL_BYTES} bytes of each stream, through {@link Sql} (a hot read path; no Hibernate session needed).
 * The query takes a connection of its own, so it must run after the caller's unit of work has given its
 * connection back, never inside it.
 *
 * <p>Why not in the reader's Hibernate session: a native select there is interpreted anew on every call and its
 * interpretation cached under a key that never matches again, so the cache fills with entries of one hash and
 * each lookup walks them (measured: a GET cost several milliseconds of CPU).
 */
@ApplicationScoped
public class OutputTailReader {

    /** Azure shows the last 4 KiB of each stream. */
    static final int TAIL_BYTES = 4096;

    /** The largest chunk an agent sends (agent.proto, Output.data); bounds the offsets the query scans. */
    static final int MAX_CHUNK_BYTES = 64 * 1024;

    private static final short STDOUT = 1;

    private static final String QUERY = """
            select c.execution_id, c.stream, c."offset", c.data, e.stdout_bytes, e.stderr_bytes
              from execution e
              join output_chunk c on c.execution_id = e.id
             where e.id = any($1)
               and ((c.stream = 1 and c."offset" > e.stdout_bytes - $2
                                  and c."offset" + length(c.data) > e.stdout_bytes - $3)
                 or (c.stream = 2 and c."offset" > e.stderr_bytes - $2
                                  and c."offset" + length(c.data) > e.stderr_bytes - $3))
             order by c.execution_id, c.stream, c."offset"
            """;

    private final Sql sql;

    OutputTailReader(Sql sql) {
        this.sql = sql;
    }

    /** The tails of these executions; an execution without output maps to {@link OutputTail#EMPTY}. */
    public Uni<Map<UUID, OutputTail>> read(Collection<UUID> executionIds) {
        if (executionIds.isEmpty()) {
            return Uni.createFrom().item(Map.of());
        }
        Tuple arguments = Tuple.of(executionIds.toArray(UUID[]::new), (long) TAIL_BYTES + MAX_CHUNK_BYTES,
                (long) TAIL_BYTES);
        return sql.query(QUERY, arguments).map(OutputTailReader::tails);
    }

    private static Map<UUID, OutputTail> tails(RowSet<Row> rows) {
        Map<UUID, Streams> byExecution = new HashMap<>();
        for (Row row : rows) {
            byExecution.computeIfAbsent(row.getUUID("execution_id"), id -> new Streams(row)).add(row);
        }
        Map<UUID, OutputTail> result = new HashMap<>();
        byExecution.forEach((id, streams) -> result.put(id, streams.tail()));
        return result;
    }

    /** The chunks of one execution, per stream, in offset order. */
    private static final class Streams {

        private final long stdoutBytes;
        private final long stderrBytes;
        private final List<TailBytes.Chunk> stdout = new ArrayList<>();
        private final List<TailBytes.Chunk> stderr = new ArrayList<>();

        Streams(Row first) {
            this.stdoutBytes = first.getLong("stdout_bytes");
            this.stderrBytes = first.getLong("stderr_bytes");
        }

        void add(Row row) {
            TailBytes.Chunk chunk = new TailBytes.Chunk(row.getLong("offset"), row.getBuffer("data").getBytes());
            (row.getShort("stream") == STDOUT ? stdout : stderr).add(chunk);
        }

        OutputTail tail() {
            return new OutputTail(
                    TailBytes.decode(TailBytes.window(stdoutBytes, TAIL_BYTES, stdout)),
                    TailBytes.decode(TailBytes.window(stderrBytes, TAIL_BYTES, stderr)));
        }
    }
}
