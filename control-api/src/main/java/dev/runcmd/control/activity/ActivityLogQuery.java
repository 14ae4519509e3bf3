package dev.runcmd.control.activity;

import dev.runcmd.control.arm.ArmException;
import dev.runcmd.control.arm.PageRequest;
import dev.runcmd.control.auth.Caller;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Answers activity log queries: a caller sees the events of the resources at or under the scopes where it may
 * read the log ({@value #READ_ACTION}); one that may read it nowhere in the subscription is refused with 403
 * AuthorizationFailed, as Azure refuses it.
 */
@ApplicationScoped
public class ActivityLogQuery {

    /** The ARM operation of reading the activity log, which {@link ReadableScopes} is asked about. */
    public static final String READ_ACTION = "Microsoft.Insights/eventtypes/values/read";

    private final ReadableScopes readable;
    private final ActivityLogReader reader;

    ActivityLogQuery(ReadableScopes readable, ActivityLogReader reader) {
        this.readable = readable;
        this.reader = reader;
    }

    /** One page of the subscription's events that {@code caller} may see, newest first. */
    public Uni<PageRequest.Page<StoredEvent>> page(Caller caller, String subscriptionId, ActivityFilter filter,
            PageRequest page) {
        return readable.scopesAllowing(caller, READ_ACTION).flatMap(allowed -> {
            List<String> scopes = scopesWithin(subscriptionId, allowed);
            if (scopes != null && scopes.isEmpty()) {
                return Uni.createFrom().failure(denied(caller, subscriptionId));
            }
            return reader.read(subscriptionId, filter, scopes, page)
                    .map(fetched -> page.page(fetched, ActivityLogReader.PAGE_KIND, ActivityLogReader::key));
        });
    }

    /**
     * The part of subscription {@code subscriptionId} that {@code allowed} covers, as lower-case scopes: null when
     * it covers the whole subscription ({@code /} or the subscription itself), empty when it covers none of it.
     */
    static List<String> scopesWithin(String subscriptionId, List<String> allowed) {
        String subscription = "/subscriptions/" + subscriptionId.toLowerCase(Locale.ROOT);
        List<String> within = new ArrayList<>();
        for (String scope : allowed) {
            String lower = ResourceId.lower(scope);
            if (lower.equals("/") || lower.equals(subscription)) {
                return null;
            }
            if (lower.startsWith(subscription + "/") && !within.contains(lower)) {
                within.add(lower);
            }
        }
        return within;
    }

    private static ArmException denied(Caller caller, String subscriptionId) {
        String who = caller == null ? "'" + ActivityEvent.ANONYMOUS + "'"
                : "'" + caller.name() + "' with object id '" + caller.objectId() + "'";
        return new ArmException(403, "AuthorizationFailed", "The client " + who + " does not have authorization to "
                + "perform action '" + READ_ACTION + "' over scope '/subscriptions/" + subscriptionId
                + "' or any scope in it.");
    }
}
