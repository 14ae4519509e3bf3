package dev.runcmd.control.activity;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The parts of an ARM resource id that the activity log stores beside it, so that events can be found by
 * subscription, resource group and type: {@code /subscriptions/s/resourceGroups/rg/providers/Microsoft.HybridCompute
 * /machines/m1/runCommands/rc1} is in subscription {@code s}, group {@code rg}, provider
 * {@code Microsoft.HybridCompute}, type {@code Microsoft.HybridCompute/machines/runCommands}.
 *
 * @param id the id, without a trailing slash
 * @param subscriptionId the subscription, or null when the id is not under one
 * @param resourceGroup the resource group, or null when the id is not in one
 * @param provider the resource provider namespace ({@code Microsoft.Resources} for subscriptions and groups), or null
 *        outside a subscription
 * @param type the resource type with its namespace, or null outside a subscription
 */
public record ResourceId(String id, String subscriptionId, String resourceGroup, String provider, String type) {

    /** Parses {@code id}; an id that names no subscription has only {@link #id}. */
    public static ResourceId parse(String id) {
        String trimmed = trim(id);
        List<String> segments = segments(trimmed);
        if (segments.size() < 2 || !segments.get(0).equalsIgnoreCase("subscriptions")) {
            return new ResourceId(trimmed, null, null, null, null);
        }
        String group = segments.size() >= 4 && segments.get(2).equalsIgnoreCase("resourceGroups")
                ? segments.get(3) : null;
        int providers = lastProviders(segments);
        String namespace = providers >= 0 ? segments.get(providers + 1) : RequestOperation.RESOURCES_NAMESPACE;
        StringBuilder type = new StringBuilder(namespace);
        for (int i = providers >= 0 ? providers + 2 : 0; i < segments.size(); i += 2) {
            type.append('/').append(segments.get(i));
        }
        return new ResourceId(trimmed, segments.get(1), group, namespace, type.toString());
    }

    /** The form scopes are compared in: lower case, without a trailing slash ({@code /} stays {@code /}). */
    public static String lower(String idOrScope) {
        return trim(idOrScope).toLowerCase(Locale.ROOT);
    }

    /** The path without a query and without trailing slashes; {@code /} for the root. */
    static String trim(String path) {
        int query = path.indexOf('?');
        String trimmed = query < 0 ? path : path.substring(0, query);
        int end = trimmed.length();
        while (end > 1 && trimmed.charAt(end - 1) == '/') {
            end--;
        }
        trimmed = trimmed.substring(0, end);
        return trimmed.startsWith("/") ? trimmed : "/" + trimmed;
    }

    /** The non-empty segments of a path. */
    static List<String> segments(String path) {
        List<String> segments = new ArrayList<>();
        for (String segment : path.split("/")) {
            if (!segment.isEmpty()) {
                segments.add(segment);
            }
        }
        return segments;
    }

    /**
     * The index of the last {@code providers} segment that a namespace follows, or -1. Only type positions (even
     * indexes: the path alternates types and names from {@code subscriptions} on) count, so a machine named
     * {@code providers} is a name.
     */
    static int lastProviders(List<String> segments) {
        for (int i = (segments.size() - 2) & ~1; i >= 0; i -= 2) {
            if (segments.get(i).equalsIgnoreCase("providers")) {
                return i;
            }
        }
        return -1;
    }
}
