package dev.sluice.store.kv;

import dev.sluice.store.KeyValueStore.Space;
import dev.sluice.store.KeyValueStore;
import dev.sluice.store.StoreException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

class RocksKeyValueStoreTest {

    @TempDir
    Path dir;

    private static byte[] b(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static List<String> keys(KeyValueStore kv, Space space, String prefix) {
        List<String> keys = new ArrayList<>();
        kv.scan(space, b(prefix), (k, v) -> keys.add(new String(k, StandardCharsets.UTF_8)));
        return keys;
    }

    @Test
    void shouldKeepSpacesApartAndSurviveReopen() {
        try (RocksStore rocks = RocksStore.open(dir)) {
            KeyValueStore kv = new RocksKeyValueStore(rocks, true);
            kv.put(Space.TOPICS, b("a"), b("topic"));
            kv.put(Space.GROUPS, b("a"), b("group"));
            kv.write(kv.newBatch().put(Space.CONSUMER_STATE, b("g/t/1"), b("5"))
                    .put(Space.CONSUMER_STATE, b("g/t/2"), b("6"))
                    .put(Space.CONSUMER_STATE, b("h/t/1"), b("7"))
                    .delete(Space.TOPICS, b("a")));
        }
        try (RocksStore rocks = RocksStore.open(dir)) {
            KeyValueStore kv = new RocksKeyValueStore(rocks, false);
            assertThat(kv.get(Space.TOPICS, b("a"))).isNull();
            assertThat(kv.get(Space.GROUPS, b("a"))).isEqualTo(b("group"));
            assertThat(keys(kv, Space.CONSUMER_STATE, "g/")).containsExactly("g/t/1", "g/t/2");
            assertThat(keys(kv, Space.CONSUMER_STATE, "")).hasSize(3);
            kv.delete(Space.CONSUMER_STATE, b("g/t/1"));
            assertThat(keys(kv, Space.CONSUMER_STATE, "g/")).containsExactly("g/t/2");
        }
    }

    @Test
    void shouldWriteBatchesFromManyThreadsInTheOrderEachHandedThemOverAndDurably() throws Exception {
        int threads = 4;
        int batchesPerThread = 2_000;
        try (RocksStore rocks = RocksStore.open(dir); RocksKeyValueStore kv = new RocksKeyValueStore(rocks, false)) {
            ExecutorService pool = Executors.newFixedThreadPool(threads);
            List<Future<List<CompletableFuture<Void>>>> submitted = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                String thread = "t" + t;
                submitted.add(pool.submit(() -> {
                    List<CompletableFuture<Void>> written = new ArrayList<>();
                    for (int i = 0; i < batchesPerThread; i++) {
                        // the same key over and over: only the last value may remain
                        written.add(kv.writeLater(kv.newBatch()
                                .put(Space.CONSUMER_STATE, b(thread), b(Integer.toString(i)))
                                .put(Space.DELIVERY_HISTORY, b(String.format("%s/%05d", thread, i)), b("e"))));
                    }
                    return written;
                }));
            }
            for (Future<List<CompletableFuture<Void>>> f : submitted) {
                CompletableFuture.allOf(f.get(30, TimeUnit.SECONDS).toArray(CompletableFuture[]::new))
                        .get(30, TimeUnit.SECONDS);
            }
            pool.shutdown();
            for (int t = 0; t < threads; t++) {
                assertThat(kv.get(Space.CONSUMER_STATE, b("t" + t))).isEqualTo(b(Integer.toString(batchesPerThread - 1)));
            }
        }
        try (RocksStore rocks = RocksStore.open(dir); RocksKeyValueStore kv = new RocksKeyValueStore(rocks, false)) {
            assertThat(keys(kv, Space.DELIVERY_HISTORY, "")).hasSize(threads * batchesPerThread);
            assertThat(kv.get(Space.CONSUMER_STATE, b("t3"))).isEqualTo(b(Integer.toString(batchesPerThread - 1)));
        }
    }

    @Test
    void shouldLetACallbackOfAWrittenBatchWriteAgain() throws Exception {
        try (RocksStore rocks = RocksStore.open(dir); RocksKeyValueStore kv = new RocksKeyValueStore(rocks, false)) {
            CompletableFuture<Void> chained = kv.writeLater(kv.newBatch().put(Space.TIMERS, b("first"), b("1")))
                    .thenRun(() -> kv.write(kv.newBatch().put(Space.TIMERS, b("second"), b("2"))));

            chained.get(10, TimeUnit.SECONDS);
            assertThat(keys(kv, Space.TIMERS, "")).containsExactly("first", "second");
        }
    }

    @Test
    void shouldWriteWhatWasHandedOverBeforeCloseAndRefuseTheRest() throws Exception {
        try (RocksStore rocks = RocksStore.open(dir)) {
            RocksKeyValueStore kv = new RocksKeyValueStore(rocks, true);
            List<CompletableFuture<Void>> written = new ArrayList<>();
            for (int i = 0; i < 500; i++) {
                written.add(kv.writeLater(kv.newBatch().put(Space.TIMERS, b(String.format("k%03d", i)), b("v"))));
            }
            kv.close();

            assertThat(written).allMatch(f -> f.isDone() && !f.isCompletedExceptionally());
            assertThat(keys(kv, Space.TIMERS, "")).hasSize(500);
            assertThatThrownBy(() -> kv.writeLater(kv.newBatch().put(Space.TIMERS, b("late"), b("v"))))
                    .isInstanceOfSatisfying(StoreException.class,
                            e -> assertThat(e.reason()).isEqualTo(StoreException.Reason.NOT_RUNNING));
        }
    }

    @Test
    void shouldFailTheBatchesOfAFailedWriteNotHangThem() throws Exception {
        RocksStore rocks = RocksStore.open(dir);
        try (RocksKeyValueStore kv = new RocksKeyValueStore(rocks, false)) {
            rocks.close();

            CompletableFuture<Void> written = kv.writeLater(kv.newBatch().put(Space.TIMERS, b("k"), b("v")));

            assertThatThrownBy(() -> written.get(10, TimeUnit.SECONDS)).hasCauseInstanceOf(StoreException.class);
            assertThatThrownBy(() -> kv.write(kv.newBatch().put(Space.TIMERS, b("k"), b("v"))))
                    .isInstanceOf(StoreException.class);
        }
    }

    @Test
    void shouldScanPrefixesNewestFirst() {
        try (RocksStore rocks = RocksStore.open(dir)) {
            for (String key : List.of("p1", "p2", "p3", "q1", "o9")) {
                rocks.put(Family.MESSAGE_KEY, b(key), b("v"), false);
            }
            List<String> seen = new ArrayList<>();
            rocks.scan(Family.MESSAGE_KEY, b("p"), true, (k, v) -> seen.add(new String(k, StandardCharsets.UTF_8)));
            assertThat(seen).containsExactly("p3", "p2", "p1");
        }
    }

    @Test
    void shouldDeleteARangeOfKeysInABatch() {
        try (RocksStore rocks = RocksStore.open(dir)) {
            KeyValueStore kv = new RocksKeyValueStore(rocks, false);
            for (String key : List.of("t1", "t2", "t3", "t4", "u1")) {
                kv.put(Space.TIMERS, b(key), b("v"));
            }
            kv.write(kv.newBatch().deleteRange(Space.TIMERS, b("t2"), b("t4")).put(Space.TIMERS, b("t5"), b("v")));
            assertThat(keys(kv, Space.TIMERS, "")).containsExactly("t1", "t4", "t5", "u1");
        }
    }

    @Test
    void shouldCompactAFileOfTombstonesAwaySoonAfterTheKeysAreDeleted() {
        int count = 20_000;
        try (RocksStore rocks = RocksStore.open(dir)) {
            KeyValueStore kv = new RocksKeyValueStore(rocks, false);
            KeyValueStore.Batch puts = kv.newBatch();
            for (int i = 0; i < count; i++) {
                puts.put(Space.TIMERS, b(String.format("k%08d", i)), b("value"));
            }
            kv.write(puts);
            rocks.flush(Family.TIMERS);
            KeyValueStore.Batch deletes = kv.newBatch();
            for (int i = 0; i < count; i++) {
                deletes.delete(Space.TIMERS, b(String.format("k%08d", i)));
            }
            kv.write(deletes);
            rocks.flush(Family.TIMERS);

            // two L0 files are far below the size trigger: only the deletion hint compacts them
            await().atMost(Duration.ofSeconds(20)).until(() -> rocks.deletionsInFiles(Family.TIMERS) == 0);
            assertThat(keys(kv, Space.TIMERS, "")).isEmpty();
        }
    }

    @Test
    void shouldKeepIndexAndFilterBlocksInTheBoundedCacheNotBesideIt() {
        int ids = 300_000;
        try (RocksStore rocks = RocksStore.open(dir)) {
            for (int from = 0; from < ids; from += 10_000) {
                int first = from;
                rocks.write(batch -> {
                    for (int i = first; i < first + 10_000; i++) {
                        batch.put(rocks.handle(Family.MESSAGE_ID), b(String.format("topic/%024x", i)), b("offset"));
                    }
                }, false);
            }
            rocks.flush(Family.MESSAGE_ID);

            // beside the cache these would be ~1.7 bytes per id (~500 KB here), growing with the data
            assertThat(rocks.tableReaderBytesOutsideCache()).isLessThan(64 * 1024);
            assertThat(rocks.get(Family.MESSAGE_ID, b(String.format("topic/%024x", 123_456)))).isEqualTo(b("offset"));
            assertThat(rocks.get(Family.MESSAGE_ID, b(String.format("topic/%024x", ids + 1)))).isNull();
            assertThat(rocks.memoryBytes()).isPositive();
        }
    }

    @Test
    void shouldFlushMemtablesOfAllFamiliesOnceTogetherTheyPassTheirShareOfTheCache() {
        byte[] value = new byte[1024];
        List<Family> families = List.of(Family.MESSAGE_ID, Family.CONSUMER_STATE, Family.DELIVERY_HISTORY);
        try (RocksStore rocks = RocksStore.open(dir)) {
            // 40 MiB a family: each alone stays below its own 64 MiB write buffer, together they do not
            for (Family family : families) {
                for (int from = 0; from < 40 * 1024; from += 1024) {
                    int first = from;
                    rocks.write(batch -> {
                        for (int i = first; i < first + 1024; i++) {
                            batch.put(rocks.handle(family), b(String.format("key/%08d", i)), value);
                        }
                    }, false);
                }
            }

            await().atMost(Duration.ofSeconds(20)).until(() -> rocks.memtableBytes() <= 64L << 20);
            assertThat(rocks.memoryBytes()).isLessThanOrEqualTo(130L << 20);
            for (Family family : families) {
                assertThat(rocks.get(family, b(String.format("key/%08d", 40 * 1024 - 1)))).isEqualTo(value);
            }
        }
    }
}
