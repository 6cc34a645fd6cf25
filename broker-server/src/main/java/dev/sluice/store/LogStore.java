package dev.sluice.store;

import dev.sluice.store.commitlog.CommitLog;
import dev.sluice.store.commitlog.CorruptRecordException;
import dev.sluice.store.commitlog.DecodedRecord;
import dev.sluice.store.commitlog.RecordCodec;
import dev.sluice.store.commitlog.RecordFormat;
import dev.sluice.store.index.MessageIndex;
import dev.sluice.store.kv.RocksKeyValueStore;
import dev.sluice.store.kv.RocksStore;
import dev.sluice.store.queue.ConsumeQueue;
import dev.sluice.store.queue.ConsumeQueueSet;
import dev.sluice.store.retention.DiskUsage;
import dev.sluice.store.retention.RetentionService;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The {@link MessageStore}: a segmented commit log written by one {@link AppendWorker} thread,
 * consume queues and RocksDB indexes derived from it, {@link Recovery} on open, a periodic
 * {@link Flusher} and {@link RetentionService}.
 *
 * <p>Files under the data directory: {@code commitlog/}, {@code consumequeue/<topic>/<queueId>/},
 * {@code rocksdb/}. A record whose bytes fail their CRC on read is logged and reported as absent,
 * so one damaged record cannot stall a queue.
 */
public final class LogStore implements MessageStore {

    private static final Logger LOG = LoggerFactory.getLogger(LogStore.class);
    private static final Duration RETENTION_CHECK_INTERVAL = Duration.ofSeconds(1);
    private static final int MAX_TOPIC_CHARS = 200;

    private final StoreConfig config;
    private final RocksStore rocks;
    private final RocksKeyValueStore kv;
    private final MessageIndex index;
    private final CommitLog commitLog;
    private final ConsumeQueueSet queues;
    private final Dispatcher dispatcher;
    private final AppendWorker worker;
    private final Flusher flusher;
    private final RetentionService retention;
    private final DiskUsage disk;
    private final ScheduledExecutorService scheduler;
    private final AtomicBoolean closed = new AtomicBoolean();
    private volatile RetentionGuard retentionGuard = RetentionGuard.NONE;
    private volatile Future<Void> retentionRun = CompletableFuture.completedFuture(null);

    private LogStore(StoreConfig config, DiskUsage disk, RocksStore rocks, CommitLog commitLog,
                     ConsumeQueueSet queues) {
        this.config = config;
        this.disk = disk;
        this.rocks = rocks;
        this.kv = new RocksKeyValueStore(rocks, config.flushPolicy() == FlushPolicy.SYNC);
        this.index = new MessageIndex(rocks, config.recentIdWindow(), System.currentTimeMillis());
        this.commitLog = commitLog;
        this.queues = queues;
        this.dispatcher = new Dispatcher(index, rocks);
        this.retention = new RetentionService(commitLog, queues, disk, () -> retentionGuard, index::dropStoredBefore,
                config.retention(), config.diskSoftWatermark(), config.diskHardWatermark(), Clock.systemUTC());
        this.worker = new AppendWorker(commitLog, queues, dispatcher, config.flushPolicy(), retention::diskFull);
        Checkpoint checkpoint = new Checkpoint(rocks);
        this.flusher = new Flusher(commitLog, queues, dispatcher, checkpoint, worker);
        this.scheduler = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread thread = new Thread(r, "sluice-store-flusher");
            thread.setDaemon(true);
            return thread;
        });
    }

    public static LogStore open(StoreConfig config) {
        try {
            Files.createDirectories(config.dataDir());
        } catch (IOException e) {
            throw new StoreException(StoreException.Reason.IO_ERROR, "cannot create " + config.dataDir(), e);
        }
        return open(config, DiskUsage.of(config.dataDir()));
    }

    /** Opens the store, recovering it if it was not closed cleanly; {@code disk} reports disk usage. */
    public static LogStore open(StoreConfig config, DiskUsage disk) {
        RocksStore rocks = RocksStore.open(config.dataDir().resolve("rocksdb"));
        CommitLog commitLog = null;
        ConsumeQueueSet queues = null;
        try {
            commitLog = CommitLog.open(config.dataDir().resolve("commitlog"), config.segmentBytes());
            queues = ConsumeQueueSet.load(config.dataDir().resolve("consumequeue"), config.queueSegmentEntries(),
                    config.maxOpenQueueFiles(), commitLog.minOffset());
            LogStore store = new LogStore(config, disk, rocks, commitLog, queues);
            new Recovery(commitLog, queues, store.index, store.dispatcher, new Checkpoint(rocks)).run();
            store.start();
            return store;
        } catch (IOException | RuntimeException e) {
            closeQuietly(queues, commitLog, rocks);
            throw e instanceof StoreException se ? se
                    : new StoreException(StoreException.Reason.IO_ERROR, "cannot open the store in " + config.dataDir(), e);
        }
    }

    private static void closeQuietly(AutoCloseable... resources) {
        for (AutoCloseable resource : resources) {
            if (resource == null) {
                continue;
            }
            try {
                resource.close();
            } catch (Exception e) {
                LOG.warn("Closing {} after a failed open failed too", resource, e);
            }
        }
    }

    private void start() throws IOException {
        retention.runOnce();
        worker.start();
        long flushMillis = config.asyncFlushInterval().toMillis();
        scheduler.scheduleWithFixedDelay(() -> logFailure("flush", flusher::flush), flushMillis, flushMillis,
                TimeUnit.MILLISECONDS);
        long checkpointMillis = config.checkpointInterval().toMillis();
        scheduler.scheduleWithFixedDelay(() -> logFailure("checkpoint", flusher::checkpoint), checkpointMillis,
                checkpointMillis, TimeUnit.MILLISECONDS);
        long retentionMillis = RETENTION_CHECK_INTERVAL.toMillis();
        scheduler.scheduleWithFixedDelay(this::scheduleRetention, retentionMillis, retentionMillis,
                TimeUnit.MILLISECONDS);
    }

    private void scheduleRetention() {
        if (retentionRun.isDone()) {
            retentionRun = worker.runOnWriter(retention::runOnce).whenComplete((ok, error) -> {
                if (error != null && !closed.get()) {
                    LOG.error("Retention run failed", error);
                }
            });
        }
    }

    private static void logFailure(String what, Runnable task) {
        try {
            task.run();
        } catch (RuntimeException e) {
            LOG.error("Store {} failed", what, e);
        }
    }

    @Override
    public CompletableFuture<List<PutResult>> append(List<MessageRecord> records) {
        if (records.isEmpty()) {
            return CompletableFuture.completedFuture(List.of());
        }
        StoreException refusal = refusal();
        if (refusal != null) {
            return CompletableFuture.failedFuture(refusal);
        }
        List<byte[]> payloads = new ArrayList<>(records.size());
        try {
            for (MessageRecord record : records) {
                payloads.add(encode(record));
            }
        } catch (StoreException e) {
            return CompletableFuture.failedFuture(e);
        }
        CompletableFuture<List<PutResult>> result = new CompletableFuture<>();
        worker.submit(new AppendWorker.Append(List.copyOf(records), payloads, result));
        return result;
    }

    private StoreException refusal() {
        if (closed.get()) {
            return new StoreException(StoreException.Reason.NOT_RUNNING, "the store is closed");
        }
        if (worker.failure() != null) {
            return worker.failure();
        }
        if (retention.diskFull()) {
            return new StoreException(StoreException.Reason.DISK_FULL, "disk usage is past the hard watermark");
        }
        return null;
    }

    private byte[] encode(MessageRecord record) {
        String topic = record.topic();
        if (topic.isEmpty() || topic.length() > MAX_TOPIC_CHARS || topic.equals(".") || topic.equals("..")
                || topic.indexOf('/') >= 0 || topic.indexOf('\\') >= 0 || topic.indexOf('\0') >= 0) {
            throw invalid("topic '" + topic + "' cannot name a directory");
        }
        if (record.queueId() < 0) {
            throw invalid("negative queue id " + record.queueId());
        }
        if (record.keys().stream().anyMatch(key -> key.indexOf('\0') >= 0)) {
            throw invalid("message keys must not contain NUL");
        }
        byte[] payload = RecordCodec.encode(record);
        if (payload.length > commitLog.maxPayloadBytes()) {
            throw invalid("record of " + payload.length + " bytes does not fit a commit-log segment of "
                    + config.segmentBytes() + " bytes");
        }
        return payload;
    }

    private static StoreException invalid(String message) {
        return new StoreException(StoreException.Reason.INVALID_RECORD, message);
    }

    @Override
    public long nextOffset(String topic, int queueId) {
        ConsumeQueue queue = queues.get(topic, queueId);
        return queue == null ? 0 : queue.nextOffset();
    }

    @Override
    public long firstOffset(String topic, int queueId) {
        ConsumeQueue queue = queues.get(topic, queueId);
        return queue == null ? 0 : queue.firstOffset();
    }

    @Override
    public List<QueueEntry> readQueue(String topic, int queueId, long fromOffset, int max) {
        ConsumeQueue queue = queues.get(topic, queueId);
        if (queue == null) {
            return List.of();
        }
        try {
            return queue.read(fromOffset, max);
        } catch (UncheckedIOException e) {
            throw new StoreException(StoreException.Reason.IO_ERROR, "reading queue " + topic + "/" + queueId, e);
        }
    }

    @Override
    public Optional<StoredMessage> read(QueueEntry entry) {
        return readAt(entry.commitLogOffset(), entry.size());
    }

    private Optional<StoredMessage> readAt(long commitLogOffset, int frameBytes) {
        Optional<DecodedRecord> record;
        try {
            record = commitLog.read(commitLogOffset, frameBytes);
        } catch (CorruptRecordException e) {
            LOG.error("Skipping a damaged commit-log record: {}", e.getMessage());
            return Optional.empty();
        } catch (UncheckedIOException e) {
            throw new StoreException(StoreException.Reason.IO_ERROR, "reading the commit log at " + commitLogOffset, e);
        }
        return record.map(r -> new StoredMessage(r.message(), r.queueOffset(), commitLogOffset, frameBytes,
                r.storeTimestamp()));
    }

    @Override
    public Optional<StoredMessage> findById(String topic, String messageId) {
        return readIndexed(index.findById(topic, messageId), topic, messageId);
    }

    @Override
    public Optional<StoredMessage> findRecentById(String topic, String messageId) {
        return readIndexed(index.findRecentById(topic, messageId, System.currentTimeMillis()), topic, messageId);
    }

    /** The index may point at bytes reused after a crash cut the log: check what is read there. */
    private Optional<StoredMessage> readIndexed(Optional<MessageIndex.Location> location, String topic,
                                                String messageId) {
        return location.flatMap(l -> readAt(l.commitLogOffset(), l.frameBytes()))
                .filter(m -> m.record().topic().equals(topic) && m.record().messageId().equals(messageId));
    }

    @Override
    public boolean mightHoldRecentId(String topic, String messageId) {
        return index.mightHoldRecent(topic, messageId);
    }

    @Override
    public List<StoredMessage> findByKey(String topic, String key, int max) {
        List<StoredMessage> found = new ArrayList<>();
        if (max <= 0) {
            return found;
        }
        index.forEachByKey(topic, key, location -> {
            readAt(location.commitLogOffset(), location.frameBytes())
                    .filter(m -> m.record().topic().equals(topic) && m.record().keys().contains(key))
                    .ifPresent(found::add);
            return found.size() < max;
        });
        return found;
    }

    @Override
    public void addDispatchListener(DispatchListener listener) {
        dispatcher.addListener(listener);
    }

    @Override
    public void setRetentionGuard(RetentionGuard guard) {
        retentionGuard = guard == null ? RetentionGuard.NONE : guard;
    }

    /**
     * Deletes the topic's consume queues and index entries on the writer thread. A durable
     * marker keeps recovery from rebuilding them from records still in the commit log.
     */
    @Override
    public void deleteTopic(String topic) {
        Checkpoint checkpoint = new Checkpoint(rocks);
        join(worker.runOnWriter(() -> {
            checkpoint.markTopicDeleted(topic, commitLog.writtenEnd());
            index.deleteTopic(topic);
            queues.deleteTopic(topic);
        }), "deleting topic " + topic);
    }

    /** Runs a retention pass now on the writer thread and waits for it. */
    void runRetention() {
        join(worker.runOnWriter(retention::runOnce), "retention");
    }

    /** Writes the consume queues out, forces everything and writes a checkpoint now. */
    void checkpointNow() {
        flusher.checkpoint();
    }

    /** Segments deleted although a consumer still needed them, because the disk was past the hard watermark. */
    public long forcedSegmentDeletions() {
        return retention.forcedDeletions();
    }

    private static void join(CompletableFuture<Void> future, String what) {
        try {
            future.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new StoreException(StoreException.Reason.NOT_RUNNING, "interrupted while " + what, e);
        } catch (ExecutionException | CompletionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof StoreException se) {
                throw se;
            }
            throw new StoreException(StoreException.Reason.IO_ERROR, what + " failed", cause);
        }
    }

    @Override
    public KeyValueStore kv() {
        return kv;
    }

    @Override
    public StoreStats stats() {
        return new StoreStats(commitLog.minOffset(), commitLog.writtenEnd(), disk.usedBytes(), disk.freeBytes(),
                commitLog.segmentCount(), commitLog.flushes(), commitLog.flushNanos(), queues.openFiles());
    }

    @Override
    public long indexMemoryBytes() {
        return rocks.memoryBytes();
    }

    @Override
    public Optional<StoreException> failure() {
        return Optional.ofNullable(worker.failure());
    }

    /** Stops accepting, finishes queued appends, flushes, writes the checkpoint and closes. Idempotent. */
    @Override
    public void close() {
        shutDown(true);
    }

    /**
     * Test hook that looks like kill -9 to the next open: queued work finishes into the page
     * cache, but nothing is forced, queue entries still held in memory are lost and no checkpoint
     * is written.
     */
    void closeWithoutCheckpoint() {
        shutDown(false);
    }

    private void shutDown(boolean clean) {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        // no shutdownNow: an interrupt inside force() would close the segment's channel
        scheduler.shutdown();
        try {
            scheduler.awaitTermination(1, TimeUnit.MINUTES);
            worker.stop();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            LOG.warn("Interrupted while stopping the store; closing without a final flush");
            clean = false;
        }
        if (clean) {
            flusher.finalCheckpoint();
        }
        dispatcher.close();
        closeQuietly(kv, queues, commitLog, rocks);
    }
}
