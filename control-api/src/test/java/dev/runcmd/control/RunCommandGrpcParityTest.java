package dev.runcmd.control;

import static dev.runcmd.control.Arm.put;
import static dev.runcmd.control.Arm.request;
import static dev.runcmd.control.Arm.runCommand;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.FieldMask;
import dev.runcmd.control.arm.PageRequest;
import dev.runcmd.control.runcommand.ExecutionHistoryReader;
import dev.runcmd.proto.secrets.SecretBox;
import dev.runcmd.proto.v1.CreateOrUpdateRunCommandRequest;
import dev.runcmd.proto.v1.Execution;
import dev.runcmd.proto.v1.GetOperationRequest;
import dev.runcmd.proto.v1.GetRunCommandRequest;
import dev.runcmd.proto.v1.ListExecutionsRequest;
import dev.runcmd.proto.v1.ListExecutionsResponse;
import dev.runcmd.proto.v1.ListRunCommandsRequest;
import dev.runcmd.proto.v1.ListRunCommandsResponse;
import dev.runcmd.proto.v1.MachineRef;
import dev.runcmd.proto.v1.Operation;
import dev.runcmd.proto.v1.OperationsGrpc;
import dev.runcmd.proto.v1.Parameter;
import dev.runcmd.proto.v1.RunCommand;
import dev.runcmd.proto.v1.RunCommandDefinition;
import dev.runcmd.proto.v1.RunCommandsGrpc;
import dev.runcmd.proto.v1.SystemData;
import dev.runcmd.proto.v1.UpdateRunCommandRequest;
import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.RestAssured;
import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;
import org.eclipse.microprofile.config.ConfigProvider;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

/**
 * The public runcmd.v1 API does what REST does, with REST's rules and messages: every source kind, run-as, output
 * blobs, dependsOn, systemData, update with a field mask (REST's PATCH), the run command list and the execution
 * history a page at a time, and the long-running operations; each refusal is the status REST's code stands for,
 * with REST's own message (or, for paging, one naming the gRPC field instead of REST's query parameter).
 */
@QuarkusTest
@WithTestResource(EmbeddedPostgresResource.class)
class RunCommandGrpcParityTest {

    private static final String SAS_URL = "https://blobs.example.test/c/out.txt?sig=abc";

    private ManagedChannel channel;
    private RunCommandsGrpc.RunCommandsBlockingStub runCommands;
    private OperationsGrpc.OperationsBlockingStub operations;

    @BeforeEach
    void openChannel() {
        channel = ManagedChannelBuilder.forAddress("localhost", RestAssured.port).usePlaintext()
                .intercept(TestAuth.bearer()).build();
        runCommands = RunCommandsGrpc.newBlockingStub(channel).withDeadlineAfter(10, TimeUnit.SECONDS);
        operations = OperationsGrpc.newBlockingStub(channel).withDeadlineAfter(10, TimeUnit.SECONDS);
    }

    @AfterEach
    void closeChannel() throws InterruptedException {
        channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    }

    @Test
    void everyDefinitionFieldIsStoredAndShownAsRestShowsItAndThePasswordNever() {
        long machineId = Db.insertMachine(Arm.SUB, "rg-gp-fields", "m1");
        put(runCommand("rg-gp-fields", "m1", "first"), Arm.scriptBody("true")).statusCode(201);

        RunCommand created = runCommands.createOrUpdateRunCommand(create("rg-gp-fields", "second")
                .setScriptUri("https://scripts.example.test/install.sh?sig=s3cr3t")
                .setRunAsUser("deploy").setRunAsPassword("hunter2")
                .setOutputBlobUri(SAS_URL).setErrorBlobUri(SAS_URL.replace("out", "err"))
                .addDependsOn("first").setAsyncExecution(true).setTimeoutInSeconds(60)
                .setDeliveryTimeoutInSeconds(600).putTags("env", "prod")
                .addParameters(Parameter.newBuilder().setName("GREETING").setValue("hi"))
                .addProtectedParameters(Parameter.newBuilder().setName("TOKEN").setValue("p4ss"))
                .build());

        assertEquals("https://scripts.example.test/install.sh?sig=s3cr3t", created.getScriptUri());
        assertEquals("", created.getScript());
        assertEquals("deploy", created.getRunAsUser());
        assertEquals(SAS_URL, created.getOutputBlobUri());
        assertEquals(SAS_URL.replace("out", "err"), created.getErrorBlobUri());
        assertEquals(List.of("first"), created.getDependsOnList());
        assertTrue(created.getAsyncExecution());
        assertEquals(60, created.getTimeoutInSeconds());
        assertEquals(600, created.getDeliveryTimeoutInSeconds());
        assertEquals(Map.of("env", "prod"), created.getTagsMap());
        assertFalse(created.getOperationId().isEmpty());
        assertFalse(created.toString().contains("hunter2"), "the password is never answered");
        assertFalse(created.toString().contains("p4ss"), "protected parameters are never answered");

        JsonPath rest = request().get(runCommand("rg-gp-fields", "m1", "second")).then().statusCode(200)
                .extract().jsonPath();
        assertEquals(rest.getString("properties.source.scriptUri"), created.getScriptUri());
        assertEquals(rest.getString("properties.runAsUser"), created.getRunAsUser());
        assertEquals(rest.getString("properties.outputBlobUri"), created.getOutputBlobUri());
        assertEquals(rest.getList("properties.dependsOn"), created.getDependsOnList());
        assertNull(rest.get("properties.runAsPassword"), "the password is never shown");
        assertEquals(0, Db.queryLong("select count(*) from run_command t where t::text like '%hunter2%' "
                + "and machine_id = ?", machineId), "the password is not stored in clear");
        assertEquals("hunter2", box().open(Db.queryString("select run_as_password_enc from run_command "
                + "where machine_id = ? and name = 'second'", machineId)));
        RunCommand read = runCommands.getRunCommand(get("rg-gp-fields", "second"));
        assertEquals(definitionOf(created.toBuilder().clearOperationId().build()), definitionOf(read),
                "Get answers the definition the create answered, without the operation");

        RunCommand builtIn = runCommands.createOrUpdateRunCommand(create("rg-gp-fields", "third")
                .setCommandId("runshellscript")
                .addParameters(Parameter.newBuilder().setName("script").setValue("uname -a")).build());
        assertEquals("RunShellScript", builtIn.getCommandId());
        assertEquals(rest.getString("location"), builtIn.getLocation());
    }

    @Test
    void systemDataNamesTheCreatorAndTheLastModifierAsRestDoes() {
        Db.insertMachine(Arm.SUB, "rg-gp-system", "m1");
        String operator = CallerIdentityTest.createToken("gp-operator", "Run Command Operator",
                "/subscriptions/" + Arm.SUB + "/resourceGroups/rg-gp-system");
        RunCommand created = runCommands.createOrUpdateRunCommand(create("rg-gp-system", "rc").setScript("true")
                .setRunAsUser("deploy").build());
        assertEquals("test-owner", created.getSystemData().getCreatedBy());
        assertEquals("test-owner", created.getSystemData().getLastModifiedBy());

        RunCommand updated = runCommands.withInterceptors(TestAuth.bearer(operator)).updateRunCommand(update(
                "rg-gp-system", "rc", RunCommandDefinition.newBuilder().setTimeoutInSeconds(60).build()));
        RunCommand read = runCommands.getRunCommand(get("rg-gp-system", "rc"));

        JsonPath rest = request().get(runCommand("rg-gp-system", "m1", "rc")).then().statusCode(200).extract()
                .jsonPath();
        SystemData expected = SystemData.newBuilder()
                .setCreatedBy(rest.getString("systemData.createdBy"))
                .setCreatedByType(rest.getString("systemData.createdByType"))
                .setCreatedAt(rest.getString("systemData.createdAt"))
                .setLastModifiedBy(rest.getString("systemData.lastModifiedBy"))
                .setLastModifiedByType(rest.getString("systemData.lastModifiedByType"))
                .setLastModifiedAt(rest.getString("systemData.lastModifiedAt"))
                .build();
        assertEquals(expected, read.getSystemData());
        assertEquals(expected, updated.getSystemData(), "the update answers the systemData it stored");
        assertEquals("test-owner", expected.getCreatedBy());
        assertEquals("gp-operator", expected.getLastModifiedBy());
        assertEquals("Application", expected.getLastModifiedByType());
        assertEquals(created.getSystemData().getCreatedAt(), expected.getCreatedAt(), "creation stays put");
        assertFalse(expected.getLastModifiedAt().isEmpty());
        assertEquals(List.of(expected), runCommands.listRunCommands(list("rg-gp-system").build())
                .getRunCommandsList().stream().map(RunCommand::getSystemData).toList());
    }

    @Test
    void createRefusesWhatRestRefusesWithRestsMessage() {
        Db.insertMachine(Arm.SUB, "rg-gp-bad", "m1");
        assertRefusedAsRest(create("rg-gp-bad", "x").setScript("true").setScriptUri("https://a.test/s.sh").build(),
                "{\"location\":\"eastus\",\"properties\":{\"source\":{\"script\":\"true\","
                        + "\"scriptUri\":\"https://a.test/s.sh\"}}}");
        assertRefusedAsRest(create("rg-gp-bad", "x").setScriptUri("ftp://a.test/s.sh").build(),
                "{\"location\":\"eastus\",\"properties\":{\"source\":{\"scriptUri\":\"ftp://a.test/s.sh\"}}}");
        assertRefusedAsRest(create("rg-gp-bad", "x").setCommandId("Reboot").build(),
                "{\"location\":\"eastus\",\"properties\":{\"source\":{\"commandId\":\"Reboot\"}}}");
        assertRefusedAsRest(create("rg-gp-bad", "x").setCommandId("RunShellScript").build(),
                "{\"location\":\"eastus\",\"properties\":{\"source\":{\"commandId\":\"RunShellScript\"}}}");
        assertRefusedAsRest(create("rg-gp-bad", "x").setScript("true").setRunAsPassword("pw").build(),
                "{\"location\":\"eastus\",\"properties\":{\"source\":{\"script\":\"true\"},"
                        + "\"runAsPassword\":\"pw\"}}");
        assertRefusedAsRest(create("rg-gp-bad", "x").setScript("true").setOutputBlobUri("not a url").build(),
                "{\"location\":\"eastus\",\"properties\":{\"source\":{\"script\":\"true\"},"
                        + "\"outputBlobUri\":\"not a url\"}}");
        assertRefusedAsRest(create("rg-gp-bad", "x").setScript("true").addDependsOn("a").addDependsOn("a").build(),
                "{\"location\":\"eastus\",\"properties\":{\"source\":{\"script\":\"true\"},"
                        + "\"dependsOn\":[\"a\",\"a\"]}}");
        assertRefusedAsRest(create("rg-gp-bad", "x").setScript("true").addDependsOn("absent").build(),
                "{\"location\":\"eastus\",\"properties\":{\"source\":{\"script\":\"true\"},"
                        + "\"dependsOn\":[\"absent\"]}}");
        assertRefusedAsRest(create("rg-gp-bad", "x").setScript("true").setTimeoutInSeconds(-1).build(),
                "{\"location\":\"eastus\",\"properties\":{\"source\":{\"script\":\"true\"},"
                        + "\"timeoutInSeconds\":-1}}");
        request().get(runCommand("rg-gp-bad", "m1", "x")).then().statusCode(404);
    }

    @Test
    void updateChangesTheMaskedFieldsKeepsTheRestAndRunsAgain() {
        long machineId = Db.insertMachine(Arm.SUB, "rg-gp-update", "m1");
        RunCommand created = runCommands.createOrUpdateRunCommand(create("rg-gp-update", "rc").setScript("echo a")
                .setRunAsUser("deploy").setRunAsPassword("hunter2").putTags("env", "prod").putTags("team", "web")
                .addProtectedParameters(Parameter.newBuilder().setName("TOKEN").setValue("p4ss"))
                .setTimeoutInSeconds(30).build());

        RunCommand updated = runCommands.updateRunCommand(update("rg-gp-update", "rc",
                RunCommandDefinition.newBuilder().setTimeoutInSeconds(90).putTags("env", "dev").build(),
                "timeout_in_seconds", "tags.env", "tags.team"));

        assertEquals(90, updated.getTimeoutInSeconds());
        assertEquals(Map.of("env", "dev"), updated.getTagsMap(), "tags.team without a value removes it");
        assertEquals("echo a", updated.getScript());
        assertEquals("deploy", updated.getRunAsUser());
        assertNotEquals(created.getExecutionId(), updated.getExecutionId(), "an update runs it again");
        assertNotEquals(created.getOperationId(), updated.getOperationId());
        assertEquals("[{\"name\":\"TOKEN\",\"value\":\"p4ss\"}]", box().open(Db.queryString(
                "select protected_parameters_enc from run_command where machine_id = ?", machineId)),
                "secrets outside the mask are kept");
        assertEquals("hunter2", box().open(Db.queryString(
                "select run_as_password_enc from run_command where machine_id = ?", machineId)));

        RunCommand otherSource = runCommands.updateRunCommand(update("rg-gp-update", "rc",
                RunCommandDefinition.newBuilder().setScriptUri("https://scripts.example.test/b.sh").build()));
        assertEquals("", otherSource.getScript(), "naming a source replaces the stored one");
        assertEquals("https://scripts.example.test/b.sh", otherSource.getScriptUri());
        assertEquals(Map.of("env", "dev"), otherSource.getTagsMap(), "an empty mask applies only what is set");

        RunCommand noUser = runCommands.updateRunCommand(update("rg-gp-update", "rc",
                RunCommandDefinition.getDefaultInstance(), "run_as_user", "run_as_password"));
        assertEquals("", noUser.getRunAsUser());
        assertNull(Db.queryString("select run_as_password_enc from run_command where machine_id = ?",
                machineId), "a named empty password removes it");
    }

    @Test
    void updateRefusesWhatRestsPatchRefuses() {
        Db.insertMachine(Arm.SUB, "rg-gp-update-bad", "m1");
        runCommands.createOrUpdateRunCommand(create("rg-gp-update-bad", "rc").setScript("true")
                .setRunAsUser("deploy").build());

        StatusRuntimeException mask = assertThrows(StatusRuntimeException.class, () -> runCommands.updateRunCommand(
                update("rg-gp-update-bad", "rc", RunCommandDefinition.getDefaultInstance(), "shell")));
        assertEquals(Status.Code.INVALID_ARGUMENT, mask.getStatus().getCode());
        assertTrue(mask.getStatus().getDescription().startsWith("update_mask: 'shell' is not a field"),
                mask.getStatus().getDescription());

        String rest = request().contentType(ContentType.JSON).body("{\"properties\":{\"runAsUser\":null,"
                + "\"runAsPassword\":\"pw\"}}").patch(runCommand("rg-gp-update-bad", "m1", "rc")).then()
                .statusCode(400).extract().path("error.message");
        StatusRuntimeException invalid = assertThrows(StatusRuntimeException.class, () -> runCommands
                .updateRunCommand(update("rg-gp-update-bad", "rc",
                        RunCommandDefinition.newBuilder().setRunAsPassword("pw").build(), "run_as_user",
                        "run_as_password")));
        assertEquals(Status.Code.INVALID_ARGUMENT, invalid.getStatus().getCode());
        assertEquals(rest, invalid.getStatus().getDescription());

        assertCode(Status.Code.NOT_FOUND, () -> runCommands.updateRunCommand(update("rg-gp-update-bad", "absent",
                RunCommandDefinition.getDefaultInstance())));
        assertCode(Status.Code.INVALID_ARGUMENT, () -> runCommands.updateRunCommand(update("rg-gp-update-bad",
                "bad name", RunCommandDefinition.getDefaultInstance())));
    }

    @Test
    void executionsAreListedNewestFirstAPageAtATime() {
        Db.insertMachine(Arm.SUB, "rg-gp-history", "m1");
        RunCommand first = runCommands.createOrUpdateRunCommand(create("rg-gp-history", "rc").setScript("true")
                .build());
        RunCommand second = runCommands.updateRunCommand(update("rg-gp-history", "rc",
                RunCommandDefinition.getDefaultInstance()));

        ListExecutionsResponse page = runCommands.listExecutions(executions("rg-gp-history", "rc").setPageSize(1)
                .build());
        assertEquals(List.of(second.getExecutionId()),
                page.getExecutionsList().stream().map(Execution::getExecutionId).toList());
        assertFalse(page.getNextPageToken().isEmpty());
        ListExecutionsResponse next = runCommands.listExecutions(executions("rg-gp-history", "rc").setPageSize(1)
                .setPageToken(page.getNextPageToken()).build());
        Execution older = next.getExecutionsList().get(0);
        assertEquals(first.getExecutionId(), older.getExecutionId());
        assertEquals("", next.getNextPageToken());

        List<Map<String, Object>> rest = request().get(runCommand("rg-gp-history", "m1", "rc") + "/executions")
                .then().statusCode(200).extract().jsonPath().getList("value");
        assertEquals(rest.get(1).get("executionState"), older.getExecutionState());
        assertEquals(rest.get(1).get("executionMessage"), older.getExecutionMessage());
        assertEquals(rest.get(1).get("exitCode") != null, older.hasExitCode());

        assertCode(Status.Code.NOT_FOUND, () -> runCommands.listExecutions(executions("rg-gp-history", "absent")
                .build()));
        assertCode(Status.Code.INVALID_ARGUMENT, () -> runCommands.listExecutions(executions("rg-gp-history", "rc")
                .setPageToken("garbage").build()));
        assertCode(Status.Code.INVALID_ARGUMENT, () -> runCommands.listExecutions(executions("rg-gp-history", "rc")
                .setPageSize(1001).build()));
    }

    @Test
    void runCommandsAreListedByNameAPageAtATimeWithRestsTokens() {
        Db.insertMachine(Arm.SUB, "rg-gp-pages", "m1");
        for (String name : List.of("e", "c", "a", "d", "b")) {
            runCommands.createOrUpdateRunCommand(create("rg-gp-pages", name).setScript("echo " + name).build());
        }

        List<List<String>> pages = new ArrayList<>();
        List<String> tokens = new ArrayList<>();
        String token = "";
        do {
            ListRunCommandsResponse page = runCommands.listRunCommands(list("rg-gp-pages").setPageSize(2)
                    .setPageToken(token).build());
            pages.add(page.getRunCommandsList().stream().map(RunCommand::getName).toList());
            token = page.getNextPageToken();
            tokens.add(token);
        } while (!token.isEmpty() && pages.size() < 10);

        assertEquals(List.of(List.of("a", "b"), List.of("c", "d"), List.of("e")), pages,
                "every run command once, by name, in pages of two");
        String restNextLink = request().queryParam("$top", 2).get(Arm.runCommands("rg-gp-pages", "m1")).then()
                .statusCode(200).extract().path("nextLink");
        assertTrue(restNextLink.endsWith("$skipToken=" + tokens.get(0)),
                "the token is REST's $skipToken for the same page: " + restNextLink + " vs " + tokens.get(0));
        ListRunCommandsResponse all = runCommands.listRunCommands(list("rg-gp-pages").build());
        assertEquals(List.of("a", "b", "c", "d", "e"),
                all.getRunCommandsList().stream().map(RunCommand::getName).toList(), "page_size 0: the default");
        assertEquals("", all.getNextPageToken());
    }

    @Test
    void runCommandListRefusesABadPageSizeOrAForeignToken() {
        Db.insertMachine(Arm.SUB, "rg-gp-pages-bad", "m1");
        runCommands.createOrUpdateRunCommand(create("rg-gp-pages-bad", "rc").setScript("true").build());

        for (int size : new int[] {-1, 1001}) {
            assertInvalid("page_size: must be from 1 to 1000, or 0 for the default; got " + size,
                    () -> runCommands.listRunCommands(list("rg-gp-pages-bad").setPageSize(size).build()));
        }
        String executionsToken = PageRequest.token(ExecutionHistoryReader.PAGE_KIND, "rc");
        for (String token : List.of("%%%", "garbage", executionsToken)) {
            assertInvalid("page_token: not a token this list issued; pass the next_page_token of the previous "
                    + "answer", () -> runCommands.listRunCommands(list("rg-gp-pages-bad").setPageToken(token)
                            .build()));
        }
        assertEquals(1, runCommands.listRunCommands(list("rg-gp-pages-bad").setPageSize(1000).build())
                .getRunCommandsCount(), "1000 is the largest page");
        assertCode(Status.Code.NOT_FOUND, () -> runCommands.listRunCommands(ListRunCommandsRequest.newBuilder()
                .setMachine(ref("rg-gp-pages-bad").toBuilder().setMachineName("absent")).build()));
    }

    @Test
    void operationsReadAsRestsStatusMonitor() {
        Db.insertMachine(Arm.SUB, "rg-gp-operations", "m1");
        RunCommand created = runCommands.createOrUpdateRunCommand(create("rg-gp-operations", "rc").setScript("true")
                .build());

        Operation operation = operations.getOperation(GetOperationRequest.newBuilder().setSubscriptionId(Arm.SUB)
                .setLocation("eastus").setOperationId(created.getOperationId()).build());

        JsonPath rest = request().get("/subscriptions/" + Arm.SUB + "/providers/Microsoft.HybridCompute/locations/"
                + "eastus/operationStatuses/" + created.getOperationId()).then().statusCode(200).extract().jsonPath();
        assertEquals(rest.getString("id"), operation.getId());
        assertEquals(created.getOperationId(), operation.getName());
        assertEquals(rest.getString("status"), operation.getStatus());
        assertEquals("InProgress", operation.getStatus(), "the machine has no gateway: the script never ends");
        assertEquals(rest.getString("startTime"), operation.getStartTime());

        assertCode(Status.Code.NOT_FOUND, () -> operations.getOperation(GetOperationRequest.newBuilder()
                .setSubscriptionId(Arm.SUB).setLocation("westus").setOperationId(created.getOperationId()).build()));
        assertCode(Status.Code.NOT_FOUND, () -> operations.getOperation(GetOperationRequest.newBuilder()
                .setSubscriptionId(Arm.SUB).setLocation("eastus").setOperationId("not-an-id").build()));
        assertCode(Status.Code.INVALID_ARGUMENT, () -> operations.getOperation(GetOperationRequest.newBuilder()
                .setSubscriptionId(Arm.SUB).setOperationId(created.getOperationId()).build()));
    }

    @Test
    void aReaderCannotUpdateAndTheUpdateIsInTheActivityLog() {
        Db.insertMachine(Arm.SUB, "rg-gp-auth", "m1");
        runCommands.createOrUpdateRunCommand(create("rg-gp-auth", "rc").setScript("true").build());
        String reader = CallerIdentityTest.createToken("gp-reader", "Reader",
                "/subscriptions/" + Arm.SUB + "/resourceGroups/rg-gp-auth");
        RunCommandsGrpc.RunCommandsBlockingStub asReader = runCommands.withInterceptors(TestAuth.bearer(reader));

        StatusRuntimeException denied = assertThrows(StatusRuntimeException.class, () -> asReader.updateRunCommand(
                update("rg-gp-auth", "rc", RunCommandDefinition.getDefaultInstance())));
        assertEquals(Status.Code.PERMISSION_DENIED, denied.getStatus().getCode());
        assertTrue(denied.getStatus().getDescription().contains(
                "'Microsoft.HybridCompute/machines/runCommands/write'"), denied.getStatus().getDescription());
        assertEquals(1, asReader.listExecutions(executions("rg-gp-auth", "rc").build()).getExecutionsCount(),
                "a reader reads the history, and the refused update started nothing");

        runCommands.updateRunCommand(update("rg-gp-auth", "rc", RunCommandDefinition.getDefaultInstance()));
        Awaitility.await("the update's activity event").atMost(Duration.ofSeconds(10)).until(() -> Db.queryLong(
                "select count(*) from activity_log where resource_id = ? and operation_name = "
                        + "'Microsoft.HybridCompute/machines/runCommands/write' and status = 'Succeeded' "
                        + "and properties->>'grpcMethod' like '%/UpdateRunCommand'",
                runCommand("rg-gp-auth", "m1", "rc")) == 1);
        Awaitility.await("the refusal's activity event").atMost(Duration.ofSeconds(10)).until(() -> Db.queryLong(
                "select count(*) from activity_log where resource_id = ? and status = 'Failed' "
                        + "and properties->>'grpcMethod' like '%/UpdateRunCommand'",
                runCommand("rg-gp-auth", "m1", "rc")) == 1);
    }

    private static MachineRef ref(String rg) {
        return MachineRef.newBuilder().setSubscriptionId(Arm.SUB).setResourceGroup(rg).setMachineName("m1").build();
    }

    private static CreateOrUpdateRunCommandRequest.Builder create(String rg, String name) {
        return CreateOrUpdateRunCommandRequest.newBuilder().setMachine(ref(rg)).setName(name).setLocation("eastus");
    }

    private static GetRunCommandRequest get(String rg, String name) {
        return GetRunCommandRequest.newBuilder().setMachine(ref(rg)).setName(name).build();
    }

    private static UpdateRunCommandRequest update(String rg, String name, RunCommandDefinition definition,
            String... mask) {
        return UpdateRunCommandRequest.newBuilder().setMachine(ref(rg)).setName(name).setRunCommand(definition)
                .setUpdateMask(FieldMask.newBuilder().addAllPaths(List.of(mask))).build();
    }

    private static ListRunCommandsRequest.Builder list(String rg) {
        return ListRunCommandsRequest.newBuilder().setMachine(ref(rg));
    }

    private static ListExecutionsRequest.Builder executions(String rg, String name) {
        return ListExecutionsRequest.newBuilder().setMachine(ref(rg)).setName(name);
    }

    /** The gRPC create is INVALID_ARGUMENT with exactly the message REST answers to the equivalent body. */
    private void assertRefusedAsRest(CreateOrUpdateRunCommandRequest request, String equivalentBody) {
        String rest = put(runCommand(request.getMachine().getResourceGroup(), "m1", request.getName()),
                equivalentBody).statusCode(400).extract().path("error.message");
        StatusRuntimeException e = assertThrows(StatusRuntimeException.class,
                () -> runCommands.createOrUpdateRunCommand(request));
        assertEquals(Status.Code.INVALID_ARGUMENT, e.getStatus().getCode(), e.getStatus().toString());
        assertEquals(rest, e.getStatus().getDescription());
    }

    /** The run command less what its execution changes meanwhile (it waits for "first"). */
    private static RunCommand definitionOf(RunCommand runCommand) {
        return runCommand.toBuilder().clearProvisioningState().clearExecutionState().clearExecutionMessage().build();
    }

    private static SecretBox box() {
        return SecretBox.fromBase64Key(ConfigProvider.getConfig().getValue("runcmd.secrets.key", String.class));
    }

    private static void assertInvalid(String description, Executable call) {
        StatusRuntimeException e = assertThrows(StatusRuntimeException.class, call);
        assertEquals(Status.Code.INVALID_ARGUMENT, e.getStatus().getCode(), e.getStatus().toString());
        assertEquals(description, e.getStatus().getDescription());
    }

    private static void assertCode(Status.Code expected, Executable call) {
        StatusRuntimeException e = assertThrows(StatusRuntimeException.class, call);
        assertEquals(expected, e.getStatus().getCode(), e.getStatus().toString());
    }
}
