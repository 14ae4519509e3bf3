package dev.runcmd.control;

import static dev.runcmd.control.Arm.put;
import static dev.runcmd.control.Arm.request;
import static dev.runcmd.control.Jobs.awaitReleased;
import static dev.runcmd.control.Jobs.awaitState;
import static dev.runcmd.control.Jobs.body;
import static dev.runcmd.control.Jobs.job;
import static dev.runcmd.control.Jobs.machines;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.runcmd.control.output.OutputHub;
import dev.runcmd.proto.v1.CancelJobRequest;
import dev.runcmd.proto.v1.CreateOrUpdateJobRequest;
import dev.runcmd.proto.v1.DeleteJobRequest;
import dev.runcmd.proto.v1.GetJobRequest;
import dev.runcmd.proto.v1.Job;
import dev.runcmd.proto.v1.JobOutputEvent;
import dev.runcmd.proto.v1.JobRef;
import dev.runcmd.proto.v1.JobRunCommand;
import dev.runcmd.proto.v1.JobTargets;
import dev.runcmd.proto.v1.ListJobTargetsRequest;
import dev.runcmd.proto.v1.ListJobTargetsResponse;
import dev.runcmd.proto.v1.ListJobsRequest;
import dev.runcmd.proto.v1.ListJobsResponse;
import dev.runcmd.proto.v1.OutputStream;
import dev.runcmd.proto.v1.Parameter;
import dev.runcmd.proto.v1.RunCommandJobsGrpc;
import dev.runcmd.proto.v1.StreamJobOutputRequest;
import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.RestAssured;
import io.restassured.path.json.JsonPath;
import jakarta.inject.Inject;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

/**
 * The public runcmd.v1 RunCommandJobs service against the REST views, with executions moved over JDBC as a gateway
 * would: create, read, list and page, cancel, delete; bad requests refused with REST's message and changing
 * nothing; the authorization of creates; the merged output streamed, followed and resumed. Each test uses its own
 * resource group.
 */
@QuarkusTest
@WithTestResource(EmbeddedPostgresResource.class)
class JobsGrpcTest {

    @Inject
    OutputHub hub;

    private final List<ManagedChannel> channels = new ArrayList<>();
    private RunCommandJobsGrpc.RunCommandJobsBlockingStub jobs;

    @BeforeEach
    void openChannel() {
        jobs = stub(TestAuth.OWNER_TOKEN);
    }

    @AfterEach
    void closeChannels() throws InterruptedException {
        for (ManagedChannel channel : channels) {
            channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
        }
    }

    @Test
    void createGetListCancelAndDeleteMirrorRest() {
        String rg = "rg-jobgrpc-crud";
        machines(rg, 3);
        Job created = jobs.createOrUpdateJob(create(rg, "patch", "m0", "m1", "m2").toBuilder()
                .setMaxConcurrency("1").putTags("change", "CHG-1")
                .setRunCommand(JobRunCommand.newBuilder().setScript("echo $A").setTimeoutInSeconds(60)
                        .addParameters(Parameter.newBuilder().setName("A").setValue("x"))
                        .addProtectedParameters(Parameter.newBuilder().setName("TOKEN").setValue("s3cr3t")))
                .build());

        JsonPath view = request().get(job(rg, "patch")).then().statusCode(200).extract().jsonPath();
        assertEquals(view.getString("id"), created.getId());
        assertEquals("Running", created.getProvisioningState());
        assertEquals(3, created.getTargetCount());
        assertEquals(List.of("m0", "m1", "m2"), created.getTargets().getMachinesList());
        assertEquals("1", created.getMaxConcurrency());
        assertEquals("0", created.getMaxErrors(), "the default");
        assertEquals(Map.of("change", "CHG-1"), created.getTagsMap());
        assertEquals("echo $A", created.getRunCommand().getScript());
        assertEquals(60, created.getRunCommand().getTimeoutInSeconds());
        assertEquals(List.of(Parameter.newBuilder().setName("A").setValue("x").build()),
                created.getRunCommand().getParametersList());
        assertFalse(created.toString().contains("s3cr3t"), "a protected value was returned");
        assertEquals(view.getString("systemData.createdBy"), created.getCreatedBy());
        assertEquals(3L, created.getExecutionStateCountsOrThrow("Pending"));
        assertEquals(created, jobs.getJob(GetJobRequest.newBuilder().setJob(ref(rg, "patch")).build()));
        assertEquals(1, Db.queryLong("select count(*) from activity_log where resource_id_lower = lower(?) "
                + "and operation_name = 'Microsoft.HybridCompute/runCommandJobs/write' "
                + "and properties->>'grpcStatus' = 'OK' and properties->>'targetCount' = '3'", created.getId()),
                "the create is on the activity log");

        jobs.createOrUpdateJob(create(rg, "other", "m0"));
        ListJobsResponse first = jobs.listJobs(ListJobsRequest.newBuilder().setSubscriptionId(Arm.SUB)
                .setResourceGroup(rg).setPageSize(1).build());
        assertEquals(List.of("other"), first.getJobsList().stream().map(Job::getName).toList());
        ListJobsResponse second = jobs.listJobs(ListJobsRequest.newBuilder().setSubscriptionId(Arm.SUB)
                .setResourceGroup(rg).setPageSize(1).setPageToken(first.getNextPageToken()).build());
        assertEquals(List.of(created), second.getJobsList());
        assertEquals("", second.getNextPageToken());

        ListJobTargetsResponse targets = jobs.listJobTargets(ListJobTargetsRequest.newBuilder()
                .setJob(ref(rg, "patch")).setPageSize(2).build());
        assertEquals(List.of("m0", "m1"), targets.getTargetsList().stream().map(t -> t.getMachine()).toList());
        assertEquals(Arm.runCommand(rg, "m0", "patch"), targets.getTargets(0).getRunCommandId());
        assertEquals("Pending", targets.getTargets(0).getExecutionState());
        assertFalse(targets.getTargets(0).getHasExitCode());
        ListJobTargetsResponse rest = jobs.listJobTargets(ListJobTargetsRequest.newBuilder()
                .setJob(ref(rg, "patch")).setPageSize(2).setPageToken(targets.getNextPageToken()).build());
        assertEquals(List.of("m2"), rest.getTargetsList().stream().map(t -> t.getMachine()).toList());
        assertEquals("", rest.getNextPageToken());

        Job canceled = jobs.cancelJob(CancelJobRequest.newBuilder().setJob(ref(rg, "patch")).build());
        assertEquals(3L, canceled.getExecutionStateCountsOrThrow("Canceled"));
        awaitState(rg, "patch", "Canceled");

        assertTrue(jobs.deleteJob(DeleteJobRequest.newBuilder().setJob(ref(rg, "patch")).build()).getDeleted());
        request().get(job(rg, "patch")).then().statusCode(404);
        request().get(Arm.runCommand(rg, "m0", "patch")).then().statusCode(404);
        assertCode(Status.Code.NOT_FOUND, () -> jobs.getJob(GetJobRequest.newBuilder()
                .setJob(ref(rg, "patch")).build()));
        assertFalse(jobs.deleteJob(DeleteJobRequest.newBuilder().setJob(ref(rg, "patch")).build()).getDeleted());
        assertCode(Status.Code.NOT_FOUND, () -> jobs.cancelJob(CancelJobRequest.newBuilder()
                .setJob(ref(rg, "patch")).build()));
    }

    @Test
    void badRequestsAreRefusedWithRestsMessageAndChangeNothing() {
        String rg = "rg-jobgrpc-bad";
        machines(rg, 1);
        CreateOrUpdateJobRequest valid = create(rg, "bad", "m0");

        assertRefusedAsRest(valid.toBuilder().setTargets(JobTargets.newBuilder().addMachines("nope")).build(),
                body("[\"nope\"]", "{}", "1", "0"));
        assertRefusedAsRest(valid.toBuilder().setMaxConcurrency("0").build(), body("[\"m0\"]", "{}", "0", "0"));
        assertRefusedAsRest(valid.toBuilder().setMaxErrors("101%").build(), body("[\"m0\"]", "{}", "1", "101%"));
        assertRefusedAsRest(valid.toBuilder().clearTargets().build(), body("[]", "{}", "1", "0"));
        assertRefusedAsRest(valid.toBuilder().setTargets(JobTargets.newBuilder().putTags("env", "none")).build(),
                body("[]", "{\"env\":\"none\"}", "1", "0"));
        assertRefusedAsRest(valid.toBuilder().setRunCommand(JobRunCommand.newBuilder().setScript("true")
                .addParameters(Parameter.newBuilder().setName("1BAD").setValue("v"))).build(), """
                {"location":"eastus","properties":{"targets":{"machines":["m0"]},
                 "runCommand":{"source":{"script":"true"},"parameters":[{"name":"1BAD","value":"v"}]}}}""");
        assertRefusedAsRest(valid.toBuilder().setLocation("").build(), """
                {"location":"","properties":{"targets":{"machines":["m0"]},
                 "runCommand":{"source":{"script":"true"}}}}""");
        StatusRuntimeException badName = assertThrows(StatusRuntimeException.class, () -> jobs.createOrUpdateJob(
                valid.toBuilder().setJob(ref(rg, "bad name")).build()));
        assertEquals(Status.Code.INVALID_ARGUMENT, badName.getStatus().getCode());
        assertTrue(badName.getStatus().getDescription().startsWith("job.name: "), badName.getStatus().toString());

        assertCode(Status.Code.NOT_FOUND, () -> jobs.getJob(GetJobRequest.newBuilder().setJob(ref(rg, "bad")).build()));
        assertEquals(0, Db.queryLong("select count(*) from run_command_job where resource_group = ?", rg));
        assertEquals(0, Db.queryLong("select count(*) from run_command r join machine m on m.id = r.machine_id "
                + "where m.resource_group = ?", rg));
    }

    @Test
    void creatingNeedsJobWriteAndRootOnEveryTarget() {
        String rg = "rg-jobgrpc-auth";
        machines(rg, 1);
        Principals.Principal reader = Principals.of("jobgrpc-reader", "Reader", List.of("/subscriptions/" + Arm.SUB));
        StatusRuntimeException refused = assertThrows(StatusRuntimeException.class,
                () -> stub(reader.token()).createOrUpdateJob(create(rg, "denied", "m0")));
        assertEquals(Status.Code.PERMISSION_DENIED, refused.getStatus().getCode());
        assertTrue(refused.getStatus().getDescription().contains("Microsoft.HybridCompute/runCommandJobs/write"),
                refused.getStatus().getDescription());
        assertEquals(1, Db.queryLong("select count(*) from activity_log where caller_object_id = ? "
                + "and properties->>'grpcStatus' = 'PERMISSION_DENIED'", reader.objectId()),
                "the refusal is on the activity log");

        Principals.Principal operator = Principals.of("jobgrpc-operator", "Run Command Operator",
                List.of("/subscriptions/" + Arm.SUB));
        StatusRuntimeException notRoot = assertThrows(StatusRuntimeException.class,
                () -> stub(operator.token()).createOrUpdateJob(create(rg, "denied", "m0")));
        assertEquals(Status.Code.PERMISSION_DENIED, notRoot.getStatus().getCode());
        assertTrue(notRoot.getStatus().getDescription().contains(
                "runCommands/runAsRoot/action' over scope '" + Arm.runCommand(rg, "m0", "denied") + "'"),
                notRoot.getStatus().getDescription());
        assertEquals(0, Db.queryLong("select count(*) from run_command_job where resource_group = ?", rg));
    }

    @Test
    void streamMergesTheTargetsAndResumesFromAnyEventWithoutLossOrRepeat() throws Exception {
        String rg = "rg-jobgrpc-stream";
        List<String> executions = startAll(rg, "many", 2);
        byte[] euro = bytes("€");
        OutputRows.store(executions.get(0), OutputRows.STDOUT, 0, bytes("a1\n"));
        OutputRows.store(executions.get(1), OutputRows.STDOUT, 0, new byte[] {'b', euro[0]});
        OutputRows.store(executions.get(0), OutputRows.STDERR, 0, bytes("a-err\n"));
        OutputRows.store(executions.get(1), OutputRows.STDOUT, 2, new byte[] {euro[1], euro[2], '\n'});
        OutputRows.end(executions.get(0), "Succeeded", 0, "");
        OutputRows.end(executions.get(1), "Failed", 3, "exit 3");
        awaitState(rg, "many", "Failed");

        List<JobOutputEvent> all = read(rg, "many", "");
        assertEquals(List.of("m0 stdout 0 a1\n", "m1 stdout 0 b", "m0 stderr 0 a-err\n", "m1 stdout 1 €\n",
                "end m0 Succeeded 0", "end m1 Failed 3 exit 3", "done Failed"),
                all.stream().map(JobsGrpcTest::describe).toList());
        List<SseClient.Event> sse = sse(rg, "many");
        assertEquals(sse.stream().map(SseClient.Event::id).toList(),
                all.stream().map(JobOutputEvent::getResumeToken).toList(), "the same tokens as REST's event ids");
        for (int i = 0; i < all.size(); i++) {
            List<JobOutputEvent> resumed = read(rg, "many", all.get(i).getResumeToken());
            List<JobOutputEvent> expected = i == all.size() - 1 ? all.subList(i, i + 1)
                    : all.subList(i + 1, all.size());
            assertEquals(expected, resumed, "resumed after event " + i);
        }
    }

    @Test
    void followDeliversLiveOutputUntilTheJobEnds() {
        String rg = "rg-jobgrpc-follow";
        String execution = startAll(rg, "tail", 1).get(0);
        Iterator<JobOutputEvent> events = jobs.withDeadlineAfter(30, TimeUnit.SECONDS).streamJobOutput(
                StreamJobOutputRequest.newBuilder().setJob(ref(rg, "tail")).setFollow(true).build());

        OutputRows.store(execution, OutputRows.STDOUT, 0, bytes("hello\n"));
        assertEquals("m0 stdout 0 hello\n", describe(events.next()));
        OutputRows.store(execution, OutputRows.STDOUT, 6, bytes("world\n"));
        assertEquals("m0 stdout 6 world\n", describe(events.next()));
        OutputRows.end(execution, "Succeeded", 0, "");
        assertEquals("end m0 Succeeded 0", describe(events.next()));
        JobOutputEvent done = events.next();
        assertEquals("done Succeeded", describe(done));
        assertFalse(done.getResumeToken().isEmpty());
        assertFalse(events.hasNext(), "done is the last message");
    }

    @Test
    void endsOnlyDeliversTheEndsAndNoOutput() {
        String rg = "rg-jobgrpc-ends";
        String execution = startAll(rg, "quiet", 1).get(0);
        OutputRows.store(execution, OutputRows.STDOUT, 0, bytes("hello\n"));
        Iterator<JobOutputEvent> events = jobs.withDeadlineAfter(30, TimeUnit.SECONDS).streamJobOutput(
                StreamJobOutputRequest.newBuilder().setJob(ref(rg, "quiet")).setFollow(true).setEndsOnly(true).build());

        OutputRows.store(execution, OutputRows.STDOUT, 6, bytes("world\n"));
        OutputRows.end(execution, "Succeeded", 0, "");
        assertEquals("end m0 Succeeded 0", describe(events.next()));
        assertEquals("done Succeeded", describe(events.next()));
        assertFalse(events.hasNext(), "done is the last message");
    }

    @Test
    void aStalledReaderIsWrittenOnlyWhatItAsksForAndMissesNothing() throws Exception {
        String rg = "rg-jobgrpc-stall";
        List<String> executions = startAll(rg, "big", 2);
        String[] written = new String[2];
        for (int i = 0; i < 2; i++) {
            written[i] = ("line " + i + " of a long output\n").repeat(200_000);
            OutputRows.storeAll(executions.get(i), OutputRows.STDOUT, 0, bytes(written[i]), 65536);
            OutputRows.end(executions.get(i), "Succeeded", 0, "");
        }
        awaitState(rg, "big", "Succeeded");
        StreamJobOutputRequest request = StreamJobOutputRequest.newBuilder().setJob(ref(rg, "big")).build();
        JobOutputCollector stalled = new JobOutputCollector(true);
        JobOutputCollector reader = new JobOutputCollector(false);
        RunCommandJobsGrpc.RunCommandJobsStub async = RunCommandJobsGrpc.newStub(channels.get(0))
                .withDeadlineAfter(120, TimeUnit.SECONDS);
        async.streamJobOutput(request, stalled);
        async.streamJobOutput(request, reader);

        assertEquals("Succeeded", reader.done.get(60, TimeUnit.SECONDS));
        assertEquals(written[0], reader.stdout("m0"));
        assertEquals(written[1], reader.stdout("m1"));
        UUID jobId = UUID.fromString(Db.queryString("select id::text from run_command_job where resource_group = ?",
                rg));
        assertEquals(0, stalled.messages.get(), "the stalled client asked for nothing");
        assertEquals(1, hub.followerCount(jobId),
                "the stalled client's follower must still wait for it, not have written everything");
        stalled.requestAll();
        assertEquals("Succeeded", stalled.done.get(60, TimeUnit.SECONDS));
        assertEquals(written[0], stalled.stdout("m0"));
        assertEquals(written[1], stalled.stdout("m1"));
    }

    @Test
    void streamRefusesForeignTokensAndAbsentJobs() {
        String rg = "rg-jobgrpc-token";
        machines(rg, 1);
        jobs.createOrUpdateJob(create(rg, "one", "m0"));
        jobs.createOrUpdateJob(create(rg, "two", "m0").toBuilder().setMaxConcurrency("1").build());
        String tokenOfTwo = read(rg, "two", "").get(0).getResumeToken();

        assertDescription("Invalid value of 'resume_token'", () -> read(rg, "one", "not a token!"));
        assertDescription("Invalid value of 'resume_token'", () -> read(rg, "one", tokenOfTwo));
        assertCode(Status.Code.NOT_FOUND, () -> read(rg, "none", ""));
        assertCode(Status.Code.INVALID_ARGUMENT, () -> read(rg, "bad name", ""));
    }

    private RunCommandJobsGrpc.RunCommandJobsBlockingStub stub(String token) {
        ManagedChannel channel = ManagedChannelBuilder.forAddress("localhost", RestAssured.port).usePlaintext()
                .intercept(TestAuth.bearer(token)).build();
        channels.add(channel);
        return RunCommandJobsGrpc.newBlockingStub(channel).withDeadlineAfter(20, TimeUnit.SECONDS);
    }

    /**
     * Registers machines m0 to m{count-1}, creates job {@code name} on all of them at once and waits until every
     * target is released; their executions in the job's order.
     */
    private List<String> startAll(String rg, String name, int count) {
        machines(rg, count);
        List<String> names = IntStream.range(0, count).mapToObj(i -> "m" + i).toList();
        jobs.createOrUpdateJob(create(rg, name, names.toArray(String[]::new)).toBuilder()
                .setMaxConcurrency("100%").build());
        return awaitReleased(rg, count);
    }

    /** The whole stored output (no follow), resuming after {@code token} when it is not empty. */
    private List<JobOutputEvent> read(String rg, String name, String token) {
        List<JobOutputEvent> events = new ArrayList<>();
        jobs.streamJobOutput(StreamJobOutputRequest.newBuilder().setJob(ref(rg, name)).setResumeToken(token)
                .build()).forEachRemaining(events::add);
        assertTrue(!events.isEmpty() && events.get(events.size() - 1).hasDone(), events.toString());
        return events;
    }

    private static List<SseClient.Event> sse(String rg, String name) throws Exception {
        List<SseClient.Event> events = new ArrayList<>();
        try (SseClient sse = SseClient.open(OutputApi.url(job(rg, name) + "/output"),
                Map.of("Accept", "text/event-stream"))) {
            for (SseClient.Event event = sse.next(10); event != SseClient.EOF; event = sse.next(10)) {
                assertNotNull(event, "the stream neither ended nor sent an event");
                events.add(event);
            }
        }
        return events;
    }

    /** An event in one line: what a test compares. */
    private static String describe(JobOutputEvent event) {
        return switch (event.getKindCase()) {
            case OUTPUT -> event.getOutput().getMachine() + " "
                    + (event.getOutput().getStream() == OutputStream.STDOUT ? "stdout" : "stderr") + " "
                    + event.getOutput().getOffset() + " " + event.getOutput().getText();
            case END -> ("end " + event.getEnd().getMachine() + " " + event.getEnd().getExecutionState() + " "
                    + event.getEnd().getExitCode() + " " + event.getEnd().getMessage()).strip();
            case DONE -> "done " + event.getDone().getProvisioningState();
            case KIND_NOT_SET -> "no kind";
        };
    }

    /** A create of job {@code name} on the machines named, with a script that runs as the agent's user. */
    private static CreateOrUpdateJobRequest create(String rg, String name, String... machines) {
        return CreateOrUpdateJobRequest.newBuilder().setJob(ref(rg, name)).setLocation("eastus")
                .setTargets(JobTargets.newBuilder().addAllMachines(List.of(machines)))
                .setRunCommand(JobRunCommand.newBuilder().setScript("true")).build();
    }

    private static JobRef ref(String rg, String name) {
        return JobRef.newBuilder().setSubscriptionId(Arm.SUB).setResourceGroup(rg).setName(name).build();
    }

    /** The gRPC create is INVALID_ARGUMENT with exactly the message REST answers to the equivalent body. */
    private void assertRefusedAsRest(CreateOrUpdateJobRequest request, String equivalentBody) {
        String rest = put(job(request.getJob().getResourceGroup(), request.getJob().getName()), equivalentBody)
                .statusCode(400).extract().path("error.message");
        StatusRuntimeException e = assertThrows(StatusRuntimeException.class, () -> jobs.createOrUpdateJob(request));
        assertEquals(Status.Code.INVALID_ARGUMENT, e.getStatus().getCode(), e.getStatus().toString());
        assertEquals(rest, e.getStatus().getDescription());
    }

    private static void assertCode(Status.Code expected, Executable call) {
        StatusRuntimeException e = assertThrows(StatusRuntimeException.class, call);
        assertEquals(expected, e.getStatus().getCode(), e.getStatus().toString());
    }

    private static void assertDescription(String start, Executable call) {
        StatusRuntimeException e = assertThrows(StatusRuntimeException.class, call);
        assertEquals(Status.Code.INVALID_ARGUMENT, e.getStatus().getCode(), e.getStatus().toString());
        assertTrue(e.getStatus().getDescription().startsWith(start), e.getStatus().getDescription());
    }

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }
}
