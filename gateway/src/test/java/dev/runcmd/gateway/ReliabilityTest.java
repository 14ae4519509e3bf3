package dev.runcmd.gateway;

import static dev.runcmd.proto.agent.v1.GatewayMessage.KindCase.RUN;
import static dev.runcmd.proto.agent.v1.GatewayMessage.KindCase.WELCOME;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.runcmd.gateway.lifecycle.GatewayLifecycle;
import dev.runcmd.gateway.lifecycle.LeaseKeeper;
import dev.runcmd.gateway.watchdog.ExecutionWatchdog;
import dev.runcmd.proto.agent.v1.Accepted;
import dev.runcmd.proto.agent.v1.AgentMessage;
import dev.runcmd.proto.agent.v1.HeldExecution;
import dev.runcmd.proto.agent.v1.Hello;
import dev.runcmd.proto.agent.v1.Output;
import io.grpc.Status;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.inject.Inject;
import java.net.URI;
import java.net.URL;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * What keeps the fleet consistent when parts of it fail: the watchdog for executions nobody will
 * end, the gateways' leases, and a PostgreSQL restart under a streaming agent.
 */
@QuarkusTest
@WithTestResource(EmbeddedPostgresResource.class)
class ReliabilityTest extends GatewayTestSupport {

    private static final String UNKNOWN_OUTCOME = "no result from the agent within timeoutInSeconds (30 s) plus 120 s"
            + " of grace: the agent lost the execution or its machine is unreachable; the outcome is unknown";

    @Inject
    ExecutionWatchdog watchdog;

    @Inject
    LeaseKeeper lease;

    @Inject
    GatewayLifecycle lifecycle;

    @TestHTTPResource("/q/health/ready")
    URL readiness;

    @Test
    void watchdogEndsExecutionsNobodyWillEnd() throws Exception {
        long machineId = db.insertMachine(subscription, "quiet-01");
        UUID overdue = running(machineId, "overdue", 200);
        UUID inTime = running(db.insertMachine(subscription, "quiet-02"), "in-time", 100);
        UUID dependent = db.insertExecution(machineId, "dependent");
        update("update execution set waiting_for = array[$2]::uuid[] where id = $1", dependent, overdue);
        UUID untimed = running(machineId, "untimed", 10);
        update("update execution set timeout_seconds = 0 where id = $1", untimed);
        UUID undelivered = db.insertExecution(machineId, "undelivered");
        update("update execution set deliver_by = now() - interval '1 second' where id = $1", undelivered);
        update("update machine set last_status_change = now() - interval '25 hours' where id = $1", machineId);

        watchdog.run().await().atMost(Duration.ofSeconds(10));

        assertEnded(overdue, UNKNOWN_OUTCOME, "Succeeded");
        assertEquals("Running", db.execution(inTime).getString("state"));
        assertEnded(undelivered, "not delivered: machine offline", "Failed");
        String since = db.machine(machineId).getOffsetDateTime("last_status_change")
                .atZoneSameInstant(ZoneOffset.UTC).format(DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss'Z'"));
        assertEnded(untimed, "machine disconnected since " + since + "; the outcome is unknown", "Succeeded");
        Row canceled = db.execution(dependent);
        assertEquals("Canceled", canceled.getString("state"));
        assertEquals("Canceled: dependency 'overdue' ended Failed", canceled.getString("message"));
        assertEquals("Canceled", db.runCommandOf(dependent).getString("provisioning_state"));

        assertLateExitChangesNothing(overdue);
    }

    @Test
    void deliveredExecutionsTheAgentNoLongerHoldsEndAtItsHello() throws Exception {
        long machineId = db.insertMachine(subscription, "wiped-01");
        UUID kept = running(machineId, "kept", 5);
        UUID forgotten = running(machineId, "forgotten", 5);
        try (FakeAgent agent = agent("wiped-01")) {
            agent.send(FakeAgent.hello(subscription, "wiped-01").toBuilder()
                    .addHeld(HeldExecution.newBuilder().setExecutionId(kept.toString()).setRunning(true)).build());
            agent.next(WELCOME);

            await().atMost(Duration.ofSeconds(10))
                    .until(() -> "Failed".equals(db.execution(forgotten).getString("state")));
            assertEnded(forgotten, "the agent no longer holds this execution (its work directory was lost or"
                    + " replaced); the outcome is unknown", "Succeeded");
            assertEquals("Running", db.execution(kept).getString("state"));
        }
    }

    @Test
    void deadGatewayIsExpiredByTheLease() {
        long machineId = db.insertMachine(subscription, "orphan-01");
        String dead = "gw-dead-" + UUID.randomUUID();
        String alive = "gw-alive-" + UUID.randomUUID();
        update("insert into gateway (id, address, heartbeat_at) values ($1, '10.0.0.9:9090', now() - interval '60 seconds')",
                dead);
        update("insert into gateway (id, address, heartbeat_at) values ($1, '10.0.0.8:9090', now() - interval '5 seconds')",
                alive);
        update("insert into agent_session (machine_id, gateway_id, session_id) values ($1, $2, 'session-dead')",
                machineId, dead);
        update("update machine set status = 'Connected', last_status_change = now() - interval '1 hour' where id = $1",
                machineId);
        UUID unaccepted = db.insertExecution(machineId, "unaccepted");
        UUID accepted = db.insertExecution(machineId, "accepted");
        update("update execution set state = 'Dispatched', gateway_id = $2, session_id = 'session-dead',"
                + " dispatched_at = now() where id = $1", unaccepted, dead);
        update("update execution set state = 'Dispatched', gateway_id = $2, session_id = 'session-dead',"
                + " dispatched_at = now(), accepted_at = now() where id = $1", accepted, dead);

        List<String> expired = lease.expireOthers().await().atMost(Duration.ofSeconds(10));

        assertEquals(List.of(dead + " (1 session(s), 1 execution(s) back to Pending)"), expired);
        Row machine = db.machine(machineId);
        assertEquals("Disconnected", machine.getString("status"));
        assertTrue(machine.getOffsetDateTime("last_status_change").isAfter(OffsetDateTime.now().minusMinutes(1)));
        assertEquals(0, db.count("select count(*) from agent_session where machine_id = $1", Tuple.of(machineId)));
        assertEquals(0, db.count("select count(*) from gateway where id = $1", Tuple.of(dead)));
        assertEquals(1, db.count("select count(*) from gateway where id = $1", Tuple.of(alive)));
        Row requeued = db.execution(unaccepted);
        assertEquals("Pending", requeued.getString("state"));
        assertNull(requeued.getString("gateway_id"));
        assertEquals("Dispatched", db.execution(accepted).getString("state"));
        assertEquals(List.of(), lease.expireOthers().await().atMost(Duration.ofSeconds(10)));
        update("delete from gateway where id = $1", alive);
    }

    @Test
    void gatewayWhoseLeaseWasExpiredRegistersAgainAndEndsItsSessions() throws Exception {
        try (FakeAgent agent = agent("paused-01")) {
            agent.send(FakeAgent.hello(subscription, "paused-01"));
            agent.next(WELCOME);
            // What another gateway's expiry of this one leaves behind.
            update("delete from agent_session where gateway_id = $1", identity.id());
            update("delete from gateway where id = $1", identity.id());

            lease.renew(lifecycle.address()).await().atMost(Duration.ofSeconds(10));

            Status status = agent.awaitEnd();
            assertEquals(Status.Code.UNAVAILABLE, status.getCode());
            assertEquals("gateway lease expired: the session is no longer recorded; reconnect", status.getDescription());
            assertEquals(1, db.count("select count(*) from gateway where id = $1", Tuple.of(identity.id())));
        }
        try (FakeAgent again = agent("paused-01")) {
            again.send(FakeAgent.hello(subscription, "paused-01"));
            String sessionId = again.next(WELCOME).getWelcome().getSessionId();
            assertEquals(identity.id(), db.one("select gateway_id from agent_session where session_id = $1",
                    Tuple.of(sessionId)).getString("gateway_id"));
        }
    }

    @Test
    void postgresRestartLosesAndDuplicatesNoOutput() throws Exception {
        UUID id;
        try (FakeAgent agent = agent("pg-01")) {
            id = openWithExecution(agent, "pg-01", "stream");
            internal.dispatch(dispatchOf("pg-01"));
            agent.next(RUN);
            agent.send(AgentMessage.newBuilder().setAccepted(Accepted.newBuilder().setExecutionId(id.toString())).build());
            agent.send(ProgressMessages.started(id));
            sendChunks(agent, id, 0, 20);
            awaitAck(agent, id, 20_000, 0);

            EmbeddedPostgresResource.stopServer();
            awaitReadiness(503);
            sendChunks(agent, id, 20, 25);

            Status status = agent.awaitEnd();
            assertEquals(Status.Code.UNAVAILABLE, status.getCode(), status.toString());
            assertTrue(status.getDescription().startsWith("store unavailable: "), status.getDescription());
        } finally {
            EmbeddedPostgresResource.startServer();
        }
        awaitReadiness(200);

        try (FakeAgent agent = agent("pg-01")) {
            Hello hello = FakeAgent.hello(subscription, "pg-01").toBuilder()
                    .addHeld(HeldExecution.newBuilder().setExecutionId(id.toString()).setRunning(true)).build();
            agent.send(hello);
            agent.next(WELCOME);
            sendChunks(agent, id, 20, 30); // the replay, from the acknowledged offset
            agent.send(ProgressMessages.exited(id, 30_000, 0));
            awaitExitAck(agent, id);
        }
        assertEachByteStoredOnce(id, 30_000);
    }

    /** An execution delivered, accepted and started {@code startedSecondsAgo}, with timeoutInSeconds 30. */
    private UUID running(long machineId, String name, int startedSecondsAgo) {
        UUID id = db.insertExecution(machineId, name);
        update("update execution set state = 'Running', dispatched_at = now() - make_interval(secs => $2),"
                + " accepted_at = now() - make_interval(secs => $2), start_time = now() - make_interval(secs => $2)"
                + " where id = $1", id, (double) startedSecondsAgo);
        return id;
    }

    private void assertEnded(UUID id, String message, String provisioning) {
        Row execution = db.execution(id);
        assertEquals("Failed", execution.getString("state"), "state of " + execution.getString("run_command_name"));
        assertEquals(message, execution.getString("message"));
        assertNull(execution.getInteger("exit_code"));
        assertNotNull(execution.getOffsetDateTime("end_time"));
        assertEquals(provisioning, db.runCommandOf(id).getString("provisioning_state"));
    }

    /** The first terminal state wins: an Exited arriving after the watchdog ended the execution changes nothing. */
    private void assertLateExitChangesNothing(UUID id) throws Exception {
        try (FakeAgent agent = agent("quiet-01")) {
            agent.send(FakeAgent.hello(subscription, "quiet-01"));
            agent.next(WELCOME);
            agent.send(ProgressMessages.exited(id, 0));
            awaitExitAck(agent, id);
        }
        assertEnded(id, UNKNOWN_OUTCOME, "Succeeded");
    }

    private static void sendChunks(FakeAgent agent, UUID id, int from, int to) {
        for (int i = from; i < to; i++) {
            agent.send(ProgressMessages.output(id, 1, i * 1000L, 1000));
        }
    }

    private void awaitReadiness(int status) {
        HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(200)).until(() -> client.send(
                HttpRequest.newBuilder(URI.create(readiness.toString())).timeout(Duration.ofSeconds(5)).build(),
                HttpResponse.BodyHandlers.discarding()).statusCode() == status);
    }

    private void update(String sql, Object... values) {
        db.all(sql, Tuple.from(values));
    }
}
