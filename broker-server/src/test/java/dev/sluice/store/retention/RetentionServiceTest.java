package dev.sluice.store.retention;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.store.MessageKind;
import dev.sluice.store.MessageRecord;
import dev.sluice.store.RetentionGuard;
import dev.sluice.store.commitlog.CommitLog;
import dev.sluice.store.commitlog.RecordCodec;
import dev.sluice.store.queue.ConsumeQueueSet;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What retention tells the indexes after it deleted segments. */
class RetentionServiceTest {

    private static final DiskUsage ROOMY_DISK = new DiskUsage() {
        @Override
        public long totalBytes() {
            return 1_000_000;
        }

        @Override
        public long freeBytes() {
            return 900_000;
        }
    };

    @TempDir
    Path dir;

    @Test
    void tellsTheNewestWriteTimeOfTheSegmentsItDeletedAndNothingWhenItDeletesNone() throws IOException {
        List<Long> told = new ArrayList<>();
        try (CommitLog log = CommitLog.open(dir.resolve("commitlog"), 16 * 1024);
             ConsumeQueueSet queues = ConsumeQueueSet.load(dir.resolve("consumequeue"), 1024, 16, log.minOffset())) {
            MessageRecord message = new MessageRecord("logs", 0, "m", MessageKind.NORMAL, "", List.of(), "", 0, 0,
                    "host", Map.of(), Map.of(), new byte[1000]);
            for (int i = 0; log.segmentCount() < 4; i++) {
                log.append(RecordCodec.encode(message), i, System.currentTimeMillis());
            }
            log.writePending();
            List<Path> segments = segmentFiles();
            Instant now = Instant.now();
            Files.setLastModifiedTime(segments.get(0), FileTime.from(now.minus(Duration.ofHours(5))));
            Files.setLastModifiedTime(segments.get(1), FileTime.from(now.minus(Duration.ofHours(3))));
            long secondWritten = Files.getLastModifiedTime(segments.get(1)).toMillis();
            RetentionService retention = new RetentionService(log, queues, ROOMY_DISK, () -> RetentionGuard.NONE,
                    told::add, Duration.ofHours(1), 0.85, 0.95, Clock.systemUTC());

            retention.runOnce();
            retention.runOnce();

            assertThat(segmentFiles()).containsExactlyElementsOf(segments.subList(2, segments.size()));
            assertThat(told).containsExactly(secondWritten);
        }
    }

    private List<Path> segmentFiles() throws IOException {
        try (Stream<Path> files = Files.list(dir.resolve("commitlog"))) {
            return files.sorted().toList();
        }
    }
}
