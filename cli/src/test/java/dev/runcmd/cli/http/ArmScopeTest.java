package dev.runcmd.cli.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** Scopes and role assignment ids: what each form parses to, and the request paths built from them. */
class ArmScopeTest {

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
            /                                                                              | /providers/Microsoft.Authorization/roleAssignments
            /subscriptions/s1                                                              | /subscriptions/s1/providers/Microsoft.Authorization/roleAssignments
            /subscriptions/s1/resourceGroups/prod                                          | /subscriptions/s1/resourceGroups/prod/providers/Microsoft.Authorization/roleAssignments
            /subscriptions/s1/resourceGroups/prod/providers/Microsoft.HybridCompute/machines/web-1 | /subscriptions/s1/resourceGroups/prod/providers/Microsoft.HybridCompute/machines/web-1/providers/Microsoft.Authorization/roleAssignments
            """)
    void roleAssignmentsLiveBelowEachScopeFormTheRootWrittenAsNothing(String scope, String path) {
        assertEquals(path, ArmScope.parse(scope).roleAssignmentsPath());
        assertEquals(scope, ArmScope.parse(scope).toString());
    }

    @Test
    void scopeKeywordsAreReadIgnoringCaseAndWrittenInArmCasing() {
        ArmScope scope = ArmScope.parse("/SUBSCRIPTIONS/s1/resourcegroups/Prod/PROVIDERS/microsoft.hybridcompute/MACHINES/web-1/");

        assertEquals(new ArmScope("s1", "Prod", "web-1"), scope);
        assertEquals("/subscriptions/s1/resourceGroups/Prod/providers/Microsoft.HybridCompute/machines/web-1", scope.toString());
    }

    @Test
    void pathSegmentsArePercentEncodedButTheScopeTextIsNot() {
        ArmScope scope = new ArmScope("s1", "my group (eu)", null);

        assertEquals("/subscriptions/s1/resourceGroups/my%20group%20%28eu%29", scope.path());
        assertEquals("/subscriptions/s1/resourceGroups/my group (eu)", scope.toString());
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "subscriptions/s1", "/subscriptions", "/subscriptions//resourceGroups/rg",
            "/subscriptions/s1/resourceGroup/rg", "/subscriptions/s1/resourceGroups/rg/providers/Microsoft.Compute/virtualMachines/vm",
            "/subscriptions/s1/resourceGroups/rg/providers/Microsoft.HybridCompute/machines/m/runCommands/x"})
    void otherTextsAreNoScope(String text) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ArmScope.parse(text));

        assertEquals("'" + text + "' is not a scope: use /, /subscriptions/SUB, /subscriptions/SUB/resourceGroups/RG or "
                + "/subscriptions/SUB/resourceGroups/RG/providers/Microsoft.HybridCompute/machines/NAME", e.getMessage());
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
            /providers/Microsoft.Authorization/roleAssignments/a1                                          | /                                   | /providers/Microsoft.Authorization/roleAssignments/a1
            /subscriptions/s1/providers/Microsoft.Authorization/roleAssignments/a2                         | /subscriptions/s1                   | /subscriptions/s1/providers/Microsoft.Authorization/roleAssignments/a2
            /subscriptions/s1/resourceGroups/my rg/providers/microsoft.authorization/ROLEASSIGNMENTS/a3    | /subscriptions/s1/resourceGroups/my rg | /subscriptions/s1/resourceGroups/my%20rg/providers/Microsoft.Authorization/roleAssignments/a3
            """)
    void assignmentIdsSplitIntoScopeAndName(String id, String scope, String path) {
        RoleAssignmentId parsed = RoleAssignmentId.parse(id);

        assertEquals(scope, parsed.scope().toString());
        assertEquals(path, parsed.path());
        assertTrue(parsed.toString().endsWith("/roleAssignments/" + parsed.name()), parsed.toString());
    }

    @ParameterizedTest
    @ValueSource(strings = {"a1", "/subscriptions/s1/providers/Microsoft.Authorization/roleAssignments/",
            "/subscriptions/s1/providers/Microsoft.Authorization/roleAssignments/a1/extra"})
    void otherTextsAreNoAssignmentId(String text) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> RoleAssignmentId.parse(text));

        assertTrue(e.getMessage().startsWith("'" + text + "' is not a role assignment id: expected {scope}/providers/"
                + "Microsoft.Authorization/roleAssignments/{name}"), e.getMessage());
    }
}
