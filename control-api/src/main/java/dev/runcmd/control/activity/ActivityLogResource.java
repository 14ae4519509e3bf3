package dev.runcmd.control.activity;

import dev.runcmd.control.arm.ArmList;
import dev.runcmd.control.arm.NextLinks;
import dev.runcmd.control.arm.PageRequest;
import dev.runcmd.control.arm.ResourceNames;
import dev.runcmd.control.auth.Caller;
import io.smallrye.mutiny.Uni;
import dev.runcmd.control.auth.AuthorizedInside;
import io.vertx.ext.web.RoutingContext;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.UriInfo;
import java.time.Instant;
import org.jboss.resteasy.reactive.RestPath;
import org.jboss.resteasy.reactive.RestQuery;

/**
 * The activity log of a subscription, as Azure Monitor serves it (api-version {@code 2015-04-01}):
 * {@code GET .../providers/Microsoft.Insights/eventtypes/management/values?$filter=eventTimestamp ge '...'}, newest
 * first, {@code $top} events a page (default {@value #PAGE_SIZE}), further pages by {@code nextLink}.
 * {@code $select} is accepted and ignored: every event has all its fields.
 */
@Path("/subscriptions/{sub}/providers/Microsoft.Insights/eventtypes/management/values")
@Produces(MediaType.APPLICATION_JSON)
public class ActivityLogResource {

    /** The page size when the request gives no {@code $top}. */
    static final int PAGE_SIZE = 200;

    private final ActivityLogQuery query;

    ActivityLogResource(ActivityLogQuery query) {
        this.query = query;
    }

    /** One page of events; 400 BadRequest for a filter outside the grammar, 403 where the caller may read none. */
    @GET
    @AuthorizedInside
    public Uni<ArmList<ActivityEventView>> list(@RestPath String sub, @RestQuery("$filter") String filter,
            @RestQuery("$top") String top, @RestQuery("$skipToken") String skipToken, UriInfo uri,
            RoutingContext context) {
        ResourceNames.requireSubscription(sub);
        ActivityFilter parsed = ActivityFilter.parse(filter, Instant.now());
        PageRequest page = PageRequest.of(top, skipToken, PAGE_SIZE, ActivityLogReader.PAGE_KIND);
        if (context.get(ActivityContext.ACTION) == null) {
            context.put(ActivityContext.ACTION, ActivityLogQuery.READ_ACTION);
            context.put(ActivityContext.RESOURCE_ID, "/subscriptions/" + sub);
        }
        return query.page(Caller.of(context), sub, parsed, page)
                .map(result -> new ArmList<>(result.items().stream().map(ActivityEventView::of).toList(),
                        NextLinks.of(uri, result.nextToken())));
    }
}
