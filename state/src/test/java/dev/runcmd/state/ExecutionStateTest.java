package dev.runcmd.state;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Arrays;
import java.util.EnumSet;
import java.util.List;
import java.util.function.Predicate;
import org.junit.jupiter.api.Test;

class ExecutionStateTest {

    @Test
    void storedValuesAreTheColumnsValues() {
        assertEquals(List.of("Pending", "Dispatched", "Running", "Succeeded", "Failed", "TimedOut", "Canceled"),
                Arrays.stream(ExecutionState.values()).map(ExecutionState::stored).toList());
    }

    @Test
    void everyStoredValueParsesBackToItsState() {
        for (ExecutionState state : ExecutionState.values()) {
            assertEquals(state, ExecutionState.fromStored(state.stored()));
        }
    }

    @Test
    void anUnknownStoredValueIsASchemaFault() {
        assertThrows(IllegalStateException.class, () -> ExecutionState.fromStored("Paused"));
        assertThrows(IllegalStateException.class, () -> ExecutionState.fromStored("PENDING"));
    }

    @Test
    void dispatchedShowsAsPendingInAzure() {
        assertEquals("Pending", ExecutionState.DISPATCHED.azure());
        assertEquals("TimedOut", ExecutionState.TIMED_OUT.azure());
    }

    @Test
    void onlySucceededFailedTimedOutAndCanceledAreTerminal() {
        assertEquals(EnumSet.of(ExecutionState.SUCCEEDED, ExecutionState.FAILED, ExecutionState.TIMED_OUT,
                ExecutionState.CANCELED), matching(ExecutionState::isTerminal));
    }

    @Test
    void onlyDispatchedAndRunningMayBeOnAnAgent() {
        assertEquals(EnumSet.of(ExecutionState.DISPATCHED, ExecutionState.RUNNING),
                matching(ExecutionState::isOnAgent));
    }

    private static EnumSet<ExecutionState> matching(Predicate<ExecutionState> test) {
        EnumSet<ExecutionState> states = EnumSet.noneOf(ExecutionState.class);
        Arrays.stream(ExecutionState.values()).filter(test).forEach(states::add);
        return states;
    }
}
