package dev.runcmd.agent.exec;

import java.io.Closeable;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;

/**
 * The ids of executions this agent accepted, on disk, so that an id is started at most once across
 * reconnects and agent restarts. The file holds one id per line; each id is appended and fsynced
 * before Accepted is sent. Only the newest {@link #MAX_IDS} ids are kept: when the file reaches
 * twice that many lines it is rewritten (to a temporary file, fsynced, then atomically renamed).
 *
 * <p>Threading: all methods are synchronized; appends come from the control thread.
 */
public final class Journal implements Closeable {
    /** How many ids are remembered. */
    public static final int MAX_IDS = 10_000;

    private final Path file;
    private final int maxIds;
    private final LinkedHashSet<String> ids = new LinkedHashSet<>(); // oldest first
    private FileChannel out;
    private int lines;

    private Journal(Path file, int maxIds) {
        this.file = file;
        this.maxIds = maxIds;
    }

    /**
     * Opens the journal at {@code file}, creating it if missing. A torn last line (a crash during an
     * append) is terminated first, so that the next id starts on a line of its own.
     */
    public static Journal open(Path file) throws IOException {
        return open(file, MAX_IDS);
    }

    /** Opens a journal that remembers the newest {@code maxIds} ids. */
    static Journal open(Path file, int maxIds) throws IOException {
        Journal journal = new Journal(file, maxIds);
        List<String> existing = Files.exists(file) ? Files.readAllLines(file, StandardCharsets.UTF_8) : List.of();
        existing.stream().filter(id -> !id.isBlank()).forEach(journal::remember);
        journal.lines = existing.size();
        journal.out = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE, StandardOpenOption.APPEND);
        if (journal.out.size() > 0 && !endsWithNewline(file)) {
            journal.write("\n");
        }
        if (journal.lines >= 2 * maxIds) {
            journal.compact();
        }
        return journal;
    }

    /** True if {@code id} was accepted (among the newest remembered ids). */
    public synchronized boolean contains(String id) {
        return ids.contains(id);
    }

    /** Records {@code id} durably; when this returns, the id survives a crash. */
    public synchronized void append(String id) throws IOException {
        if (id.indexOf('\n') >= 0 || id.indexOf('\r') >= 0) {
            throw new IllegalArgumentException("execution id must not contain a line break");
        }
        write(id + "\n");
        lines++;
        remember(id);
        if (lines >= 2 * maxIds) {
            compact();
        }
    }

    /** How many ids are remembered. */
    public synchronized int size() {
        return ids.size();
    }

    @Override
    public synchronized void close() throws IOException {
        out.close();
    }

    private void remember(String id) {
        ids.remove(id);
        ids.add(id);
        if (ids.size() > maxIds) {
            Iterator<String> oldest = ids.iterator();
            oldest.next();
            oldest.remove();
        }
    }

    private void write(String text) throws IOException {
        ByteBuffer bytes = ByteBuffer.wrap(text.getBytes(StandardCharsets.UTF_8));
        while (bytes.hasRemaining()) {
            out.write(bytes);
        }
        out.force(false);
    }

    private void compact() throws IOException {
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        List<String> keep = new ArrayList<>(ids);
        try (FileChannel channel = FileChannel.open(tmp, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.TRUNCATE_EXISTING)) {
            ByteBuffer bytes = ByteBuffer.wrap((String.join("\n", keep) + "\n").getBytes(StandardCharsets.UTF_8));
            while (bytes.hasRemaining()) {
                channel.write(bytes);
            }
            channel.force(true);
        }
        out.close();
        Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        try (FileChannel dir = FileChannel.open(file.toAbsolutePath().getParent(), StandardOpenOption.READ)) {
            dir.force(true);
        }
        out = FileChannel.open(file, StandardOpenOption.WRITE, StandardOpenOption.APPEND);
        lines = keep.size();
    }

    private static boolean endsWithNewline(Path file) throws IOException {
        try (FileChannel in = FileChannel.open(file, StandardOpenOption.READ)) {
            ByteBuffer last = ByteBuffer.allocate(1);
            in.read(last, in.size() - 1);
            return last.get(0) == '\n';
        }
    }
}
