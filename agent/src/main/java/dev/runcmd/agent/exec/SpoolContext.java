package dev.runcmd.agent.exec;

import dev.runcmd.agent.spool.SpoolWatcher;
import java.nio.file.Path;

/**
 * Where executions keep their state on disk and how the agent follows it.
 *
 * @param runsRoot the parent of every execution's state dir ({@code <work-dir>/runs})
 * @param watcher tells executions when their scripts wrote output
 * @param puncher frees acknowledged prefixes of output files
 * @param maxBytes the spool bound: unacknowledged output bytes on disk above which scripts are held back
 */
public record SpoolContext(Path runsRoot, SpoolWatcher watcher, HolePuncher puncher, long maxBytes) {}
