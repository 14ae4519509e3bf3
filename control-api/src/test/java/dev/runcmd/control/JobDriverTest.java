package dev.runcmd.control;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.runcmd.control.job.JobDriver;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The job driver keeps one tick schedule however often it is nudged (every job PUT and cancel nudges it). Ticks are
 * counted where they land: each one reads {@code run_command_job}, which PostgreSQL's table statistics count.
 */
@QuarkusTest
@WithTestResource(EmbeddedPostgresResource.class)
class JobDriverTest {

    private static final String SCANS = """
            select seq_scan + coalesce(idx_scan, 0) from pg_stat_user_tables where relname = 'run_command_job'
            """;

    @Inject
    JobDriver driver;

    @Test
    void nudgesBetweenTicksDoNotMultiplyTheTicks() throws InterruptedException {
        long before = scansOver(3);
        for (int i = 0; i < 40; i++) {
            driver.nudge();
            // Paced so that most nudges find the driver between ticks, as requests do.
            TimeUnit.MILLISECONDS.sleep(25);
        }
        long after = scansOver(3);
        assertTrue(after <= before * 3 / 2 + 5, "reads of run_command_job in 3 s: " + before + " before 40 nudges, "
                + after + " after");
    }

    /** How many times run_command_job was read in the next {@code seconds} (statistics lag about 0.5 s). */
    private static long scansOver(int seconds) throws InterruptedException {
        TimeUnit.SECONDS.sleep(1);
        long start = Db.queryLong(SCANS);
        TimeUnit.SECONDS.sleep(seconds);
        return Db.queryLong(SCANS) - start;
    }
}
