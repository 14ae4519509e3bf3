package dev.runcmd.control.output;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.Test;

class BatchTest {

    @Test
    void mergesBothStreamsInStorageOrder() {
        Batch batch = new Batch(null, List.of(out(0, 1), out(1, 4)), false, List.of(err(0, 2), err(1, 3)), false);
        assertEquals(List.of(1L, 2L, 3L, 4L), seqs(batch));
    }

    @Test
    void stopsWhereAStreamThatMayHaveMoreRunsOut() {
        // stdout hit its limit at seq 2: its next chunk (unread) may come before stderr's seq 5.
        Batch batch = new Batch(null, List.of(out(0, 1), out(1, 2)), true, List.of(err(0, 3), err(1, 5)), false);
        assertEquals(List.of(1L, 2L), seqs(batch));
    }

    @Test
    void takesTheRestOfAStreamWhenTheOtherIsComplete() {
        Batch batch = new Batch(null, List.of(out(0, 1)), false, List.of(err(0, 2), err(1, 3)), true);
        assertEquals(List.of(1L, 2L, 3L), seqs(batch));
    }

    private static List<Long> seqs(Batch batch) {
        return batch.merged().stream().map(StoredChunk::seq).toList();
    }

    private static StoredChunk out(long offset, long seq) {
        return new StoredChunk(StdStream.STDOUT, offset, new byte[1], seq);
    }

    private static StoredChunk err(long offset, long seq) {
        return new StoredChunk(StdStream.STDERR, offset, new byte[1], seq);
    }
}
