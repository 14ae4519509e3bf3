package dev.runcmd.agent.exec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

/** The slot bookkeeping: bound, arrival order, the bounded line, withdrawals. */
class ExecutionSlotsTest {

    @Test
    void runsUpToTheBoundThenQueuesInArrivalOrder() {
        ExecutionSlots<String> slots = new ExecutionSlots<>(2, 10);

        assertNull(slots.admit("a"));
        assertNull(slots.admit("b"));
        assertEquals("Waiting for a free slot: 2 of 2 executions running on this machine", slots.admit("c"));
        slots.admit("d");

        assertEquals("c", slots.release("a"));
        assertEquals("d", slots.release("b"));
        assertNull(slots.release("c"));
        assertEquals(1, slots.running());
    }

    @Test
    void fullLineRefusesNewcomersUntilASlotFrees() {
        ExecutionSlots<String> slots = new ExecutionSlots<>(1, 2);
        slots.admit("a");
        slots.admit("b");
        assertNull(slots.refusal(), "one place left in line");
        slots.admit("c");

        assertEquals("queue full: 2 executions already wait for a free slot on this machine", slots.refusal());
        slots.release("a");
        assertNull(slots.refusal());
    }

    @Test
    void withdrawnExecutionsNeverGetASlotAndReleasingThemFreesNothing() {
        ExecutionSlots<String> slots = new ExecutionSlots<>(1, 10);
        slots.admit("a");
        slots.admit("b");
        slots.admit("c");
        slots.admit("d");

        assertTrue(slots.withdraw("b"));
        assertFalse(slots.withdraw("b"));
        assertNull(slots.release("b"), "b held no slot");
        assertEquals(List.of("c", "d"), slots.withdrawAll());
        assertNull(slots.release("a"));
        assertEquals(0, slots.waiting());
    }
}
