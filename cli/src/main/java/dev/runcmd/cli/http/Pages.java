package dev.runcmd.cli.http;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * The items of an ARM list, a page at a time: the first page by path, the next ones by their {@code nextLink}. Only
 * one page is held at a time, so a list of any length is walked in bounded memory.
 */
public final class Pages {

    private Pages() {
    }

    /** Receives the items in the order the API lists them; answers false to stop (no further page is fetched). */
    @FunctionalInterface
    public interface Visitor {
        boolean visit(JsonNode item) throws Exception;
    }

    /** Visits every item of the list at {@code path} (which may carry a query) at {@code apiVersion}. */
    public static void forEach(ArmClient client, String path, String apiVersion, Visitor visitor) throws Exception {
        JsonNode page = client.get(path, apiVersion);
        while (true) {
            for (JsonNode item : page.path("value")) {
                if (!visitor.visit(item)) {
                    return;
                }
            }
            String nextLink = page.path("nextLink").asText("");
            if (nextLink.isEmpty()) {
                return;
            }
            page = client.getNextLink(nextLink);
        }
    }
}
