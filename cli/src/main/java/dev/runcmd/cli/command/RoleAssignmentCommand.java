package dev.runcmd.cli.command;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.runcmd.cli.http.ArmClient;
import dev.runcmd.cli.http.ArmScope;
import dev.runcmd.cli.http.Pages;
import dev.runcmd.cli.http.RoleAssignmentId;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Callable;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code runcmd role assignment create|list|delete}, as {@code az role assignment}: a role held by a principal (a
 * user, a group, an application or a runcmd token's principal) at a scope and everything below it.
 */
@Command(name = "assignment", mixinStandardHelpOptions = true,
        description = "Role assignments: a role held by a principal at a scope and below.",
        subcommands = {RoleAssignmentCommand.Create.class, RoleAssignmentCommand.ListAll.class,
                RoleAssignmentCommand.Delete.class})
final class RoleAssignmentCommand {

    private static final List<String> HEADERS = List.of("PRINCIPAL", "TYPE", "ROLE", "SCOPE", "NAME");
    private static final String SCOPE_HELP = "/, /subscriptions/SUB, /subscriptions/SUB/resourceGroups/RG, or a "
            + "machine's id (default: the subscription, /subscriptions/<--subscription>).";

    /** Principal types, as ARM spells them. */
    enum PrincipalType {
        /** A person. */
        User,
        /** A group of the identity provider; its members hold the role. */
        Group,
        /** An application (an OIDC client, or a runcmd token's principal). */
        ServicePrincipal
    }

    private static List<String> row(JsonNode assignment, Map<String, String> roleNames) {
        JsonNode properties = assignment.path("properties");
        String roleId = properties.path("roleDefinitionId").asText();
        return List.of(Printer.text(properties.path("principalId")), Printer.text(properties.path("principalType")),
                roleNames.getOrDefault(RoleDefinitions.guidOf(roleId), roleId), Printer.text(properties.path("scope")),
                Printer.text(assignment.path("name")));
    }

    @Command(name = "create", mixinStandardHelpOptions = true,
            description = "Give a principal a role at a scope (and below).",
            footerHeading = "%nExamples:%n",
            footer = {"  runcmd role assignment create --role 'Run Command Operator' \\",
                    "      --assignee 6d1a2f3e-0b7c-4a51-9e8d-2c4f5a6b7c8d \\",
                    "      --scope /subscriptions/SUB/resourceGroups/web",
                    "  runcmd role assignment create --role Reader \\",
                    "      --assignee 0f9e8d7c-6b5a-4c3d-8e2f-1a0b9c8d7e6f \\",
                    "      --assignee-principal-type Group"})
    static final class Create implements Callable<Integer> {
        @Mixin AccountOptions options;

        @Option(names = "--role", required = true, paramLabel = "ROLE",
                description = "The role's name (e.g. 'Run Command Operator'), GUID or full id.")
        String role;

        @Option(names = "--assignee", required = true, paramLabel = "PRINCIPAL_ID",
                description = "The principal's object id (a token's oid or sub claim; a runcmd token's principalId).")
        String assignee;

        @Option(names = "--assignee-principal-type", paramLabel = "TYPE", defaultValue = "User",
                description = "User, Group or ServicePrincipal (default ${DEFAULT-VALUE}).")
        PrincipalType principalType;

        @Option(names = "--scope", paramLabel = "SCOPE", converter = Converters.Scope.class,
                description = "Where the role applies: " + SCOPE_HELP)
        ArmScope scope;

        @Override
        public Integer call() throws Exception {
            ArmClient client = options.client();
            RoleDefinitions definitions = new RoleDefinitions(client);
            RoleAssignmentId id = new RoleAssignmentId(scope(), UUID.randomUUID().toString());
            JsonNode assignment = client.put(id.path(), ArmClient.AUTHORIZATION_API_VERSION,
                    body(definitions.idOf(role))).body();
            Output out = options.out();
            if (!out.tabular()) {
                out.print(assignment);
            } else {
                Printer.table(System.out, HEADERS, List.of(row(assignment, definitions.namesByGuid())));
            }
            return ExitCodes.OK;
        }

        ArmScope scope() {
            return scope != null ? scope : options.subscriptionScope();
        }

        /** The request body. */
        ObjectNode body(String roleDefinitionId) {
            ObjectNode body = JsonNodeFactory.instance.objectNode();
            body.putObject("properties").put("roleDefinitionId", roleDefinitionId).put("principalId", assignee)
                    .put("principalType", principalType.name());
            return body;
        }
    }

    @Command(name = "list", mixinStandardHelpOptions = true,
            description = "List the role assignments at a scope, above it and below it.",
            footerHeading = "%nExamples:%n",
            footer = {"  runcmd role assignment list",
                    "  runcmd role assignment list --scope /subscriptions/SUB/resourceGroups/web \\",
                    "      --assignee 6d1a2f3e-0b7c-4a51-9e8d-2c4f5a6b7c8d",
                    "  runcmd role assignment list --role Reader \\",
                    "      --query \"[].properties.principalId\" -o tsv"})
    static final class ListAll implements Callable<Integer> {
        @Mixin AccountOptions options;
        @Mixin TopOption top;

        @Option(names = "--scope", paramLabel = "SCOPE", converter = Converters.Scope.class, description = SCOPE_HELP)
        ArmScope scope;

        @Option(names = "--assignee", paramLabel = "PRINCIPAL_ID", description = "Only this principal's.")
        String assignee;

        @Option(names = "--role", paramLabel = "ROLE", description = "Only this role's (name, GUID or id).")
        String role;

        @Override
        public Integer call() throws Exception {
            ArmClient client = options.client();
            RoleDefinitions definitions = new RoleDefinitions(client);
            String roleGuid = role == null ? null : RoleDefinitions.guidOf(definitions.idOf(role));
            Output out = options.out();
            Map<String, String> roleNames = out.tabular() ? definitions.namesByGuid() : Map.of();
            out.list(visitor -> Pages.forEach(client, path(), ArmClient.AUTHORIZATION_API_VERSION,
                    assignment -> roleGuid != null && !roleGuid.equals(RoleDefinitions.guidOf(
                            assignment.path("properties").path("roleDefinitionId").asText()))
                            || visitor.visit(assignment)),
                    top.limit(), HEADERS, assignment -> row(assignment, roleNames));
            return ExitCodes.OK;
        }

        /** The list's path and filter. */
        String path() {
            ArmScope at = scope != null ? scope : options.subscriptionScope();
            return new ODataFilter().eq("principalId", assignee).appendTo(at.roleAssignmentsPath());
        }
    }

    @Command(name = "delete", mixinStandardHelpOptions = true,
            description = {"Delete role assignments: by id, or a principal's at exactly a scope (of one role, with --role).",
                    "Deleting none is not an error."},
            footerHeading = "%nExamples:%n",
            footer = {"  runcmd role assignment delete --role Reader \\",
                    "      --assignee 6d1a2f3e-0b7c-4a51-9e8d-2c4f5a6b7c8d \\",
                    "      --scope /subscriptions/SUB/resourceGroups/web",
                    "  runcmd role assignment delete --ids $(runcmd role assignment list \\",
                    "      --assignee 6d1a2f3e-0b7c-4a51-9e8d-2c4f5a6b7c8d --query \"[].id\" -o tsv)"})
    static final class Delete implements Callable<Integer> {
        @Mixin AccountOptions options;

        @ArgGroup(exclusive = true, multiplicity = "1")
        Target target;

        /** Which assignments: by id, or by principal, role and scope. */
        static final class Target {
            @Option(names = "--ids", arity = "1..*", paramLabel = "ASSIGNMENT_ID", converter = Converters.AssignmentId.class,
                    description = "Full ids, as `role assignment list -o json` shows them.")
            List<RoleAssignmentId> ids;

            @ArgGroup(exclusive = false)
            ByAssignee byAssignee;
        }

        /** A principal's assignments at one scope. */
        static final class ByAssignee {
            @Option(names = "--assignee", required = true, paramLabel = "PRINCIPAL_ID", description = "The principal.")
            String assignee;

            @Option(names = "--role", paramLabel = "ROLE", description = "Only this role's (default: all of them).")
            String role;

            @Option(names = "--scope", paramLabel = "SCOPE", converter = Converters.Scope.class,
                    description = "Exactly this scope (not above or below): " + SCOPE_HELP)
            ArmScope scope;
        }

        @Override
        public Integer call() throws Exception {
            ArmClient client = options.client();
            List<RoleAssignmentId> ids = target.ids != null ? target.ids : matching(client);
            if (ids.isEmpty()) {
                System.err.println("runcmd: no role assignment matches; nothing to delete");
            }
            for (RoleAssignmentId id : ids) {
                int status = client.delete(id.path(), ArmClient.AUTHORIZATION_API_VERSION).status();
                System.err.println(status == 204 ? "runcmd: no role assignment " + id + "; nothing to delete"
                        : "runcmd: deleted role assignment " + id);
            }
            return ExitCodes.OK;
        }

        /** The assignee's assignments at exactly the scope, of the role if one was given. */
        private List<RoleAssignmentId> matching(ArmClient client) throws Exception {
            ByAssignee by = target.byAssignee;
            ArmScope scope = by.scope != null ? by.scope : options.subscriptionScope();
            String roleGuid = by.role == null ? null : RoleDefinitions.guidOf(new RoleDefinitions(client).idOf(by.role));
            List<RoleAssignmentId> ids = new ArrayList<>();
            Pages.forEach(client, new ODataFilter().eq("principalId", by.assignee).appendTo(scope.roleAssignmentsPath()),
                    ArmClient.AUTHORIZATION_API_VERSION, assignment -> {
                        JsonNode properties = assignment.path("properties");
                        boolean atScope = ArmScope.parse(properties.path("scope").asText()).key().equals(scope.key());
                        boolean ofRole = roleGuid == null
                                || roleGuid.equals(RoleDefinitions.guidOf(properties.path("roleDefinitionId").asText()));
                        if (atScope && ofRole && by.assignee.equalsIgnoreCase(properties.path("principalId").asText())) {
                            ids.add(RoleAssignmentId.parse(assignment.path("id").asText()));
                        }
                        return true;
                    });
            return ids;
        }
    }
}
