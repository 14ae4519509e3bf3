package dev.runcmd.agent.exec;

import dev.runcmd.agent.blob.BlobClient;
import dev.runcmd.agent.policy.AgentPolicy;
import dev.runcmd.agent.transport.Outbox;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.ScheduledExecutorService;

/**
 * What every {@link Execution} shares: where its messages go, how it starts and ends processes,
 * which threads it may use, and where its exec dir and state dir live.
 *
 * @param outbox where Started, Output and Exited go
 * @param launcher starts scripts
 * @param killer ends process trees
 * @param workers threads for pumps, waiters and kills (blocking work)
 * @param scheduler timers only (timeouts); never blocked
 * @param downloader fetches scripts given by URL
 * @param blobClient uploads output to the Run's output and error blobs
 * @param execRoot the parent of every exec dir
 * @param runAsRoot the parent of the exec dirs of scripts run as another user: a directory every
 *     user can traverse (mode 0711), as the work dir may not be
 * @param killGrace time between SIGTERM and SIGKILL for cancel and timeout
 * @param spool the state dirs on disk and how they are followed
 * @param policy what the machine's administrator allows; checked before anything of a run starts
 */
public record ExecContext(
        Outbox outbox,
        ScriptLauncher launcher,
        TreeKiller killer,
        ExecutorService workers,
        ScheduledExecutorService scheduler,
        ScriptDownloader downloader,
        BlobClient blobClient,
        Path execRoot,
        Path runAsRoot,
        Duration killGrace,
        SpoolContext spool,
        AgentPolicy policy) {}
