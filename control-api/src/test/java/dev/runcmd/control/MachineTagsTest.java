package dev.runcmd.control;

import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.runcmd.proto.v1.ListMachinesRequest;
import dev.runcmd.proto.v1.ListMachinesResponse;
import dev.runcmd.proto.v1.MachineRef;
import dev.runcmd.proto.v1.MachinesGrpc;
import dev.runcmd.proto.v1.UpdateMachineTagsRequest;
import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.RestAssured;
import io.restassured.path.json.JsonPath;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Machine tags and machine lists: tags set through the API (PATCH/PUT, REST and gRPC) replace the API's set as a
 * whole and overlay the agent's; bad tags are refused and change nothing; lists page by name with nextLink (gRPC:
 * page tokens) and filter by tag in ARM's form. Each test uses its own resource group.
 */
@QuarkusTest
@WithTestResource(EmbeddedPostgresResource.class)
class MachineTagsTest {

    private ManagedChannel channel;
    private MachinesGrpc.MachinesBlockingStub grpc;

    @BeforeEach
    void open() {
        channel = ManagedChannelBuilder.forAddress("localhost", RestAssured.port).usePlaintext()
                .intercept(TestAuth.bearer()).build();
        grpc = MachinesGrpc.newBlockingStub(channel).withDeadlineAfter(10, TimeUnit.SECONDS);
    }

    @AfterEach
    void close() throws InterruptedException {
        channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    }

    @Test
    void apiTagsReplaceAsAWholeAndOverlayTheAgents() {
        long id = Db.insertMachine(Arm.SUB, "tags-set", "web-1");
        Db.execute("update machine set agent_tags = '{\"env\":\"staging\",\"role\":\"web\"}'::jsonb where id = ?", id);
        String machine = Arm.machines("tags-set") + "/web-1";

        Arm.request().contentType("application/json").body("{\"tags\":{\"env\":\"prod\",\"owner\":\"ops\"}}")
                .patch(machine).then().statusCode(200)
                .body("tags", equalTo(Map.of("env", "prod", "owner", "ops", "role", "web")))
                .body("properties.agentTags", equalTo(Map.of("env", "staging", "role", "web")));
        Arm.request().contentType("application/json").body("{\"tags\":{\"owner\":\"dba\"}}").put(machine)
                .then().statusCode(200).body("tags", equalTo(Map.of("env", "staging", "owner", "dba", "role", "web")));
        Arm.request().get(machine).then().statusCode(200).body("tags.owner", equalTo("dba"));

        Arm.request().contentType("application/json").body("{\"tags\":{\"a/b\":\"x\"}}").patch(machine)
                .then().statusCode(400).body("error.code", equalTo("InvalidRequestContent"))
                .body("error.message", containsString("a/b"));
        Arm.request().contentType("application/json").body("{\"tags\":{\"owner\":7}}").patch(machine)
                .then().statusCode(400).body("error.message", containsString("tags.owner"));
        Arm.request().contentType("application/json").body("{\"location\":\"x\"}").patch(machine)
                .then().statusCode(400);
        assertEquals("{\"owner\": \"dba\"}", Db.queryString("select tags::text from machine where id = ?", id),
                "refused bodies change nothing");

        Arm.request().contentType("application/json").body("{\"tags\":{}}").patch(machine)
                .then().statusCode(200).body("tags", equalTo(Map.of("env", "staging", "role", "web")));
        Arm.request().contentType("application/json").body("{\"tags\":{}}")
                .patch(Arm.machines("tags-set") + "/absent").then().statusCode(404);

        String reader = CallerIdentityTest.createToken("tags-reader", "Reader", "/subscriptions/" + Arm.SUB);
        CallerIdentityTest.as(reader).contentType("application/json").body("{\"tags\":{}}").patch(machine)
                .then().statusCode(403).body("error.message",
                        containsString("'Microsoft.HybridCompute/machines/write'"));

        var updated = grpc.updateMachineTags(UpdateMachineTagsRequest.newBuilder()
                .setMachine(ref("tags-set", "web-1")).putTags("tier", "1").build());
        assertEquals(Map.of("env", "staging", "role", "web", "tier", "1"), updated.getTagsMap());
        assertEquals(Map.of("env", "staging", "role", "web"), updated.getAgentTagsMap());
        StatusRuntimeException bad = assertThrows(StatusRuntimeException.class, () -> grpc.updateMachineTags(
                UpdateMachineTagsRequest.newBuilder().setMachine(ref("tags-set", "web-1")).putTags("x%y", "1")
                        .build()));
        assertEquals(Status.Code.INVALID_ARGUMENT, bad.getStatus().getCode());
    }

    @Test
    void listsPageByNameAndFilterByTag() {
        for (String name : List.of("m-a", "m-b", "m-c", "m-d", "m-e")) {
            Db.insertMachine(Arm.SUB, "tags-list", name);
        }
        Db.execute("update machine set agent_tags = '{\"env\":\"prod\"}'::jsonb where resource_group = 'tags-list' "
                + "and name in ('m-a', 'm-c')");
        Db.execute("update machine set tags = '{\"env\":\"prod\"}'::jsonb where resource_group = 'tags-list' "
                + "and name = 'm-e'");
        Db.execute("update machine set tags = '{\"env\":\"dev\"}'::jsonb where resource_group = 'tags-list' "
                + "and name = 'm-c'");

        assertEquals(List.of("m-a", "m-b", "m-c", "m-d", "m-e"), allPages("$top", "2"));
        assertEquals(List.of("m-a", "m-e"), allPages("$top", "1", "$filter",
                "tagName eq 'env' and tagValue eq 'prod'"));
        assertEquals(List.of("m-a", "m-c", "m-e"), allPages("$filter", "TAGNAME eq 'env'"));
        assertEquals(List.of(), allPages("$filter", "tagName eq 'it''s'"));
        Arm.request().queryParam("$filter", "name eq 'm-a'").get(Arm.machines("tags-list")).then().statusCode(400)
                .body("error.code", equalTo("InvalidFilter"));
        Arm.request().queryParam("$top", "0").get(Arm.machines("tags-list")).then().statusCode(400);

        List<String> names = new ArrayList<>();
        String token = "";
        do {
            ListMachinesResponse page = grpc.listMachines(ListMachinesRequest.newBuilder().setSubscriptionId(Arm.SUB)
                    .setResourceGroup("tags-list").setPageSize(2).setPageToken(token).setTagName("env").build());
            page.getMachinesList().forEach(machine -> names.add(machine.getName()));
            token = page.getNextPageToken();
        } while (!token.isEmpty());
        assertEquals(List.of("m-a", "m-c", "m-e"), names);
    }

    /** The names on every page of the list with these query parameters, following nextLink. */
    private static List<String> allPages(String... parameters) {
        var request = Arm.request();
        for (int i = 0; i < parameters.length; i += 2) {
            request.queryParam(parameters[i], parameters[i + 1]);
        }
        JsonPath page = request.get(Arm.machines("tags-list")).then().statusCode(200).extract().jsonPath();
        List<String> names = new ArrayList<>(page.getList("value.name", String.class));
        while (page.getString("nextLink") != null) {
            page = RestAssured.given().urlEncodingEnabled(false).get(page.getString("nextLink")).then()
                    .statusCode(200).extract().jsonPath();
            names.addAll(page.getList("value.name", String.class));
        }
        return names;
    }

    private static MachineRef ref(String rg, String name) {
        return MachineRef.newBuilder().setSubscriptionId(Arm.SUB).setResourceGroup(rg).setMachineName(name).build();
    }
}
