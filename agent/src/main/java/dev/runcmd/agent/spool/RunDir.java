package dev.runcmd.agent.spool;

import dev.runcmd.proto.agent.v1.Exited;
import dev.runcmd.proto.agent.v1.OutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Properties;
import java.util.stream.Stream;

/**
 * The state directory of one execution, {@code <work-dir>/runs/<execution-id>/} (0700, the agent's):
 * <ul>
 *   <li>{@code stdout}, {@code stderr}: the script's own output, appended by the script itself;
 *   <li>{@code exit}: the exit code, written by the wrapper shell when the script ends;
 *   <li>{@code process}: the {@link ProcessRecord}, written durably after the launch;
 *   <li>{@code acked}: the acknowledged offsets ({@link AckedOffsets}), rewritten on Acks (not
 *       fsynced: a stale value only causes a harmless re-send);
 *   <li>{@code end}: why the agent ended the script before it finished (timeout, cancel, agent stop), written
 *       before the first signal (not fsynced: a crash of the machine ends the script unrecorded anyway), so a
 *       restart reports the end that was asked for, not the exit code the signal caused;
 *   <li>{@code result}: the Exited message once the execution ended (durable), so a restart reports
 *       exactly the same end;
 *   <li>{@code blobs}: the Run's output and error blob URLs, when it has any (durable, before
 *       {@code process}), so that an agent restarted while the script runs resumes the uploads. They
 *       are secrets (SAS tokens): the directory is the agent's own (0700) and goes when the end is
 *       acknowledged.
 * </ul>
 * The directory exists from the moment the Run is accepted until the gateway acknowledges Exited. Threading: the file operations are independent; callers serialize
 * writes of the same file.
 */
public final class RunDir {
    private static final String PROCESS = "process";
    private static final String EXIT = "exit";
    private static final String ACKED = "acked";
    private static final String RESULT = "result";
    private static final String END = "end";
    private static final String BLOBS = "blobs";

    /** The blob URLs of a Run; an empty string where it names none. */
    public record BlobUris(String output, String error) {}

    private final String id;
    private final Path dir;

    private RunDir(String id, Path dir) {
        this.id = id;
        this.dir = dir;
    }

    /** Creates the state dir of {@code id} under {@code root} (0700) and makes its creation durable. */
    public static RunDir create(Path root, String id) throws IOException {
        if (!Files.isDirectory(root)) {
            Files.createDirectories(root, Durable.ownerOnlyDir(root));
        }
        Path dir = root.resolve(id);
        Files.createDirectory(dir, Durable.ownerOnlyDir(root));
        Durable.syncDir(root);
        return new RunDir(id, dir);
    }

    /** Every state dir under {@code root}, oldest first (by modification time). */
    public static List<RunDir> list(Path root) throws IOException {
        List<RunDir> dirs = new ArrayList<>();
        if (!Files.isDirectory(root)) {
            return dirs;
        }
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(root, Files::isDirectory)) {
            entries.forEach(p -> dirs.add(new RunDir(p.getFileName().toString(), p)));
        }
        dirs.sort(Comparator.comparingLong(RunDir::modifiedMillis));
        return dirs;
    }

    /** The execution id. */
    public String id() {
        return id;
    }

    /** The directory itself. */
    public Path path() {
        return dir;
    }

    /** The file the script's {@code stream} is appended to. */
    public Path output(OutputStream stream) {
        return dir.resolve(stream == OutputStream.STDERR ? "stderr" : "stdout");
    }

    /** The file the wrapper writes the exit code to. */
    public Path exitFile() {
        return dir.resolve(EXIT);
    }

    /** The size of {@code stream}'s file now; 0 when it does not exist. */
    public long size(OutputStream stream) {
        try {
            return Files.size(output(stream));
        } catch (IOException e) {
            return 0;
        }
    }

    /** Records the launched process, durably (temporary file, fsync, rename, fsync of the dir). */
    public void writeProcess(ProcessRecord record) throws IOException {
        Durable.replace(dir.resolve(PROCESS), record.format().getBytes(StandardCharsets.UTF_8), true);
    }

    /** Records the Run's blob URLs, durably, in a file only the agent's user may read (0600). */
    public void writeBlobs(BlobUris uris) throws IOException {
        Durable.replacePrivate(dir.resolve(BLOBS), (uris.output() + "\n" + uris.error() + "\n")
                .getBytes(StandardCharsets.UTF_8));
    }

    /** The Run's blob URLs, or empty when none were recorded. */
    public Optional<BlobUris> readBlobs() throws IOException {
        Optional<byte[]> bytes = read(BLOBS);
        if (bytes.isEmpty()) {
            return Optional.empty();
        }
        String[] lines = new String(bytes.get(), StandardCharsets.UTF_8).split("\n", -1);
        return lines.length < 2 ? Optional.empty() : Optional.of(new BlobUris(lines[0], lines[1]));
    }

    /** The launched process, or empty when the script was never launched. */
    public Optional<ProcessRecord> readProcess() throws IOException {
        Optional<byte[]> bytes = read(PROCESS);
        return bytes.isEmpty() ? Optional.empty()
                : Optional.of(ProcessRecord.parse(new String(bytes.get(), StandardCharsets.UTF_8)));
    }

    /** The exit code the wrapper recorded, or empty when it recorded none (yet). */
    public OptionalInt readExit() {
        try {
            return OptionalInt.of(Integer.parseInt(Files.readString(exitFile(), StandardCharsets.UTF_8).trim()));
        } catch (IOException | NumberFormatException e) {
            return OptionalInt.empty();
        }
    }

    /** When the exit code was recorded (epoch millis), or now when unknown. */
    public long exitMillis() {
        try {
            return Files.getLastModifiedTime(exitFile()).toMillis();
        } catch (IOException e) {
            return System.currentTimeMillis();
        }
    }

    /** Rewrites the acknowledged offsets; not fsynced. */
    public void writeAcked(AckedOffsets acked) throws IOException {
        String text = "stdout=" + acked.stdout() + "\nstderr=" + acked.stderr() + "\nexited=" + acked.exited() + "\n";
        Durable.replace(dir.resolve(ACKED), text.getBytes(StandardCharsets.UTF_8), false);
    }

    /** The acknowledged offsets as last written; nothing acknowledged when the file is missing or torn. */
    public AckedOffsets readAcked() {
        try {
            Properties p = new Properties();
            p.load(new java.io.StringReader(Files.readString(dir.resolve(ACKED), StandardCharsets.UTF_8)));
            return new AckedOffsets(Long.parseLong(p.getProperty("stdout", "0")),
                    Long.parseLong(p.getProperty("stderr", "0")), Boolean.parseBoolean(p.getProperty("exited")));
        } catch (IOException | RuntimeException e) {
            return AckedOffsets.NONE;
        }
    }

    /** Records why the agent ends the script ({@code text}, the end request's own form), atomically. */
    public void writeEnd(String text) throws IOException {
        Durable.replace(dir.resolve(END), text.getBytes(StandardCharsets.UTF_8), false);
    }

    /** Why the agent ended the script, as {@link #writeEnd} recorded it, or empty when it did not. */
    public Optional<String> readEnd() throws IOException {
        return read(END).map(bytes -> new String(bytes, StandardCharsets.UTF_8));
    }

    /** Records how the execution ended, durably. */
    public void writeResult(Exited exited) throws IOException {
        Durable.replace(dir.resolve(RESULT), exited.toByteArray(), true);
    }

    /** How the execution ended, if that was recorded. */
    public Optional<Exited> readResult() throws IOException {
        Optional<byte[]> bytes = read(RESULT);
        return bytes.isEmpty() ? Optional.empty() : Optional.of(Exited.parseFrom(bytes.get()));
    }

    /** Deletes the directory and everything in it; a missing directory is fine. */
    public void delete() throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(dir)) {
            for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }

    private Optional<byte[]> read(String name) throws IOException {
        try {
            return Optional.of(Files.readAllBytes(dir.resolve(name)));
        } catch (NoSuchFileException e) {
            return Optional.empty();
        }
    }

    private long modifiedMillis() {
        try {
            return Files.getLastModifiedTime(dir).toMillis();
        } catch (IOException e) {
            return 0;
        }
    }

    @Override
    public String toString() {
        return dir.toString();
    }
}
