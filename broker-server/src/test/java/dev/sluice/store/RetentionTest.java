package dev.sluice.store;

import dev.sluice.store.retention.DiskUsage;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;

import static dev.sluice.store.LogStoreTest.assertReason;
import static dev.sluice.store.TestMessages.message;
import static org.assertj.core.api.Assertions.assertThat;

class RetentionTest {

    private static final String TOPIC = "logs";
    private static final long SEGMENT_BYTES = 16 * 1024;

    @TempDir
    Path dir;

    private final FakeDisk disk = new FakeDisk();
    private final Random random = new Random(7);

    /** A disk whose fullness the test sets. */
    private static final class FakeDisk implements DiskUsage {
        volatile double used = 0.10;

        @Override
        public long totalBytes() {
            return 1_000_000;
        }

        @Override
        public long freeBytes() {
            return Math.round(totalBytes() * (1 - used));
        }
    }

    private LogStore open() {
        StoreConfig config = new StoreConfig(dir, SEGMENT_BYTES, FlushPolicy.ASYNC, Duration.ofHours(1),
                Duration.ofHours(1), Duration.ofHours(1), 0.80, 0.95, 8, 64,
                Duration.ofMinutes(10));
        return LogStore.open(config, disk);
    }

    /** Appends ~2 KiB messages to two queues until there are {@code segments} segments. */
    private List<PutResult> fill(LogStore store, int segments) {
        List<PutResult> results = new ArrayList<>();
        int i = 0;
        while (store.stats().segmentCount() < segments) {
            MessageRecord m = message(TOPIC, i % 2, "m" + i, 2000, random);
            results.add(store.append(List.of(m)).join().get(0));
            i++;
        }
        return results;
    }

    private List<Path> segmentFiles() throws IOException {
        try (Stream<Path> files = Files.list(dir.resolve("commitlog"))) {
            return files.sorted().toList();
        }
    }

    private void age(Path file) throws IOException {
        Files.setLastModifiedTime(file, FileTime.from(Instant.now().minus(Duration.ofHours(2))));
    }

    @Test
    void shouldDeleteExpiredSegmentsOldestFirstAndAdvanceFirstOffsets() throws IOException {
        try (LogStore store = open()) {
            List<PutResult> results = fill(store, 6);
            List<Path> files = segmentFiles();
            age(files.get(0));
            age(files.get(1));
            age(files.get(3));

            store.runRetention();

            // the third segment is young, so the fourth stays although it is old: oldest first
            assertThat(segmentFiles()).containsExactlyElementsOf(files.subList(2, files.size()));
            long newMin = Long.parseLong(files.get(2).getFileName().toString());
            assertThat(store.stats().commitLogMinOffset()).isEqualTo(newMin);
            for (int q = 0; q < 2; q++) {
                int queueId = q;
                long expectedFirst = results.stream().filter(r -> r.queueId() == queueId)
                        .filter(r -> r.commitLogOffset() >= newMin).mapToLong(PutResult::queueOffset).min().orElseThrow();
                assertThat(store.firstOffset(TOPIC, q)).isEqualTo(expectedFirst);
                List<QueueEntry> entries = store.readQueue(TOPIC, q, 0, 1000);
                assertThat(entries.get(0).queueOffset()).isEqualTo(expectedFirst);
                entries.forEach(e -> assertThat(store.read(e)).isPresent());
            }
            assertThat(store.forcedSegmentDeletions()).isZero();
        }
    }

    @Test
    void shouldDeleteConsumeQueueFilesBelowTheFirstOffsetAndRememberAfterRestart() throws IOException {
        long first;
        long next;
        try (LogStore store = open()) {
            fill(store, 6);
            store.checkpointNow(); // writes the queue files
            for (Path file : segmentFiles()) {
                age(file);
            }
            store.runRetention();
            assertThat(store.stats().segmentCount()).as("the active segment always stays").isEqualTo(1);
            first = store.firstOffset(TOPIC, 0);
            next = store.nextOffset(TOPIC, 0);
            try (Stream<Path> files = Files.list(dir.resolve("consumequeue").resolve(TOPIC).resolve("0"))) {
                assertThat(files.map(f -> Long.parseLong(f.getFileName().toString())))
                        .allSatisfy(base -> assertThat(base + 8).isGreaterThan(first));
            }
        }
        try (LogStore store = open()) {
            assertThat(store.firstOffset(TOPIC, 0)).isEqualTo(first);
            assertThat(store.nextOffset(TOPIC, 0)).isEqualTo(next);
            assertThat(store.append(List.of(message(TOPIC, 0, "later", 10, random))).join().get(0).queueOffset())
                    .isEqualTo(next);
        }
    }

    @Test
    void shouldKeepSegmentsConsumersNeedBelowTheHardWatermark() throws IOException {
        try (LogStore store = open()) {
            List<PutResult> results = fill(store, 6);
            PutResult needed = results.stream().filter(r -> r.queueId() == 1)
                    .filter(r -> r.commitLogOffset() > 2 * SEGMENT_BYTES).findFirst().orElseThrow();
            store.setRetentionGuard((topic, queueId) -> queueId == 1 ? needed.queueOffset() : Long.MAX_VALUE);
            for (Path file : segmentFiles()) {
                age(file);
            }
            disk.used = 0.90;

            store.runRetention();

            assertThat(store.stats().commitLogMinOffset()).isLessThanOrEqualTo(needed.commitLogOffset());
            assertThat(store.stats().commitLogMinOffset()).isGreaterThan(needed.commitLogOffset() - SEGMENT_BYTES);
            assertThat(store.readQueue(TOPIC, 1, needed.queueOffset(), 1).get(0).commitLogOffset())
                    .isEqualTo(needed.commitLogOffset());
            assertThat(store.forcedSegmentDeletions()).isZero();
            assertThat(store.append(List.of(message(TOPIC, 0, "ok", 10, random))).join()).hasSize(1);
        }
    }

    @Test
    void shouldDeleteNeededSegmentsAndRefuseWritesPastTheHardWatermark() {
        try (LogStore store = open()) {
            fill(store, 5);
            store.setRetentionGuard((topic, queueId) -> 0);
            disk.used = 0.97;

            store.runRetention();

            assertThat(store.stats().segmentCount()).isEqualTo(1);
            assertThat(store.forcedSegmentDeletions()).isEqualTo(4);
            assertReason(store.append(List.of(message(TOPIC, 0, "refused", 10, random))),
                    StoreException.Reason.DISK_FULL);
            long first = store.firstOffset(TOPIC, 0);
            List<QueueEntry> readable = store.readQueue(TOPIC, 0, 0, 100);
            assertThat(readable).isNotEmpty();
            assertThat(readable.get(0).queueOffset()).isEqualTo(first);
            assertThat(store.read(readable.get(0))).isPresent();

            disk.used = 0.50;
            store.runRetention();

            assertThat(store.append(List.of(message(TOPIC, 0, "accepted", 10, random))).join()).hasSize(1);
        }
    }

    @Test
    void shouldKeepYoungSegmentsWhileTheDiskHasRoom() throws IOException {
        try (LogStore store = open()) {
            fill(store, 4);
            List<Path> before = segmentFiles();

            store.runRetention();

            assertThat(segmentFiles()).isEqualTo(before);
        }
    }
}
