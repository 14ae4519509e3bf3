package dev.runcmd.control.dispatch;

import dev.runcmd.control.store.Sql;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.RowIterator;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.Optional;

/** Finds which gateway holds a machine's agent stream right now, from the session registry in PostgreSQL. */
@ApplicationScoped
public class GatewayDirectory {

    private static final String QUERY = """
            select g.address
              from agent_session s
              join gateway g on g.id = s.gateway_id
             where s.machine_id = $1
            """;

    private final Sql sql;

    GatewayDirectory(Sql sql) {
        this.sql = sql;
    }

    /** The internal gRPC address (host:port) of the gateway holding the machine, or empty when disconnected. */
    public Uni<Optional<String>> addressOf(long machineId) {
        return sql.query(QUERY, Tuple.of(machineId)).map(rows -> {
            RowIterator<Row> iterator = rows.iterator();
            return iterator.hasNext() ? Optional.of(iterator.next().getString("address")) : Optional.empty();
        });
    }
}
