package dev.runcmd.control.operation;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import dev.runcmd.control.runcommand.ExecutionEntity;
import dev.runcmd.control.runcommand.RunCommandEntity;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** How the status of a PUT or PATCH operation follows its execution and the run command's provisioningState. */
class OperationRulesTest {

    private static final OffsetDateTime NOW = OffsetDateTime.of(2026, 11, 26, 12, 0, 0, 0, ZoneOffset.UTC);
    private static final OffsetDateTime STARTED = NOW.minusMinutes(2);
    private static final OffsetDateTime ENDED = NOW.minusMinutes(1);

    @ParameterizedTest(name = "{0} async={1} exit={2} provisioning={3} -> {4}")
    @CsvSource(nullValues = "null", textBlock = """
            Pending,    false, null, Creating,  InProgress
            Dispatched, false, null, Creating,  InProgress
            Running,    false, null, Creating,  InProgress
            Running,    true,  null, Succeeded, Succeeded
            Pending,    true,  null, Creating,  InProgress
            Succeeded,  false, 0,    Succeeded, Succeeded
            Failed,     false, 3,    Succeeded, Succeeded
            TimedOut,   false, -1,   Succeeded, Succeeded
            Failed,     false, null, Failed,    Failed
            Failed,     true,  null, Failed,    Failed
            Canceled,   false, null, Canceled,  Canceled
            Canceled,   true,  null, Succeeded, Canceled
            """)
    void currentExecutionDecides(String state, boolean async, Integer exitCode, String provisioning,
            String expected) {
        ExecutionEntity execution = execution(state, exitCode);
        RunCommandEntity command = new RunCommandEntity();
        command.currentExecutionId = execution.id;
        command.provisioningState = provisioning;

        OperationRules.Derived derived = OperationRules.derive(async, execution, command, NOW);

        assertEquals(expected, derived.status().stored());
        OffsetDateTime end = switch (expected) {
            case "InProgress" -> null;
            case "Succeeded" -> state.equals("Running") ? STARTED : ENDED;
            default -> ENDED;
        };
        assertEquals(end, derived.endTime());
    }

    @Test
    void supersededExecutionFailedWithoutExitCodeIsAPlatformFailure() {
        RunCommandEntity command = new RunCommandEntity();
        command.currentExecutionId = UUID.randomUUID();
        command.provisioningState = "Succeeded";

        OperationRules.Derived lost = OperationRules.derive(false, execution("Failed", null), command, NOW);
        OperationRules.Derived exited = OperationRules.derive(false, execution("Failed", 2), command, NOW);

        assertEquals(OperationStatus.FAILED, lost.status());
        assertEquals("RunCommandFailed", lost.errorCode());
        assertEquals("message of Failed", lost.errorMessage());
        assertEquals(OperationStatus.SUCCEEDED, exited.status());
        assertNull(exited.errorCode());
    }

    @Test
    void deletedExecutionCancelsTheOperation() {
        OperationRules.Derived derived = OperationRules.derive(false, null, null, NOW);

        assertEquals(OperationStatus.CANCELED, derived.status());
        assertEquals(NOW, derived.endTime());
        assertEquals("Canceled", derived.errorCode());
    }

    private static ExecutionEntity execution(String state, Integer exitCode) {
        ExecutionEntity execution = new ExecutionEntity();
        execution.id = UUID.randomUUID();
        execution.state = state;
        execution.exitCode = exitCode;
        execution.message = "message of " + state;
        boolean started = !state.equals("Pending") && !state.equals("Dispatched");
        execution.startTime = started ? STARTED : null;
        boolean ended = !state.equals("Pending") && !state.equals("Dispatched") && !state.equals("Running");
        execution.endTime = ended ? ENDED : null;
        return execution;
    }
}
