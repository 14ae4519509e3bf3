package dev.runcmd.control.activity;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The ARM operation and resource of a request, derived from its method and path when authorization named neither.
 *
 * <p>After {@code /providers/<namespace>} (or from the root, under {@code Microsoft.Resources}, for paths without
 * one) an ARM path alternates resource types and names. When it ends with a name, the path is the resource and
 * the operation is its type with the method's verb: GET read, PUT and PATCH write, DELETE delete, POST action.
 * When it ends with a type-like segment, that segment names a child collection ({@code runCommands}), a view
 * ({@code output}) or an action ({@code cancel}) of the resource before it: the resource is the path without it,
 * and the operation is the parent's type, the segment and the verb, with POST's verb {@code action}
 * ({@code POST .../runCommands/rc1/cancel} is {@code Microsoft.HybridCompute/machines/runCommands/cancel/action}
 * on {@code .../runCommands/rc1}). A collection right under the namespace ({@code .../joinTokens}) has no resource
 * before it: it is the resource, and POST to it creates ({@code write}).
 *
 * @param operationName the operation, such as {@code Microsoft.HybridCompute/machines/runCommands/write}
 * @param resourceId the ARM id the operation acts on
 */
public record RequestOperation(String operationName, String resourceId) {

    /** The namespace of paths outside any {@code /providers/} segment (subscriptions, resource groups). */
    static final String RESOURCES_NAMESPACE = "Microsoft.Resources";

    /** Derives the operation of {@code method} on {@code path} (a query, if any, is ignored). */
    public static RequestOperation derive(String method, String path) {
        String id = ResourceId.trim(path);
        List<String> segments = ResourceId.segments(id);
        int providers = ResourceId.lastProviders(segments);
        String namespace = providers >= 0 ? segments.get(providers + 1) : RESOURCES_NAMESPACE;
        List<String> rest = segments.subList(providers >= 0 ? providers + 2 : 0, segments.size());
        String verb = verb(method);
        if (rest.size() % 2 == 0) {
            return new RequestOperation(operation(namespace, types(rest), verb), id);
        }
        String last = rest.get(rest.size() - 1);
        List<String> parentTypes = types(rest.subList(0, rest.size() - 1));
        parentTypes.add(last);
        boolean post = verb.equals("action");
        if (rest.size() == 1) {
            return new RequestOperation(operation(namespace, parentTypes, post ? "write" : verb), id);
        }
        return new RequestOperation(operation(namespace, parentTypes, verb), id.substring(0, id.lastIndexOf('/')));
    }

    /** ARM's verb for an HTTP method. */
    static String verb(String method) {
        return switch (method.toUpperCase(Locale.ROOT)) {
            case "GET", "HEAD" -> "read";
            case "PUT", "PATCH" -> "write";
            case "DELETE" -> "delete";
            default -> "action";
        };
    }

    /** The types of alternating type/name segments: those at even positions. */
    private static List<String> types(List<String> typesAndNames) {
        List<String> types = new ArrayList<>();
        for (int i = 0; i < typesAndNames.size(); i += 2) {
            types.add(typesAndNames.get(i));
        }
        return types;
    }

    private static String operation(String namespace, List<String> types, String verb) {
        StringBuilder name = new StringBuilder(namespace);
        for (String type : types) {
            name.append('/').append(type);
        }
        return name.append('/').append(verb).toString();
    }
}
