package dev.sluice.store.queue;

import dev.sluice.store.QueueEntry;
import dev.sluice.store.file.FilePool;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

class ConsumeQueueTest {

    private static final int SEGMENT_ENTRIES = 100;

    @TempDir
    Path dir;
    /** Two open files for queues of many files: every test also runs with files closed and reopened under it. */
    private final FilePool files = new FilePool(2);

    /** Entry n points at commit-log offset 1000 + 10 n, so any entry read can be checked. */
    private static void add(ConsumeQueue queue, long offset) {
        queue.add(offset, 1000 + 10 * offset, 10, (int) offset, offset);
    }

    /** Adds entries {@code from} to {@code to} (exclusive) as one batch and publishes them. */
    private static void publishBatch(ConsumeQueue queue, long from, long to) throws IOException {
        for (long o = from; o < to; o++) {
            add(queue, o);
        }
        queue.publish();
    }

    private static void assertEntries(List<QueueEntry> entries, long from, long to) {
        assertThat(entries).extracting(QueueEntry::queueOffset)
                .containsExactlyElementsOf(Stream.iterate(from, o -> o < to, o -> o + 1).toList());
        entries.forEach(e -> assertThat(e.commitLogOffset()).isEqualTo(1000 + 10 * e.queueOffset()));
    }

    private long bytesOnDisk() throws IOException {
        if (!Files.exists(dir)) {
            return 0;
        }
        try (Stream<Path> files = Files.list(dir)) {
            long total = 0;
            for (Path file : files.toList()) {
                total += Files.size(file);
            }
            return total;
        }
    }

    @Test
    void shouldServeEntriesFromMemoryUntilAPageGathersOrTheTailIsWritten() throws IOException {
        ConsumeQueue queue = ConsumeQueue.create("t", 0, dir, SEGMENT_ENTRIES, files);
        for (long o = 0; o < 5; o++) {
            add(queue, o);
        }
        assertThat(queue.read(0, 10)).as("added but not yet published").isEmpty();
        assertThat(queue.publish()).isTrue();
        assertEntries(queue.read(0, 10), 0, 5);
        assertThat(bytesOnDisk()).as("a few entries stay in memory").isZero();

        queue.writeTail();
        assertThat(bytesOnDisk()).isEqualTo(5 * QueueEntryFormat.ENTRY_BYTES);
        for (long o = 5; o < 8; o++) {
            add(queue, o);
        }
        queue.publish();
        assertEntries(queue.read(3, 10), 3, 8); // from the file, then from memory
        assertThat(queue.entryAt(6).commitLogOffset()).isEqualTo(1060);

        // a page's worth is written at once, across the segment boundary at 100
        for (long o = 8; o < 8 + 4096 / QueueEntryFormat.ENTRY_BYTES; o++) {
            add(queue, o);
        }
        queue.publish();
        long published = queue.nextOffset();
        assertThat(bytesOnDisk()).isEqualTo(published * QueueEntryFormat.ENTRY_BYTES);
        assertEntries(queue.read(0, 1000), 0, published);
    }

    @Test
    void shouldKeepHolesAndReadAcrossThemInMemory() throws IOException {
        ConsumeQueue queue = ConsumeQueue.create("t", 0, dir, SEGMENT_ENTRIES, files);
        add(queue, 0);
        add(queue, 3); // recovery found no record for 1 and 2
        queue.publish();
        assertThat(queue.nextOffset()).isEqualTo(4);
        assertThat(queue.read(0, 10)).extracting(QueueEntry::queueOffset).containsExactly(0L, 3L);
        assertThat(queue.entryAt(1)).isNull();
        queue.writeTail();
        assertThat(queue.read(0, 10)).extracting(QueueEntry::queueOffset).containsExactly(0L, 3L);
    }

    @Test
    void shouldReopenWithWhatWasWrittenAndDropTheRestOnTruncation() throws IOException {
        ConsumeQueue queue = ConsumeQueue.create("t", 0, dir, SEGMENT_ENTRIES, files);
        for (long o = 0; o < 150; o++) {
            add(queue, o);
            queue.publish();
        }
        queue.writeTail();
        publishBatch(queue, 150, 160);
        // what a crash leaves: the files, not the entries in memory
        queue.close();
        ConsumeQueue reopened = ConsumeQueue.load("t", 0, dir, SEGMENT_ENTRIES, files, 0);
        assertThat(reopened.nextOffset()).isEqualTo(150);
        assertEntries(reopened.read(0, 1000), 0, 150);

        // entries from commit-log offset 1000 + 10 * 120 on are past a cut log
        publishBatch(reopened, 150, 155);
        reopened.truncateFrom(1000 + 10 * 120);
        assertThat(reopened.nextOffset()).isEqualTo(120);
        assertEntries(reopened.read(0, 1000), 0, 120);
        add(reopened, 120);
        reopened.publish();
        assertEntries(reopened.read(0, 1000), 0, 121);

        reopened.truncateFrom(1000 + 10 * 50); // back across the file boundary at 100
        assertThat(reopened.nextOffset()).isEqualTo(50);
        assertEntries(reopened.read(0, 1000), 0, 50);
    }

    @Test
    void shouldMoveTheFirstOffsetPastEntriesStillInMemory() throws IOException {
        ConsumeQueue queue = ConsumeQueue.create("t", 0, dir, SEGMENT_ENTRIES, files);
        publishBatch(queue, 0, 130);
        queue.writeTail();
        publishBatch(queue, 130, 140);
        queue.advanceFirstOffset(1000 + 10 * 135);
        assertThat(queue.firstOffset()).isEqualTo(135);
        assertEntries(queue.read(0, 100), 135, 140);
        try (Stream<Path> files = Files.list(dir)) {
            assertThat(files.map(f -> f.getFileName().toString())).containsExactly(String.format("%020d", 100));
        }
    }

    @Test
    void shouldGiveConcurrentReadersAGapFreePrefixWhileTheWriterGrowsAndWritesTails() throws Exception {
        ConsumeQueue queue = ConsumeQueue.create("t", 0, dir, SEGMENT_ENTRIES, files);
        int total = 20_000;
        AtomicBoolean done = new AtomicBoolean();
        List<CompletableFuture<Long>> readers = new ArrayList<>();
        for (int r = 0; r < 2; r++) {
            readers.add(CompletableFuture.supplyAsync(() -> {
                long reads = 0;
                while (!done.get() || reads == 0) {
                    long next = queue.nextOffset();
                    long from = Math.max(0, next - 300);
                    List<QueueEntry> entries = queue.read(from, 300);
                    assertThat(entries.size()).isGreaterThanOrEqualTo((int) (next - from));
                    assertEntries(entries, from, from + entries.size());
                    reads++;
                }
                return reads;
            }));
        }
        long offset = 0;
        for (int batch = 0; offset < total; batch++) {
            int size = 1 + batch % 37;
            for (int i = 0; i < size; i++) {
                add(queue, offset++);
            }
            queue.publish();
            if (batch % 50 == 0) {
                queue.writeTail();
            }
        }
        done.set(true);
        for (CompletableFuture<Long> reader : readers) {
            assertThat(reader.get(30, TimeUnit.SECONDS)).isPositive();
        }
        assertEntries(queue.read(0, (int) offset + 1), 0, offset);
    }
}
