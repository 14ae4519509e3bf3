package dev.runcmd.control.job.output;

import dev.runcmd.control.output.StdStream;
import java.io.ByteArrayOutputStream;
import java.util.Arrays;
import java.util.Base64;
import java.util.BitSet;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import java.util.zip.DataFormatException;
import java.util.zip.Deflater;
import java.util.zip.Inflater;

/**
 * Where a client stands in a job's merged output, and the resume token that says so: which targets' end events it
 * has received, and for each other target the byte offsets right after the last stdout and stderr bytes it has
 * received. Reading on from a cursor continues exactly after the last event delivered: nothing lost, nothing
 * repeated. Targets are named by their position in the job.
 *
 * <p>Token: base64url without padding of a form byte (1 plain, 2 raw-deflated when that is shorter) and then
 * unsigned LEB128 varints: 32 bits of the job id (so a token of a replaced job is refused), the ended targets as
 * runs of positions (count, then per run the gap after the previous run and its length - 1), and the started,
 * not ended targets (count, then per target the gap after the previous position, its stdout and its stderr
 * offset). Targets not named have received nothing.
 *
 * <p>Cost: a token grows with the targets that have output and have not ended, about 3 to 9 bytes each (a
 * position gap and two offsets up to 2 MiB take 1 + 3 + 3), plus 2 to 4 bytes per run of ended targets; targets
 * released and ending in job order form few runs. A job with 50 targets streaming at once carries about 400
 * characters in every event's {@code id}; with 2,000 at once about 16 KB, past what many proxies accept in a
 * {@code Last-Event-ID} header or a {@code ?from=} URL. Encoding a token costs time linear in its size, once per
 * event; deflating it pays off only for many runs of ended targets.
 *
 * <p>Not thread-safe: confined to its follower's context.
 */
public final class JobCursor {

    /** The most positions a token may name: far more than a job has targets, far less than memory allows. */
    static final int MAX_POSITIONS = 1 << 20;

    /** The longest token read, in characters. */
    static final int MAX_TOKEN_CHARS = 1 << 20;

    private static final int PLAIN = 1;
    private static final int DEFLATED = 2;
    private static final int MAX_BODY_BYTES = 4 << 20;

    private final int jobTag;
    private final BitSet ended;
    private final TreeMap<Integer, long[]> offsets;

    private JobCursor(int jobTag, BitSet ended, TreeMap<Integer, long[]> offsets) {
        this.jobTag = jobTag;
        this.ended = ended;
        this.offsets = offsets;
    }

    /** The start of a job's output: nothing received. */
    public static JobCursor start(UUID jobId) {
        return new JobCursor(tag(jobId), new BitSet(), new TreeMap<>());
    }

    /**
     * Reads a token.
     *
     * @throws IllegalArgumentException when it is not one this class wrote
     */
    public static JobCursor parse(String token) {
        if (token.isEmpty() || token.length() > MAX_TOKEN_CHARS) {
            throw new IllegalArgumentException("expected a resume token (an event id)");
        }
        byte[] bytes;
        try {
            bytes = Base64.getUrlDecoder().decode(token);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("a resume token is base64url");
        }
        if (bytes.length < 2) {
            throw new IllegalArgumentException("the resume token is too short");
        }
        byte[] body = switch (bytes[0]) {
            case PLAIN -> Arrays.copyOfRange(bytes, 1, bytes.length);
            case DEFLATED -> inflate(bytes);
            default -> throw new IllegalArgumentException("unknown resume token form " + bytes[0]);
        };
        return read(new Varints(body));
    }

    /**
     * Checks the cursor against the job it is used for.
     *
     * @throws IllegalArgumentException when it belongs to another job or names a position the job does not have
     */
    public void check(UUID jobId, int targetCount) {
        if (tag(jobId) != jobTag) {
            throw new IllegalArgumentException("the resume token belongs to another job of that name "
                    + "(the job was replaced); start without one");
        }
        int last = Math.max(ended.length() - 1, offsets.isEmpty() ? -1 : offsets.lastKey());
        if (last >= targetCount) {
            throw new IllegalArgumentException("the resume token names target " + last + " of a job with "
                    + targetCount);
        }
    }

    /** The offset after the last byte of {@code stream} delivered for the target. */
    public long offset(int position, StdStream stream) {
        long[] at = offsets.get(position);
        return at == null ? 0 : at[stream.ordinal()];
    }

    /** True once the target's end event was delivered. */
    public boolean hasEnded(int position) {
        return ended.get(position);
    }

    /** The bytes of {@code stream} up to {@code end} were delivered. */
    void advance(int position, StdStream stream, long end) {
        offsets.computeIfAbsent(position, p -> new long[2])[stream.ordinal()] = end;
    }

    /** The target's end event was delivered; its offsets no longer matter. */
    void end(int position) {
        ended.set(position);
        offsets.remove(position);
    }

    /** The started, not ended targets, by position, with their {stdout, stderr} offsets; read only. */
    Map<Integer, long[]> started() {
        return offsets;
    }

    /**
     * The ended targets as PostgreSQL's {@code get_bit(bytea, n)} reads them (bit n is bit n % 8 of byte n / 8),
     * padded to {@code targetCount} bits.
     */
    byte[] endedBits(int targetCount) {
        return Arrays.copyOf(ended.toByteArray(), targetCount / 8 + 1);
    }

    /** The resume token of this cursor. */
    public String token() {
        Varints out = new Varints();
        out.write(Integer.toUnsignedLong(jobTag));
        writeEnded(out);
        out.write(offsets.size());
        int previous = -1;
        for (Map.Entry<Integer, long[]> entry : offsets.entrySet()) {
            out.write(entry.getKey() - previous - 1);
            out.write(entry.getValue()[0]);
            out.write(entry.getValue()[1]);
            previous = entry.getKey();
        }
        return Base64.getUrlEncoder().withoutPadding().encodeToString(form(out.bytes()));
    }

    private void writeEnded(Varints out) {
        int runs = 0;
        for (int start = ended.nextSetBit(0); start >= 0; start = ended.nextSetBit(ended.nextClearBit(start))) {
            runs++;
        }
        out.write(runs);
        int previousEnd = 0;
        for (int start = ended.nextSetBit(0); start >= 0; start = ended.nextSetBit(previousEnd)) {
            int end = ended.nextClearBit(start);
            out.write(start - previousEnd);
            out.write(end - start - 1);
            previousEnd = end;
        }
    }

    private static JobCursor read(Varints in) {
        int jobTag = (int) in.read(0xFFFF_FFFFL);
        BitSet ended = new BitSet();
        long runs = in.read(MAX_POSITIONS);
        int previousEnd = 0;
        for (long i = 0; i < runs; i++) {
            int start = previousEnd + (int) in.read(MAX_POSITIONS);
            int end = start + 1 + (int) in.read(MAX_POSITIONS);
            if (end > MAX_POSITIONS) {
                throw new IllegalArgumentException("the resume token names too many targets");
            }
            ended.set(start, end);
            previousEnd = end;
        }
        TreeMap<Integer, long[]> offsets = new TreeMap<>();
        long started = in.read(MAX_POSITIONS);
        int previous = -1;
        for (long i = 0; i < started; i++) {
            int position = previous + 1 + (int) in.read(MAX_POSITIONS);
            if (position >= MAX_POSITIONS || ended.get(position)) {
                throw new IllegalArgumentException("the resume token names a target twice or too many targets");
            }
            offsets.put(position, new long[] {in.read(Long.MAX_VALUE), in.read(Long.MAX_VALUE)});
            previous = position;
        }
        in.requireEnd();
        return new JobCursor(jobTag, ended, offsets);
    }

    /** Prefixes the form byte, deflating when that is shorter. */
    private static byte[] form(byte[] body) {
        Deflater deflater = new Deflater(Deflater.BEST_COMPRESSION, true);
        deflater.setInput(body);
        deflater.finish();
        byte[] packed = new byte[body.length + 1];
        int length = 1 + deflater.deflate(packed, 1, body.length);
        boolean smaller = deflater.finished() && length < body.length + 1;
        deflater.end();
        if (smaller) {
            packed[0] = DEFLATED;
            return Arrays.copyOf(packed, length);
        }
        packed[0] = PLAIN;
        System.arraycopy(body, 0, packed, 1, body.length);
        return packed;
    }

    private static byte[] inflate(byte[] bytes) {
        Inflater inflater = new Inflater(true);
        inflater.setInput(bytes, 1, bytes.length - 1);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        byte[] buffer = new byte[8192];
        try {
            while (!inflater.finished()) {
                int n = inflater.inflate(buffer);
                if (n == 0 && (inflater.needsInput() || inflater.needsDictionary())) {
                    throw new IllegalArgumentException("the resume token is cut short");
                }
                out.write(buffer, 0, n);
                if (out.size() > MAX_BODY_BYTES) {
                    throw new IllegalArgumentException("the resume token is too large");
                }
            }
            return out.toByteArray();
        } catch (DataFormatException e) {
            throw new IllegalArgumentException("the resume token is corrupt");
        } finally {
            inflater.end();
        }
    }

    private static int tag(UUID jobId) {
        return (int) jobId.getLeastSignificantBits();
    }
}
