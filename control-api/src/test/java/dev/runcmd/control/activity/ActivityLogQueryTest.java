package dev.runcmd.control.activity;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.util.List;
import org.junit.jupiter.api.Test;

/** Which part of a subscription a caller's readable scopes cover. */
class ActivityLogQueryTest {

    @Test
    void theRootOrTheSubscriptionCoverAllOfIt() {
        assertNull(ActivityLogQuery.scopesWithin("S1", List.of("/subscriptions/s1/resourceGroups/rg", "/")));
        assertNull(ActivityLogQuery.scopesWithin("S1", List.of("/subscriptions/s1/")));
    }

    @Test
    void scopesInTheSubscriptionAreKeptInLowerCaseAndOthersDropped() {
        assertEquals(List.of("/subscriptions/s1/resourcegroups/rg", "/subscriptions/s1/resourcegroups/rg2/x"),
                ActivityLogQuery.scopesWithin("s1", List.of("/subscriptions/S1/resourceGroups/RG",
                        "/subscriptions/s2/resourceGroups/rg", "/subscriptions/s10",
                        "/subscriptions/s1/resourceGroups/rg/",
                        "/subscriptions/s1/resourceGroups/rg2/x")));
        assertEquals(List.of(), ActivityLogQuery.scopesWithin("s1", List.of("/subscriptions/s10")));
    }
}
