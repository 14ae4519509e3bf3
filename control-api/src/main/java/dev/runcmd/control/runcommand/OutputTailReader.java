package dev.runcmd.control.runcommand;

import io.quarkus.hibernate.reactive.panache.Panache;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Collectors;

/**
 * Reads the instanceView tails of executions with one SQL query over the chunks that reach into the last
 * {@value #TAIL_BYTES} bytes of each stream. The query runs in the caller's Hibernate session (a
 * {@code Transactions} unit), on the connection and in the snapshot the run commands were read from: a read
 * never needs a second pool connection, and the tail matches the execution's byte counts in that snapshot.
 *
 * <p>The rows are typed by the named mapping {@value #MAPPING} (declared on {@link ExecutionEntity}). Without it
 * Hibernate caches the query's interpretation under a key that never matches again (an implicit mapping compares
 * by identity), so every read added an entry of the same hash and each lookup walked them all.
 */
@ApplicationScoped
public class OutputTailReader {

    /** Azure shows the last 4 KiB of each stream. */
    static final int TAIL_BYTES = 4096;

    /** The largest chunk an agent sends (agent.proto, Output.data); bounds the offsets the query scans. */
    static final int MAX_CHUNK_BYTES = 64 * 1024;

    /** The name of the result set mapping of {@link #QUERY}'s rows. */
    static final String MAPPING = "OutputTailRow";

    private static final int STDOUT = 1;

    /* The ids come as one uuid[] literal: the session binds no Java arrays. */
    private static final String QUERY = """
            select cast(c.execution_id as text) as execution_id, cast(c.stream as integer) as stream,
                   c."offset" as "offset", c.data as data, e.stdout_bytes as stdout_bytes,
                   e.stderr_bytes as stderr_bytes
              from execution e
              join output_chunk c on c.execution_id = e.id
             where e.id = any(cast(cast(?1 as text) as uuid[]))
               and ((c.stream = 1 and c."offset" > e.stdout_bytes - ?2
                                  and c."offset" + length(c.data) > e.stdout_bytes - ?3)
                 or (c.stream = 2 and c."offset" > e.stderr_bytes - ?2
                                  and c."offset" + length(c.data) > e.stderr_bytes - ?3))
             order by c.execution_id, c.stream, c."offset"
            """;

    /**
     * The tails of these executions, read in the current session; an execution without output maps to
     * {@link OutputTail#EMPTY}.
     */
    public Uni<Map<UUID, OutputTail>> read(Collection<UUID> executionIds) {
        if (executionIds.isEmpty()) {
            return Uni.createFrom().item(Map.of());
        }
        String ids = executionIds.stream().map(UUID::toString).collect(Collectors.joining(",", "{", "}"));
        return Panache.getSession().flatMap(session -> session
                .createNativeQuery(QUERY, session.getResultSetMapping(Object[].class, MAPPING))
                .setParameter(1, ids)
                .setParameter(2, (long) TAIL_BYTES + MAX_CHUNK_BYTES)
                .setParameter(3, (long) TAIL_BYTES)
                .getResultList())
                .map(OutputTailReader::tails);
    }

    private static Map<UUID, OutputTail> tails(List<Object[]> rows) {
        Map<UUID, Streams> byExecution = new HashMap<>();
        for (Object[] row : rows) {
            byExecution.computeIfAbsent(UUID.fromString((String) row[0]), id -> new Streams(row)).add(row);
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

        Streams(Object[] first) {
            this.stdoutBytes = ((Number) first[4]).longValue();
            this.stderrBytes = ((Number) first[5]).longValue();
        }

        void add(Object[] row) {
            TailBytes.Chunk chunk = new TailBytes.Chunk(((Number) row[2]).longValue(), (byte[]) row[3]);
            (((Number) row[1]).intValue() == STDOUT ? stdout : stderr).add(chunk);
        }

        OutputTail tail() {
            return new OutputTail(
                    TailBytes.decode(TailBytes.window(stdoutBytes, TAIL_BYTES, stdout)),
                    TailBytes.decode(TailBytes.window(stderrBytes, TAIL_BYTES, stderr)));
        }
    }
}
