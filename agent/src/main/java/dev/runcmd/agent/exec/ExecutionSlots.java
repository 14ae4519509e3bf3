package dev.runcmd.agent.exec;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * How many executions may run at once on this machine, and the bounded queue of those that wait for
 * a slot, in arrival order. An execution holds its slot from the moment it is admitted to run
 * (including a script download) until it ends; a waiting execution holds none.
 *
 * <p>Threading: every method is safe from any thread (this object's monitor). Callers start what
 * {@link #admit} and {@link #release} hand them outside any lock.
 *
 * @param <T> the execution type (kept generic so the bookkeeping is testable on its own)
 */
final class ExecutionSlots<T> {
    private final int maxRunning;
    private final int maxWaiting;
    private final Set<T> running = new LinkedHashSet<>(); // guarded by this
    private final ArrayDeque<T> waiting = new ArrayDeque<>(); // guarded by this

    /** Creates slots for {@code maxRunning} executions at once and {@code maxWaiting} more in line. */
    ExecutionSlots(int maxRunning, int maxWaiting) {
        if (maxRunning < 1 || maxWaiting < 0) {
            throw new IllegalArgumentException("maxRunning must be at least 1 and maxWaiting at least 0");
        }
        this.maxRunning = maxRunning;
        this.maxWaiting = maxWaiting;
    }

    /** Why a new execution cannot even wait (the line is full), or null when it can be admitted. */
    synchronized String refusal() {
        if (running.size() >= maxRunning && waiting.size() >= maxWaiting) {
            return "queue full: " + waiting.size() + " executions already wait for a free slot on this machine";
        }
        return null;
    }

    /**
     * Admits {@code execution}: it takes a free slot (returns null: start it now) or joins the end
     * of the line (returns why it waits, for Accepted.message). Nobody jumps the line: while others
     * wait, a newcomer waits too.
     */
    synchronized String admit(T execution) {
        if (running.size() < maxRunning && waiting.isEmpty()) {
            running.add(execution);
            return null;
        }
        waiting.addLast(execution);
        return "Waiting for a free slot: " + running.size() + " of " + maxRunning
                + " executions running on this machine";
    }

    /**
     * Frees the slot of {@code done} (if it held one) and hands it to the first waiting execution;
     * returns that execution, to be started by the caller, or null.
     */
    synchronized T release(T done) {
        if (!running.remove(done)) {
            return null;
        }
        T next = waiting.pollFirst();
        if (next != null) {
            running.add(next);
        }
        return next;
    }

    /**
     * Counts {@code execution} as running whatever the bound (an execution found running after an
     * agent restart: it runs already, so it cannot wait).
     */
    synchronized void occupy(T execution) {
        running.add(execution);
    }

    /** Takes {@code execution} out of the line; returns false when it was not waiting (any more). */
    synchronized boolean withdraw(T execution) {
        return waiting.remove(execution);
    }

    /** Empties the line and returns what waited, in arrival order. */
    synchronized List<T> withdrawAll() {
        List<T> all = new ArrayList<>(waiting);
        waiting.clear();
        return all;
    }

    /** How many executions run now (hold a slot). */
    synchronized int running() {
        return running.size();
    }

    /** How many executions wait for a slot. */
    synchronized int waiting() {
        return waiting.size();
    }
}
