package dev.runcmd.control.job;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;

/** Fan-out jobs ({@code runcmd.jobs.*}). */
@ConfigMapping(prefix = "runcmd.jobs")
public interface JobConfig {

    /** How often running jobs are advanced: the longest a freed slot waits for the next target. */
    @WithDefault("200ms")
    Duration tick();

    /** The most machines one job may run on. */
    @WithDefault("20000")
    int maxTargets();
}
