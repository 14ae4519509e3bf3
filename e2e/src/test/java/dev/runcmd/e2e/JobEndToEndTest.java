package dev.runcmd.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.runcmd.cli.local.ComponentProcess;
import dev.runcmd.cli.local.LocalStack;
import dev.runcmd.cli.local.Ports;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Fan-out jobs over real processes: ten agents tagged {@code fleet=jobs}, spread over two gateways, and two control
 * API replicas on one database (each runs the job driver). The scripts write what they really did to a
 * {@link RunLedger}, so concurrency and exactly-once are counted on the machines, not read from the API.
 */
class JobEndToEndTest {

    private static final int FLEET_SIZE = 10;
    private static final Map<String, String> FLEET_TAGS = Map.of("fleet", "jobs");
    private static final String SECOND_GATEWAY = "gw-jobs";
    private static final String OFFLINE = "e2e-job-offline";
    private static final Set<String> JOB_ENDS = Set.of("Succeeded", "Failed", "Canceled");
    private static final Duration JOB_END = Duration.ofSeconds(90);

    private static Stack stack;
    private static Api api;
    private static Api replica;
    private static ComponentProcess replicaProcess;
    private static int gatewayPort;
    private static int gatewayHttpPort;
    private static ComponentProcess gateway;
    private static AgentFleet fleet;
    private static Path ledgers;

    @BeforeAll
    static void startFleet() throws Exception {
        stack = Stack.get();
        api = stack.api();
        ledgers = stack.local().dataDir().resolve("job-ledgers");
        int replicaPort = Ports.free();
        int replicaManagementPort = Ports.free();
        replicaProcess = stack.local().startControlApi(replicaPort, replicaManagementPort);
        gatewayPort = Ports.free();
        gatewayHttpPort = Ports.free();
        startSecondGateway();
        LocalStack.awaitQuarkus(replicaProcess, replicaManagementPort);
        replica = new Api("http://127.0.0.1:" + replicaPort, Stack.SUBSCRIPTION, Stack.RESOURCE_GROUP, stack.token());

        ComponentProcess offline = stack.startAgent(OFFLINE, stack.gatewayPort());
        fleet = AgentFleet.start(stack, "e2e-job", FLEET_SIZE, FLEET_TAGS,
                List.of("127.0.0.1:" + stack.gatewayPort(), "127.0.0.1:" + gatewayPort));
        stack.awaitStatus(OFFLINE, "Connected");
        offline.stop(Duration.ofSeconds(10));
        stack.awaitStatus(OFFLINE, "Disconnected");
    }

    /** The second gateway; its watchdog sweeps every second, so undelivered executions end soon after their time. */
    private static void startSecondGateway() throws IOException, InterruptedException {
        gateway = stack.local().startGateway(SECOND_GATEWAY, gatewayPort, gatewayHttpPort,
                Map.of("runcmd.gateway.sweep-interval", "1s"));
        LocalStack.awaitQuarkus(gateway, gatewayHttpPort);
    }

    @AfterAll
    static void stopFleet() throws InterruptedException {
        if (fleet != null) {
            fleet.close();
        }
        if (gateway != null) {
            gateway.stop(Duration.ofSeconds(10));
        }
        if (replicaProcess != null) {
            replicaProcess.stop(Duration.ofSeconds(15));
        }
    }

    @Test
    void tenTaggedMachinesEachRunOnceAndNeverMoreThanMaxConcurrencyAtOnce() throws Exception {
        RunLedger ledger = RunLedger.in(ledgers, "concurrency");
        String script = ledger.mark("start") + "sleep 1\n" + ledger.mark("end");

        Api.Answer put = replica.put(replica.runCommandJob("rolling"), job(List.of(), "3", "0", script).toString());
        assertEquals(201, put.status(), put.text());
        // Created through one replica, driven by both, read through the other.
        JsonNode ended = awaitEnd(api, "rolling");

        assertEquals("Succeeded", state(ended), ended.toString());
        assertEquals(FLEET_SIZE, ended.path("properties").path("executionStateCounts").path("Succeeded").asInt());
        assertEquals(everyMachineOnce(), ledger.startsPerMachine());
        List<RunLedger.Run> runs = ledger.runs();
        assertTrue(runs.stream().allMatch(run -> run.end() > 0), "every script ran to its end: " + runs);
        int overlap = RunLedger.maxOverlap(runs);
        assertTrue(overlap <= 3, "at most maxConcurrency (3) scripts ran at once, saw " + overlap);
        assertTrue(overlap >= 2, "the job ran targets side by side, saw at most " + overlap + " at once");
        for (JsonNode target : targets(api, "rolling", 10)) {
            assertEquals("Succeeded", target.path("executionState").asText(), target.toString());
            assertEquals(0, target.path("exitCode").asInt(-1), target.toString());
            assertEquals(1, executions(target.path("machine").asText(), "rolling"), target.toString());
        }
    }

    @Test
    void moreFailuresThanMaxErrorsStopTheJobAndCancelTheTargetsNotStarted() throws Exception {
        RunLedger ledger = RunLedger.in(ledgers, "errors");
        List<String> machines = fleet.machines();
        String failing = String.join(" ", machines.get(1), machines.get(2), machines.get(4));
        String script = ledger.mark("start") + "case \" $FAIL_ON \" in *\" $m \"*) exit 3;; esac\n";
        ObjectNode body = job(List.of(), "1", "2", script);
        ObjectNode parameter = runCommand(body).putArray("parameters").addObject();
        parameter.put("name", "FAIL_ON").put("value", failing);

        assertEquals(201, api.put(api.runCommandJob("flaky"), body.toString()).status());
        JsonNode ended = awaitEnd(api, "flaky");

        // One at a time in name order: 00 succeeds, 01 and 02 fail (2, within maxErrors), 03 succeeds, 04 is the
        // third failure; 05 to 09 never start.
        assertEquals("Failed", state(ended), ended.toString());
        assertEquals("The job started no more targets: 3 targets ended other than Succeeded, more than maxErrors (2).",
                ended.path("properties").path("message").asText());
        assertEquals(machines.subList(0, 5), ledger.started());
        Map<String, String> states = new TreeMap<>();
        for (JsonNode target : targets(api, "flaky", 10)) {
            states.put(target.path("machine").asText(), target.path("executionState").asText()
                    + (target.has("exitCode") ? " " + target.path("exitCode").asInt() : ""));
            if (machines.indexOf(target.path("machine").asText()) > 4) {
                assertEquals("Canceled: the job started no more targets after 3 targets ended other than Succeeded, "
                        + "more than maxErrors (2)", target.path("executionMessage").asText());
            }
        }
        Map<String, String> expected = new TreeMap<>();
        for (int i = 0; i < FLEET_SIZE; i++) {
            expected.put(machines.get(i), i > 4 ? "Canceled" : Set.of(1, 2, 4).contains(i) ? "Failed 3" : "Succeeded 0");
        }
        assertEquals(expected, states);
    }

    @Test
    void cancelEndsTheRunningScriptsAtOnceAndStartsNoOther() throws Exception {
        RunLedger ledger = RunLedger.in(ledgers, "cancel");
        String sleep = "sleep 30.517";
        String script = ledger.mark("start") + sleep + "\n" + ledger.mark("end");
        assertEquals(201, api.put(api.runCommandJob("long"), job(List.of(), "3", "0", script).toString()).status());
        Waits.until(Duration.ofSeconds(30), "three scripts running", () -> ledger.started().size() == 3);

        Instant canceled = Instant.now();
        Api.Answer cancel = api.post(api.runCommandJob("long") + "/cancel", "");
        assertEquals(200, cancel.status(), cancel.text());
        JsonNode ended = awaitEnd(api, "long");

        assertEquals("Canceled", state(ended), ended.toString());
        assertEquals(FLEET_SIZE, ended.path("properties").path("executionStateCounts").path("Canceled").asInt());
        List<String> ran = ledger.started();
        assertEquals(3, ran.size(), "only the first three ever started: " + ran);
        assertTrue(ledger.marks().stream().noneMatch(mark -> mark.phase().equals("end")), "a script ran to its end");
        assertFalse(RunCommands.processRunning(sleep), "a canceled script is still running");
        for (JsonNode target : targets(api, "long", 10)) {
            assertEquals("Canceled", target.path("executionState").asText(), target.toString());
            if (ran.contains(target.path("machine").asText())) {
                Duration took = Duration.between(canceled, Instant.parse(target.path("endTime").asText()));
                assertTrue(took.compareTo(Duration.ofSeconds(10)) < 0, "a running target ended " + took
                        + " after the cancel: " + target);
            } else {
                assertFalse(target.has("startTime"), "a target started after the cancel: " + target);
            }
        }
    }

    @Test
    void anOfflineTargetHoldsItsSlotUntilItsDeliveryTimeoutAndEndsFailed() throws Exception {
        RunLedger ledger = RunLedger.in(ledgers, "offline");
        String script = ledger.mark("start") + "sleep 1\n" + ledger.mark("end");
        List<String> online = fleet.machines().subList(0, 3);
        List<String> named = new ArrayList<>(List.of(OFFLINE));
        named.addAll(online);
        ObjectNode body = job(named, "2", "1", script);
        runCommand(body).put("deliveryTimeoutInSeconds", 5);

        assertEquals(201, api.put(api.runCommandJob("with-offline"), body.toString()).status());
        JsonNode ended = awaitEnd(api, "with-offline");

        // One failure is within maxErrors (1): the job succeeds, and says what became of each target.
        assertEquals("Succeeded", state(ended), ended.toString());
        JsonNode counts = ended.path("properties").path("executionStateCounts");
        assertEquals(1, counts.path("Failed").asInt(), counts.toString());
        assertEquals(3, counts.path("Succeeded").asInt(), counts.toString());
        List<JsonNode> targets = targets(api, "with-offline", 10);
        JsonNode offline = targets.get(0);
        assertEquals(OFFLINE, offline.path("machine").asText());
        assertEquals("Failed", offline.path("executionState").asText(), offline.toString());
        assertEquals("not delivered: machine offline", offline.path("executionMessage").asText());
        long offlineEnd = nanos(Instant.parse(offline.path("endTime").asText()));

        // Named machines run in their order; while the offline one held one of the two slots, the others ran one
        // at a time.
        assertEquals(online, ledger.started());
        List<RunLedger.Run> whileHeld = ledger.runs().stream().filter(run -> run.start() < offlineEnd).toList();
        assertTrue(whileHeld.size() >= 2, "too few targets ran while the offline one waited to prove anything: "
                + whileHeld + ", offline ended " + offline.path("endTime").asText());
        assertEquals(1, RunLedger.maxOverlap(whileHeld), "two ran at once while the offline target held a slot");
    }

    @Test
    void targetsArePagedByTopFollowingNextLink() throws Exception {
        assertEquals(201, api.put(api.runCommandJob("paged"), job(List.of(), "100%", "0", "true").toString())
                .status());
        assertEquals("Succeeded", state(awaitEnd(api, "paged")));

        List<Integer> pageSizes = new ArrayList<>();
        List<String> listed = new ArrayList<>();
        Api.Answer page = api.get(api.runCommandJob("paged") + "/targets?$top=3");
        while (true) {
            assertEquals(200, page.status(), page.text());
            JsonNode value = page.json().path("value");
            pageSizes.add(value.size());
            value.forEach(target -> listed.add(target.path("machine").asText()));
            JsonNode next = page.json().path("nextLink");
            if (next.isMissingNode() || next.isNull()) {
                break;
            }
            assertTrue(pageSizes.size() < 10, "nextLink never ends");
            page = api.follow(next.asText());
        }
        assertEquals(List.of(3, 3, 3, 1), pageSizes);
        assertEquals(fleet.machines(), listed);
    }

    @Test
    void aGatewayKilledMidJobLeavesEveryTargetEndedExactlyOnce() throws Exception {
        List<String> onSecond = fleet.on(SECOND_GATEWAY);
        assertFalse(onSecond.isEmpty(), "no agent is on the second gateway; the kill would prove nothing");
        assertFalse(fleet.on("gw-1").isEmpty(), "no agent is on the first gateway");
        RunLedger ledger = RunLedger.in(ledgers, "gateway-kill");
        String script = ledger.mark("start") + "sleep 2\n" + ledger.mark("end");
        assertEquals(201, api.put(api.runCommandJob("through-kill"), job(List.of(), "4", "0", script).toString())
                .status());
        try {
            Waits.until(Duration.ofSeconds(30), "a script running on an agent of " + SECOND_GATEWAY,
                    () -> ledger.started().stream().anyMatch(onSecond::contains));
            gateway.kill();

            JsonNode ended = awaitEnd(api, "through-kill");
            assertEquals("Succeeded", state(ended), ended.toString());
            assertEquals(everyMachineOnce(), ledger.startsPerMachine());
            assertTrue(ledger.runs().stream().allMatch(run -> run.end() > 0), "a script never ended");
            assertTrue(RunLedger.maxOverlap(ledger.runs()) <= 4, "more than maxConcurrency ran at once");
            for (JsonNode target : targets(api, "through-kill", 10)) {
                assertEquals("Succeeded", target.path("executionState").asText(), target.toString());
                assertEquals(1, executions(target.path("machine").asText(), "through-kill"), target.toString());
            }
            assertEquals(List.of(), fleet.on(SECOND_GATEWAY));
            assertEquals(fleet.machines(), fleet.on("gw-1"));
        } finally {
            if (!gateway.isAlive()) {
                startSecondGateway();
            }
        }
    }

    /** A job body over the fleet's tag (when {@code machines} is empty) or the named machines. */
    private static ObjectNode job(List<String> machines, String maxConcurrency, String maxErrors, String script) {
        ObjectNode body = Api.JSON.createObjectNode();
        body.put("location", "e2e");
        ObjectNode properties = body.putObject("properties");
        ObjectNode targets = properties.putObject("targets");
        if (machines.isEmpty()) {
            targets.set("tags", Api.JSON.valueToTree(FLEET_TAGS));
        } else {
            targets.set("machines", Api.JSON.valueToTree(machines));
        }
        properties.put("maxConcurrency", maxConcurrency);
        properties.put("maxErrors", maxErrors);
        properties.putObject("runCommand").putObject("source").put("script", script);
        return body;
    }

    private static ObjectNode runCommand(ObjectNode job) {
        return (ObjectNode) job.path("properties").path("runCommand");
    }

    private static JsonNode awaitEnd(Api through, String name) {
        return Waits.forValue(JOB_END, "job " + name + " to end", () -> {
            Api.Answer answer = through.get(through.runCommandJob(name));
            assertEquals(200, answer.status(), answer.text());
            return JOB_ENDS.contains(state(answer.json())) ? answer.json() : null;
        });
    }

    private static String state(JsonNode job) {
        return job.path("properties").path("provisioningState").asText();
    }

    /** Every target of the job, in its order, a page of {@code top} at a time. */
    private static List<JsonNode> targets(Api through, String name, int top) {
        List<JsonNode> all = new ArrayList<>();
        Api.Answer page = through.get(through.runCommandJob(name) + "/targets?$top=" + top);
        while (true) {
            assertEquals(200, page.status(), page.text());
            page.json().path("value").forEach(all::add);
            JsonNode next = page.json().path("nextLink");
            if (next.isMissingNode() || next.isNull()) {
                return all;
            }
            page = through.follow(next.asText());
        }
    }

    /** How many executions the run command {@code name} on {@code machine} has had. */
    private static int executions(String machine, String name) {
        Api.Answer answer = api.get(api.runCommand(machine, name) + "/executions");
        assertEquals(200, answer.status(), answer.text());
        return answer.json().path("value").size();
    }

    private static Map<String, Integer> everyMachineOnce() {
        return fleet.machines().stream().collect(Collectors.toMap(machine -> machine, machine -> 1, Integer::sum,
                TreeMap::new));
    }

    private static long nanos(Instant instant) {
        return instant.getEpochSecond() * 1_000_000_000L + instant.getNano();
    }
}
