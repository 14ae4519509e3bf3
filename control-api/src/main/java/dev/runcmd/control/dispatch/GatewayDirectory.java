package dev.runcmd.control.dispatch;

import dev.runcmd.control.machine.MachineScope;
import dev.runcmd.control.store.Sql;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.RowIterator;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
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

    /* The arrays are the scopes' columns, index by index; machines without a session are absent. */
    private static final String BY_SCOPES = """
            select m.subscription_id, m.resource_group, m.name, g.address
              from unnest($1::text[], $2::text[], $3::text[]) as l(subscription_id, resource_group, name)
              join machine m on m.subscription_id = l.subscription_id and m.resource_group = l.resource_group
                            and m.name = l.name
              join agent_session s on s.machine_id = m.id
              join gateway g on g.id = s.gateway_id
            """;

    private final Sql sql;

    GatewayDirectory(Sql sql) {
        this.sql = sql;
    }

    /**
     * The machines among {@code scopes} that a gateway holds, grouped by that gateway's internal address, in one
     * query; disconnected and unknown machines are left out.
     */
    public Uni<Map<String, List<MachineScope>>> holdersOf(Collection<MachineScope> scopes) {
        Tuple columns = Tuple.of(
                scopes.stream().map(MachineScope::subscriptionId).toArray(String[]::new),
                scopes.stream().map(MachineScope::resourceGroup).toArray(String[]::new),
                scopes.stream().map(MachineScope::machineName).toArray(String[]::new));
        return sql.query(BY_SCOPES, columns).map(rows -> {
            Map<String, List<MachineScope>> byAddress = new LinkedHashMap<>();
            rows.forEach(row -> byAddress.computeIfAbsent(row.getString("address"), address -> new ArrayList<>())
                    .add(new MachineScope(row.getString("subscription_id"), row.getString("resource_group"),
                            row.getString("name"))));
            return byAddress;
        });
    }

    /** The internal gRPC address (host:port) of the gateway holding the machine, or empty when disconnected. */
    public Uni<Optional<String>> addressOf(long machineId) {
        return sql.query(QUERY, Tuple.of(machineId)).map(rows -> {
            RowIterator<Row> iterator = rows.iterator();
            return iterator.hasNext() ? Optional.of(iterator.next().getString("address")) : Optional.empty();
        });
    }
}
