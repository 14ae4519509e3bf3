package dev.runcmd.control.activity;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;

/** The activity log's settings, read once at startup (prefix {@code runcmd.activity-log}). */
@ConfigMapping(prefix = "runcmd.activity-log")
public interface ActivityLogConfig {

    /**
     * How long events are kept; older ones are deleted hourly (and once at startup). At least one hour. Azure
     * keeps 90 days.
     */
    @WithDefault("90d")
    Duration retention();
}
