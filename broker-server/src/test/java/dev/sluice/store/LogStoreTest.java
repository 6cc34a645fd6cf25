package dev.sluice.store;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static dev.sluice.store.TestMessages.assertSameMessage;
import static dev.sluice.store.TestMessages.config;
import static dev.sluice.store.TestMessages.message;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class LogStoreTest {

    private static final String TOPIC = "orders";

    @TempDir
    Path dir;

    private final Random random = new Random(42);

    private List<MessageRecord> appendAll(MessageStore store, int count, int queues, int bodyBytes) {
        List<MessageRecord> sent = new ArrayList<>();
        List<CompletableFuture<List<PutResult>>> futures = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            MessageRecord m = message(TOPIC, i % queues, "id-" + i, bodyBytes, random);
            sent.add(m);
            futures.add(store.append(List.of(m)));
        }
        futures.forEach(CompletableFuture::join);
        return sent;
    }

    /** Every message of the queue in offset order, read back through the consume queue. */
    private static List<MessageRecord> readQueue(MessageStore store, String topic, int queueId) {
        List<MessageRecord> out = new ArrayList<>();
        for (QueueEntry entry : store.readQueue(topic, queueId, 0, Integer.MAX_VALUE)) {
            StoredMessage stored = store.read(entry).orElseThrow();
            assertThat(stored.queueOffset()).isEqualTo(entry.queueOffset());
            assertThat(entry.tagHash()).isEqualTo(stored.record().tag().hashCode());
            out.add(stored.record());
        }
        return out;
    }

    private static void assertQueuesHold(MessageStore store, List<MessageRecord> sent, int queues) {
        for (int q = 0; q < queues; q++) {
            int queueId = q;
            List<MessageRecord> expected = sent.stream().filter(m -> m.queueId() == queueId).toList();
            List<MessageRecord> actual = readQueue(store, TOPIC, queueId);
            assertThat(actual).hasSameSizeAs(expected);
            for (int i = 0; i < expected.size(); i++) {
                assertSameMessage(actual.get(i), expected.get(i));
            }
            assertThat(store.nextOffset(TOPIC, queueId)).isEqualTo(expected.size());
        }
    }

    @Test
    void shouldReadBackEveryFieldAcrossSeveralSegments() {
        try (LogStore store = LogStore.open(config(dir, 64 * 1024, FlushPolicy.ASYNC))) {
            List<MessageRecord> sent = appendAll(store, 120, 3, 3000);

            assertThat(store.stats().segmentCount()).isGreaterThan(3);
            assertQueuesHold(store, sent, 3);
            assertSameMessage(store.findById(TOPIC, "id-7").orElseThrow().record(), sent.get(7));
            assertThat(store.findById(TOPIC, "nope")).isEmpty();
            assertThat(store.findById("other", "id-7")).isEmpty();
        }
    }

    @Test
    void shouldFindByKeyNewestFirst() {
        try (LogStore store = LogStore.open(config(dir, 64 * 1024, FlushPolicy.ASYNC))) {
            appendAll(store, 10, 2, 100);

            List<StoredMessage> found = store.findByKey(TOPIC, "shared", 3);

            assertThat(found).extracting(m -> m.record().messageId()).containsExactly("id-9", "id-8", "id-7");
            assertThat(store.findByKey(TOPIC, "key-id-4", 10)).extracting(m -> m.record().messageId())
                    .containsExactly("id-4");
            assertThat(store.findByKey(TOPIC, "key-", 10)).isEmpty();
        }
    }

    @Test
    void shouldAssignGapFreeOffsetsUnderConcurrentAppenders() throws Exception {
        int threads = 8;
        int perThread = 300;
        Map<String, PutResult> results = new ConcurrentHashMap<>();
        try (LogStore store = LogStore.open(config(dir, 256 * 1024, FlushPolicy.ASYNC))) {
            ExecutorService pool = Executors.newFixedThreadPool(threads);
            List<CompletableFuture<Void>> all = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                int thread = t;
                all.add(CompletableFuture.runAsync(() -> {
                    Random r = new Random(thread);
                    for (int i = 0; i < perThread; i++) {
                        String id = thread + "-" + i;
                        // batches of two exercise multi-record appends
                        MessageRecord a = message(TOPIC, i % 4, id + "a", 200, r);
                        MessageRecord b = message(TOPIC, (i + 1) % 4, id + "b", 200, r);
                        List<PutResult> put = store.append(List.of(a, b)).join();
                        results.put(a.messageId(), put.get(0));
                        results.put(b.messageId(), put.get(1));
                    }
                }, pool));
            }
            CompletableFuture.allOf(all.toArray(CompletableFuture[]::new)).get(60, TimeUnit.SECONDS);
            pool.shutdown();

            for (int q = 0; q < 4; q++) {
                int queueId = q;
                List<Long> offsets = results.values().stream().filter(p -> p.queueId() == queueId)
                        .map(PutResult::queueOffset).sorted().toList();
                assertThat(offsets).hasSize(threads * perThread * 2 / 4);
                for (int i = 0; i < offsets.size(); i++) {
                    assertThat(offsets.get(i)).isEqualTo(i);
                }
                for (QueueEntry entry : store.readQueue(TOPIC, q, 0, Integer.MAX_VALUE)) {
                    StoredMessage stored = store.read(entry).orElseThrow();
                    PutResult put = results.get(stored.record().messageId());
                    assertThat(put.queueOffset()).isEqualTo(entry.queueOffset());
                    assertThat(put.commitLogOffset()).isEqualTo(entry.commitLogOffset());
                }
            }
        }
    }

    @Test
    void shouldKeepEverythingAcrossCleanRestart() {
        List<MessageRecord> sent;
        try (LogStore store = LogStore.open(config(dir, 64 * 1024, FlushPolicy.SYNC))) {
            sent = appendAll(store, 60, 2, 2000);
            store.kv().put(KeyValueStore.Space.TOPICS, bytes("orders"), bytes("4 queues"));
        }
        try (LogStore store = LogStore.open(config(dir, 64 * 1024, FlushPolicy.SYNC))) {
            assertQueuesHold(store, sent, 2);
            assertThat(store.kv().get(KeyValueStore.Space.TOPICS, bytes("orders"))).isEqualTo(bytes("4 queues"));
            List<MessageRecord> more = appendAll(store, 10, 2, 100);
            assertThat(store.findById(TOPIC, "id-5").orElseThrow().record().body()).isEqualTo(more.get(5).body());
            assertThat(store.nextOffset(TOPIC, 0)).isEqualTo(35);
        }
    }

    @Test
    void shouldServeMoreQueuesThanItHoldsFilesOpenForAcrossRestartAndCrash() {
        int queues = 200; // each queue has a file of its own; the test config keeps four open
        List<MessageRecord> sent;
        try (LogStore store = LogStore.open(config(dir, 256 * 1024, FlushPolicy.ASYNC))) {
            sent = appendAll(store, 3 * queues, queues, 100);
            store.checkpointNow();
            assertQueuesHold(store, sent, queues);
            assertThat(store.stats().openQueueFiles()).isLessThanOrEqualTo(4);
        }
        LogStore crashed = LogStore.open(config(dir, 256 * 1024, FlushPolicy.ASYNC));
        assertQueuesHold(crashed, sent, queues);
        List<MessageRecord> more = appendAll(crashed, queues, queues, 100);
        crashed.closeWithoutCheckpoint();

        try (LogStore store = LogStore.open(config(dir, 256 * 1024, FlushPolicy.ASYNC))) {
            List<MessageRecord> all = new ArrayList<>(sent);
            all.addAll(more);
            assertQueuesHold(store, all, queues);
            assertThat(store.stats().openQueueFiles()).isLessThanOrEqualTo(4);
        }
    }

    @Test
    void shouldRebuildConsumeQueuesAfterCrash() throws IOException {
        List<MessageRecord> sent;
        LogStore crashed = LogStore.open(config(dir, 64 * 1024, FlushPolicy.ASYNC));
        sent = appendAll(crashed, 50, 3, 2000);
        crashed.closeWithoutCheckpoint();
        deleteTree(dir.resolve("consumequeue"));

        try (LogStore store = LogStore.open(config(dir, 64 * 1024, FlushPolicy.ASYNC))) {
            assertQueuesHold(store, sent, 3);
            assertThat(store.append(List.of(message(TOPIC, 0, "after", 10, random))).join().get(0).queueOffset())
                    .isEqualTo(17);
        }
    }

    @Test
    void shouldRebuildIndexesAndQueuesBeyondTheCheckpoint() throws IOException {
        LogStore crashed = LogStore.open(config(dir, 64 * 1024, FlushPolicy.ASYNC));
        List<MessageRecord> sent = new ArrayList<>(appendAll(crashed, 20, 2, 3000));
        crashed.checkpointNow();
        long checkpointed = crashed.stats().commitLogMaxOffset();
        for (int i = 20; i < 40; i++) {
            MessageRecord m = message(TOPIC, i % 2, "id-" + i, 3000, random);
            sent.add(m);
            crashed.append(List.of(m)).join();
        }
        crashed.closeWithoutCheckpoint();
        // without the queue files written after the checkpoint, only recovery can bring them back
        truncateQueueFilesTo(10);

        try (LogStore store = LogStore.open(config(dir, 64 * 1024, FlushPolicy.ASYNC))) {
            assertThat(checkpointed).isPositive();
            assertQueuesHold(store, sent, 2);
            assertSameMessage(store.findById(TOPIC, "id-33").orElseThrow().record(), sent.get(33));
            assertThat(store.findByKey(TOPIC, "key-id-38", 5)).hasSize(1);
        }
    }

    @Test
    void shouldRebuildTheIndexWhenRocksDbIsLost() throws IOException {
        LogStore crashed = LogStore.open(config(dir, 64 * 1024, FlushPolicy.ASYNC));
        List<MessageRecord> sent = appendAll(crashed, 30, 2, 1000);
        crashed.closeWithoutCheckpoint();
        deleteTree(dir.resolve("rocksdb"));

        try (LogStore store = LogStore.open(config(dir, 64 * 1024, FlushPolicy.ASYNC))) {
            assertQueuesHold(store, sent, 2);
            assertSameMessage(store.findById(TOPIC, "id-29").orElseThrow().record(), sent.get(29));
        }
    }

    @Test
    void shouldRecoverAgainAfterRecoveringOnce() throws IOException {
        LogStore crashed = LogStore.open(config(dir, 64 * 1024, FlushPolicy.ASYNC));
        List<MessageRecord> sent = appendAll(crashed, 30, 2, 1000);
        crashed.closeWithoutCheckpoint();
        LogStore recovered = LogStore.open(config(dir, 64 * 1024, FlushPolicy.ASYNC));
        recovered.closeWithoutCheckpoint();

        try (LogStore store = LogStore.open(config(dir, 64 * 1024, FlushPolicy.ASYNC))) {
            assertQueuesHold(store, sent, 2);
        }
    }

    @Test
    void shouldForgetADeletedTopicAlsoAfterCrash() {
        LogStore crashed = LogStore.open(config(dir, 64 * 1024, FlushPolicy.ASYNC));
        appendAll(crashed, 10, 2, 100);
        crashed.deleteTopic(TOPIC);
        assertThat(crashed.nextOffset(TOPIC, 0)).isZero();
        assertThat(crashed.readQueue(TOPIC, 0, 0, 10)).isEmpty();
        assertThat(crashed.findById(TOPIC, "id-1")).isEmpty();
        MessageRecord recreated = message(TOPIC, 0, "new", 10, random);
        assertThat(crashed.append(List.of(recreated)).join().get(0).queueOffset()).isZero();
        crashed.closeWithoutCheckpoint();

        try (LogStore store = LogStore.open(config(dir, 64 * 1024, FlushPolicy.ASYNC))) {
            assertThat(readQueue(store, TOPIC, 0)).hasSize(1);
            assertSameMessage(readQueue(store, TOPIC, 0).get(0), recreated);
            assertThat(store.nextOffset(TOPIC, 1)).isZero();
        }
    }

    @Test
    void shouldAnswerZeroForUnknownQueues() {
        try (LogStore store = LogStore.open(config(dir, 64 * 1024, FlushPolicy.ASYNC))) {
            assertThat(store.nextOffset("none", 3)).isZero();
            assertThat(store.firstOffset("none", 3)).isZero();
            assertThat(store.readQueue("none", 3, 0, 10)).isEmpty();
            assertThat(store.findByKey("none", "k", 10)).isEmpty();
        }
    }

    @Test
    void shouldNotifyListenersOnceEntriesAreReadable() {
        try (LogStore store = LogStore.open(config(dir, 64 * 1024, FlushPolicy.ASYNC))) {
            List<String> seen = new CopyOnWriteArrayList<>();
            store.addDispatchListener((topic, queueId, next) -> {
                assertThat(store.readQueue(topic, queueId, next - 1, 1)).hasSize(1);
                seen.add(topic + "/" + queueId + "@" + next);
            });
            store.append(List.of(message(TOPIC, 1, "a", 10, random))).join();
            assertThat(seen).containsExactly(TOPIC + "/1@1");
        }
    }

    @Test
    void shouldRejectRecordsItCannotStore() {
        try (LogStore store = LogStore.open(config(dir, 16 * 1024, FlushPolicy.ASYNC))) {
            assertReason(store.append(List.of(message(TOPIC, 0, "big", 20_000, random))),
                    StoreException.Reason.INVALID_RECORD);
            assertReason(store.append(List.of(message("../etc", 0, "x", 1, random))), StoreException.Reason.INVALID_RECORD);
            assertThat(store.nextOffset(TOPIC, 0)).isZero();
        }
    }

    @Test
    void shouldRefuseAppendsAfterClose() {
        LogStore store = LogStore.open(config(dir, 64 * 1024, FlushPolicy.ASYNC));
        store.close();
        store.close();
        assertReason(store.append(List.of(message(TOPIC, 0, "late", 10, random))), StoreException.Reason.NOT_RUNNING);
        assertThatThrownBy(() -> store.kv().get(KeyValueStore.Space.GROUPS, bytes("g")))
                .isInstanceOfSatisfying(StoreException.class,
                        e -> assertThat(e.reason()).isEqualTo(StoreException.Reason.NOT_RUNNING));
    }

    static void assertReason(CompletableFuture<?> future, StoreException.Reason reason) {
        assertThatThrownBy(future::join).hasCauseInstanceOf(StoreException.class)
                .satisfies(e -> assertThat(((StoreException) e.getCause()).reason()).isEqualTo(reason));
    }

    private void truncateQueueFilesTo(int entries) throws IOException {
        try (Stream<Path> files = Files.walk(dir.resolve("consumequeue"))) {
            for (Path file : files.filter(Files::isRegularFile).toList()) {
                try (FileChannel channel = FileChannel.open(file, StandardOpenOption.WRITE)) {
                    channel.truncate(Math.min(channel.size(), entries * 24L));
                }
            }
        }
    }

    static void deleteTree(Path root) throws IOException {
        try (Stream<Path> files = Files.walk(root)) {
            for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }

    static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

}
