package dev.runcmd.control.activity;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The ARM operation and resource of a request that authorization did not name, and the parts of resource ids. */
class RequestOperationTest {

    private static final String RG = "/subscriptions/s1/resourceGroups/rg";
    private static final String HC = RG + "/providers/Microsoft.HybridCompute";

    @ParameterizedTest(name = "{0} {1}")
    @CsvSource(delimiter = '|', textBlock = """
            PUT    | /machines/m1/runCommands/rc1                 | Microsoft.HybridCompute/machines/runCommands/write         | /machines/m1/runCommands/rc1
            PATCH  | /machines/m1/runCommands/rc1?api-version=x   | Microsoft.HybridCompute/machines/runCommands/write         | /machines/m1/runCommands/rc1
            DELETE | /machines/m1/runCommands/rc1/                | Microsoft.HybridCompute/machines/runCommands/delete        | /machines/m1/runCommands/rc1
            GET    | /machines/m1/runCommands/rc1                 | Microsoft.HybridCompute/machines/runCommands/read          | /machines/m1/runCommands/rc1
            POST   | /machines/m1/runCommands/rc1/cancel          | Microsoft.HybridCompute/machines/runCommands/cancel/action | /machines/m1/runCommands/rc1
            GET    | /machines/m1/runCommands/rc1/output          | Microsoft.HybridCompute/machines/runCommands/output/read   | /machines/m1/runCommands/rc1
            GET    | /machines/m1/runCommands                     | Microsoft.HybridCompute/machines/runCommands/read          | /machines/m1
            DELETE | /machines/m1                                 | Microsoft.HybridCompute/machines/delete                    | /machines/m1
            GET    | /machines/providers                          | Microsoft.HybridCompute/machines/read                      | /machines/providers
            POST   | /joinTokens                                  | Microsoft.HybridCompute/joinTokens/write                   | /joinTokens
            GET    | /joinTokens                                  | Microsoft.HybridCompute/joinTokens/read                    | /joinTokens
            DELETE | /joinTokens/00000000000000aa                 | Microsoft.HybridCompute/joinTokens/delete                  | /joinTokens/00000000000000aa
            """)
    void derivesTheOperationFromMethodAndPath(String method, String path, String operation, String resource) {
        RequestOperation derived = RequestOperation.derive(method, HC + path);
        assertEquals(operation, derived.operationName());
        assertEquals(HC + resource, derived.resourceId());
    }

    @ParameterizedTest(name = "{0} {1}")
    @CsvSource(delimiter = '|', textBlock = """
            GET    | /subscriptions/s1/providers/Microsoft.Insights/eventtypes/management/values | Microsoft.Insights/eventtypes/values/read                   | /subscriptions/s1/providers/Microsoft.Insights/eventtypes/management
            GET    | /subscriptions/s1/providers/Microsoft.HybridCompute/locations/eastus/operationStatuses/op1 | Microsoft.HybridCompute/locations/operationStatuses/read | /subscriptions/s1/providers/Microsoft.HybridCompute/locations/eastus/operationStatuses/op1
            PUT    | /subscriptions/s1/resourceGroups/rg                                         | Microsoft.Resources/subscriptions/resourceGroups/write     | /subscriptions/s1/resourceGroups/rg
            GET    | /subscriptions/s1/resourceGroups                                            | Microsoft.Resources/subscriptions/resourceGroups/read      | /subscriptions/s1
            POST   | /subscriptions/s1/providers/Microsoft.HybridCompute/register                | Microsoft.HybridCompute/register/write                     | /subscriptions/s1/providers/Microsoft.HybridCompute/register
            """)
    void derivesOperationsOutsideResourceGroups(String method, String path, String operation, String resource) {
        RequestOperation derived = RequestOperation.derive(method, path);
        assertEquals(operation, derived.operationName());
        assertEquals(resource, derived.resourceId());
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', nullValues = "-", textBlock = """
            /subscriptions/s1/resourceGroups/rg/providers/Microsoft.HybridCompute/machines/m1/runCommands/rc1 | s1 | rg | Microsoft.HybridCompute    | Microsoft.HybridCompute/machines/runCommands
            /subscriptions/s1/resourcegroups/rg/providers/Microsoft.HybridCompute/joinTokens/                 | s1 | rg | Microsoft.HybridCompute    | Microsoft.HybridCompute/joinTokens
            /subscriptions/s1/resourceGroups/rg                                                               | s1 | rg | Microsoft.Resources        | Microsoft.Resources/subscriptions/resourceGroups
            /subscriptions/s1                                                                                 | s1 | -  | Microsoft.Resources        | Microsoft.Resources/subscriptions
            /subscriptions/s1/providers/Microsoft.Insights/eventtypes/management                              | s1 | -  | Microsoft.Insights         | Microsoft.Insights/eventtypes
            /subscriptions/s1/resourceGroups/providers/providers/Microsoft.X/things/t                         | s1 | providers | Microsoft.X         | Microsoft.X/things
            /q/health                                                                                         | -  | -  | -                          | -
            """)
    void parsesTheResourceIdsParts(String id, String subscription, String group, String provider, String type) {
        ResourceId parsed = ResourceId.parse(id);
        assertEquals(subscription, parsed.subscriptionId());
        assertEquals(group, parsed.resourceGroup());
        assertEquals(provider, parsed.provider());
        assertEquals(type, parsed.type());
    }
}
