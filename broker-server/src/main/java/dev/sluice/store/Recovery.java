package dev.sluice.store;

import dev.sluice.store.commitlog.CommitLog;
import dev.sluice.store.index.MessageIndex;
import dev.sluice.store.queue.ConsumeQueue;
import dev.sluice.store.queue.ConsumeQueueSet;
import org.rocksdb.RocksDBException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.util.List;
import java.util.Map;
import java.util.stream.StreamSupport;

/**
 * Brings consume queues and indexes back in line with the commit log when the store opens.
 *
 * <ol>
 *   <li>Finish topic deletions a crash interrupted.</li>
 *   <li>Drop queue entries at or after the checkpoint: they are rebuilt from the log.</li>
 *   <li>Scan the commit log from the checkpoint's segment, cutting it at the first invalid
 *   record, and dispatch every valid record at or after the checkpoint again, each at the queue
 *   offset stamped in it. Offsets therefore continue right after the last valid record.</li>
 *   <li>Drop queue entries pointing past the cut, force, and move the checkpoint to the end.</li>
 * </ol>
 * Every step can be repeated, so a crash during recovery is recovered from by recovering again.
 */
final class Recovery {

    private static final Logger LOG = LoggerFactory.getLogger(Recovery.class);
    private static final int RECORDS_PER_DISPATCH = 1024;

    private final CommitLog commitLog;
    private final ConsumeQueueSet queues;
    private final MessageIndex index;
    private final Dispatcher dispatcher;
    private final Checkpoint checkpoint;

    Recovery(CommitLog commitLog, ConsumeQueueSet queues, MessageIndex index, Dispatcher dispatcher,
             Checkpoint checkpoint) {
        this.commitLog = commitLog;
        this.queues = queues;
        this.index = index;
        this.dispatcher = dispatcher;
        this.checkpoint = checkpoint;
    }

    /** @return the end of the valid commit log */
    long run() throws IOException {
        long from = checkpoint.dispatchedUpTo();
        Map<String, Long> deletedTopics = checkpoint.deletedTopics();
        finishTopicDeletions(deletedTopics);
        for (ConsumeQueue queue : queues.all()) {
            queue.truncateFrom(from);
        }
        long[] dispatched = {0};
        long end = commitLog.recover(from, (offset, frameBytes, record) -> {
            MessageRecord message = record.message();
            Long deletedBelow = deletedTopics.get(message.topic());
            if (deletedBelow != null && offset < deletedBelow) {
                return;
            }
            ConsumeQueue queue = queues.getOrCreate(message.topic(), message.queueId());
            if (record.queueOffset() < queue.pendingNextOffset()) {
                LOG.warn("Commit log record at {} repeats offset {} of {}/{}; not dispatched", offset,
                        record.queueOffset(), message.topic(), message.queueId());
                return;
            }
            try {
                dispatcher.add(queue, record.queueOffset(), offset, frameBytes, message, record.storeTimestamp());
            } catch (RocksDBException e) {
                throw new IOException("indexing during recovery failed", e);
            }
            if (++dispatched[0] % RECORDS_PER_DISPATCH == 0) {
                dispatcher.commit(offset + frameBytes);
            }
        });
        dispatcher.commit(end);
        // each queue writes the entries it holds in memory first
        for (ConsumeQueue queue : queues.all()) {
            queue.truncateFrom(end);
        }
        commitLog.forceActive();
        queues.forceDirty();
        checkpoint.write(end);
        LOG.info("Recovered the commit log up to {}: {} records dispatched again from the checkpoint at {}", end,
                dispatched[0], from);
        return end;
    }

    /**
     * A deletion marker whose topic still has queue entries from before the marker means the
     * crash came in the middle of deleting it (index entries go first, queue files last).
     */
    private void finishTopicDeletions(Map<String, Long> deletedTopics) throws IOException {
        for (Map.Entry<String, Long> deleted : deletedTopics.entrySet()) {
            String topic = deleted.getKey();
            List<ConsumeQueue> topicQueues = StreamSupport.stream(queues.all().spliterator(), false)
                    .filter(q -> q.topic().equals(topic)).toList();
            boolean stale = topicQueues.stream().anyMatch(q -> q.read(q.firstOffset(), 1).stream()
                    .anyMatch(e -> e.commitLogOffset() < deleted.getValue()));
            if (stale) {
                LOG.info("Finishing the deletion of topic {} interrupted by a crash", topic);
                index.deleteTopic(topic);
                queues.deleteTopic(topic);
            }
        }
    }
}
