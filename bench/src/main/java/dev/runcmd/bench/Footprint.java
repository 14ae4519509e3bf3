package dev.runcmd.bench;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** A JVM's VmRSS, and its heap in use right after a full GC (read with jcmd), both in KiB. */
record Footprint(long rssKib, long heapKib) {

    private static final Pattern USED = Pattern.compile("used (\\d+)K");

    /** Runs a full GC in the JVM {@code pid}, then reads its footprint. */
    static Footprint of(long pid) throws Exception {
        jcmd(pid, "GC.run");
        long heap = 0;
        for (String line : jcmd(pid, "GC.heap_info")) {
            if (line.contains("generation") || line.contains("garbage-first heap")) {
                Matcher used = USED.matcher(line);
                if (used.find()) {
                    heap += Long.parseLong(used.group(1));
                }
            }
        }
        return new Footprint(Memory.rssKib(pid), heap);
    }

    private static List<String> jcmd(long pid, String command) throws Exception {
        Path jcmd = Path.of(System.getProperty("java.home"), "bin", "jcmd");
        Process process = new ProcessBuilder(jcmd.toString(), Long.toString(pid), command).redirectErrorStream(true)
                .start();
        List<String> lines = new ArrayList<>();
        try (BufferedReader reader = new BufferedReader(new InputStreamReader(process.getInputStream(),
                StandardCharsets.UTF_8))) {
            reader.lines().forEach(lines::add);
        }
        process.waitFor(30, TimeUnit.SECONDS);
        return lines;
    }
}
