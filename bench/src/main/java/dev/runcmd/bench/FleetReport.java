package dev.runcmd.bench;

import java.util.ArrayList;
import java.util.List;

/**
 * The fleet benchmark's output: a plain line as each figure is known, then every figure again in one markdown table.
 */
final class FleetReport {

    private final int machines;
    private final List<String[]> rows = new ArrayList<>();
    private double sequentialMedian = Double.NaN;

    FleetReport(int machines, int gateways) {
        this.machines = machines;
        row("machines / gateways", machines + " / " + gateways);
    }

    void enrollment(double seconds, int parallelism) {
        line("Enrollment: %d machines in %.1f s (%.0f per second, %d in parallel; not part of the connect storm)",
                machines, seconds, machines / seconds, parallelism);
        row("enrollment (separate)", "%.1f s, %.0f/s", seconds, machines / seconds);
    }

    void connectStorm(double welcomedSeconds, double connectedSeconds) {
        line("Connect storm: all %d streams welcomed after %.2f s; all %d machines Connected in the database after"
                + " %.2f s (%.0f per second)", machines, welcomedSeconds, machines, connectedSeconds,
                machines / connectedSeconds);
        row("connect storm (all Connected)", "%.2f s, %.0f/s", connectedSeconds, machines / connectedSeconds);
    }

    void stormEndings(int ended, String causes) {
        line("Streams that ended during the connect storm (each reopened after a back-off): %d%s", ended,
                ended == 0 ? "" : " — " + causes);
        row("stream endings during the connect storm", "%d", ended);
    }

    void gatewayIdle(String gateway, Footprint footprint, double cpuPercent) {
        line("%s with %d agents connected, idle: heap in use after a full GC %.1f MiB, VmRSS %.1f MiB;"
                + " CPU %.1f %% of one core over 10 s", gateway, machines, footprint.heapKib() / 1024.0,
                footprint.rssKib() / 1024.0, cpuPercent);
        row(gateway + " heap after full GC", "%.1f MiB", footprint.heapKib() / 1024.0);
        row(gateway + " VmRSS", "%.1f MiB", footprint.rssKib() / 1024.0);
        row(gateway + " idle CPU (10 s)", "%.1f %% of one core", cpuPercent);
    }

    void databaseConnections(long[] connections) {
        line("PostgreSQL: %d rows in pg_stat_activity, %d of them client backends other than this benchmark's own",
                connections[0], connections[1]);
        row("pg_stat_activity (all / services' clients)", "%d / %d", connections[0], connections[1]);
    }

    void fanOut(FleetBench.FanOut fanOut) {
        line("Fan-out: %d PUTs of `true` (%d in flight) answered after %.2f s; all %d executions terminal after"
                + " %.2f s (%d succeeded): %.0f run commands completed per second", fanOut.terminal(),
                FleetBench.FAN_OUT_CONCURRENCY, fanOut.putsSeconds(), fanOut.terminal(), fanOut.terminalSeconds(), fanOut.succeeded(),
                fanOut.terminal() / fanOut.terminalSeconds());
        row("PUT fan-out (one PUT per machine, first " + FleetBench.PUT_FAN_OUT_LIMIT
                + " at most): first PUT to last terminal", "%.2f s", fanOut.terminalSeconds());
        row("PUT fan-out: completed per second", "%.0f /s (%d of %d succeeded)",
                fanOut.terminal() / fanOut.terminalSeconds(), fanOut.succeeded(), fanOut.terminal());
    }

    void jobFanOut(JobFanOut.Result job) {
        line("Job fan-out: one job of `true` over all %d machines (maxConcurrency 100%%): PUT answered after %.2f s,"
                + " job ended after %.2f s (%d succeeded): %.0f run commands per second", machines, job.putSeconds(),
                job.endSeconds(), job.succeeded(), machines / job.endSeconds());
        row("job fan-out: PUT answered / job ended", "%.2f s / %.2f s (%d of %d succeeded)", job.putSeconds(),
                job.endSeconds(), job.succeeded(), machines);
    }

    void sustained(JobFanOut.Sustained sustained) {
        line("Sustained: %d jobs over the fleet back to back in %.1f s: %d run commands created and completed,"
                + " %.0f per second", sustained.jobs(), sustained.seconds(), sustained.completed(),
                sustained.completed() / sustained.seconds());
        row("sustained: run commands created and completed", "%.0f /s over %.0f s (%d jobs)",
                sustained.completed() / sustained.seconds(), sustained.seconds(), sustained.jobs());
    }

    void sequential(int warmup, List<Double> sorted) {
        sequentialMedian = Main.percentile(sorted, 50);
        line("PUT -> terminal on one machine of the connected fleet, %d sequential runs after %d warm-up: median"
                + " %.1f ms, p90 %.1f ms", sorted.size(), warmup, sequentialMedian, Main.percentile(sorted, 90));
        row("PUT -> terminal, one machine (median / p90)", "%.1f / %.1f ms", sequentialMedian,
                Main.percentile(sorted, 90));
    }

    void ssh(SshBaseline.Result ssh) {
        if (ssh.notMeasured() != null) {
            line("ssh baseline not measured: %s", ssh.notMeasured());
            row("ssh baseline", "not measured: %s", ssh.notMeasured());
            return;
        }
        line("ssh 127.0.0.1 true: new connection median %.1f ms (run command %.2fx of it); multiplexed"
                + " (ControlMaster) median %.1f ms (run command %.2fx of it)", ssh.newConnectionMillis(),
                sequentialMedian / ssh.newConnectionMillis(), ssh.multiplexedMillis(),
                sequentialMedian / ssh.multiplexedMillis());
        row("ssh new connection, median of 20", "%.1f ms (run command / ssh = %.2f)", ssh.newConnectionMillis(),
                sequentialMedian / ssh.newConnectionMillis());
        row("ssh multiplexed, median of 50", "%.1f ms (run command / ssh = %.2f)", ssh.multiplexedMillis(),
                sequentialMedian / ssh.multiplexedMillis());
    }

    void ansible(AnsibleBaseline.Result ansible) {
        if (ansible.notMeasured() != null) {
            line("Ansible baseline not measured: %s", ansible.notMeasured());
            row("Ansible baseline", "not measured: %s", ansible.notMeasured());
            return;
        }
        line("ansible all -m command -a true over %d ssh hosts: %.1f s with the default 5 forks, %.1f s with 50",
                AnsibleBaseline.HOSTS, ansible.defaultForks(), ansible.fiftyForks());
        row("Ansible `true` on " + AnsibleBaseline.HOSTS + " ssh hosts, 5 / 50 forks", "%.1f s / %.1f s",
                ansible.defaultForks(), ansible.fiftyForks());
    }

    void streamsEnded(int ended, String causes) {
        line("Agent streams that ended during the benchmark (each reopened after a back-off): %d%s", ended,
                ended == 0 ? "" : " — " + causes);
        row("agent streams ended (reopened)", "%d%s", ended, ended == 0 ? "" : " (" + causes + ")");
    }

    void printTable() {
        System.out.println();
        System.out.println("| measure | value |");
        System.out.println("| --- | --- |");
        rows.forEach(row -> System.out.println("| " + row[0] + " | " + row[1] + " |"));
    }

    private static void line(String format, Object... values) {
        System.out.println(String.format(format, values));
    }

    private void row(String measure, String format, Object... values) {
        rows.add(new String[] {measure, String.format(format, values)});
    }
}
