package dev.runcmd.control.output;

import java.util.ArrayList;
import java.util.List;

/**
 * One read of an execution's output: its status, read first, then the next chunks of each stream in offset
 * order. Each stream's list is limited; {@code more} says the limit was reached, so more chunks may follow.
 *
 * @param status the execution's status at the start of the read
 * @param stdout the next stdout chunks, by offset
 * @param stdoutMore true when stdout may have more chunks than listed
 * @param stderr the next stderr chunks, by offset
 * @param stderrMore true when stderr may have more chunks than listed
 */
public record Batch(ExecutionStatus status, List<StoredChunk> stdout, boolean stdoutMore, List<StoredChunk> stderr,
        boolean stderrMore) {

    /**
     * The chunks of both streams in storage order (seq), each stream staying in offset order. Once a stream that
     * may have more chunks runs out, the merge stops: its next chunk, not read yet, may come before the other
     * stream's remaining ones. Those are read again by the next batch.
     */
    public List<StoredChunk> merged() {
        List<StoredChunk> out = new ArrayList<>(stdout.size() + stderr.size());
        int i = 0;
        int j = 0;
        while (i < stdout.size() || j < stderr.size()) {
            if (i == stdout.size()) {
                if (stdoutMore) {
                    break;
                }
                out.add(stderr.get(j++));
            } else if (j == stderr.size()) {
                if (stderrMore) {
                    break;
                }
                out.add(stdout.get(i++));
            } else {
                out.add(stdout.get(i).seq() < stderr.get(j).seq() ? stdout.get(i++) : stderr.get(j++));
            }
        }
        return out;
    }
}
