package dev.runcmd.cli.command;

import com.fasterxml.jackson.databind.JsonNode;
import dev.runcmd.cli.http.ArmClient;
import dev.runcmd.cli.http.ArmException;
import dev.runcmd.cli.http.CredentialException;
import java.io.IOException;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;

/** The subscription's role definitions, read to turn role names into ids and back. */
final class RoleDefinitions {

    private static final Pattern GUID = Pattern.compile("[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}");
    private static final String SEGMENT = "/providers/Microsoft.Authorization/roleDefinitions/";

    private final ArmClient client;

    RoleDefinitions(ArmClient client) {
        this.client = client;
    }

    /** The role definitions list, of one role when {@code roleName} is not null. */
    JsonNode list(String roleName) throws IOException, InterruptedException, ArmException, CredentialException {
        return client.get(path(client, roleName), ArmClient.AUTHORIZATION_API_VERSION);
    }

    /** The path of the role definitions list, of one role when {@code roleName} is not null. */
    static String path(ArmClient client, String roleName) {
        return new ODataFilter().eq("roleName", roleName).appendTo(client.roleDefinitionsPath());
    }

    /**
     * The full role definition id of {@code role}: a role's name (looked up), its GUID, or its full id (as given).
     * IllegalArgumentException when no role has that name.
     */
    String idOf(String role) throws IOException, InterruptedException, ArmException, CredentialException {
        if (role.toLowerCase(Locale.ROOT).contains(SEGMENT.toLowerCase(Locale.ROOT))) {
            return role;
        }
        if (GUID.matcher(role).matches()) {
            return "/subscriptions/" + client.subscriptionId() + SEGMENT + role;
        }
        for (JsonNode definition : list(role).path("value")) {
            if (definition.path("properties").path("roleName").asText().equalsIgnoreCase(role)) {
                return definition.path("id").asText();
            }
        }
        throw new IllegalArgumentException("no role named '" + role + "' in subscription " + client.subscriptionId()
                + "; `runcmd role definition list` shows them");
    }

    /** Role names by the last segment of their ids (the GUID), lower-cased. */
    Map<String, String> namesByGuid() throws IOException, InterruptedException, ArmException, CredentialException {
        Map<String, String> names = new HashMap<>();
        for (JsonNode definition : list(null).path("value")) {
            names.put(guidOf(definition.path("id").asText()), definition.path("properties").path("roleName").asText());
        }
        return names;
    }

    /** The last segment of a role definition id, lower-cased: what two ids of one role share at any scope. */
    static String guidOf(String roleDefinitionId) {
        return roleDefinitionId.substring(roleDefinitionId.lastIndexOf('/') + 1).toLowerCase(Locale.ROOT);
    }
}
