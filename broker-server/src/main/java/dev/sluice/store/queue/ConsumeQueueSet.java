package dev.sluice.store.queue;

import dev.sluice.store.file.FilePool;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Stream;

/**
 * Every consume queue of the store, under {@code <dataDir>/consumequeue}. Lookups are lock-free
 * from any thread; queues are created and deleted on the writer thread only.
 */
public final class ConsumeQueueSet implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(ConsumeQueueSet.class);

    private final Path root;
    private final int entriesPerSegment;
    private final FilePool files;
    private final Map<String, Map<Integer, ConsumeQueue>> byTopic = new ConcurrentHashMap<>();

    private ConsumeQueueSet(Path root, int entriesPerSegment, FilePool files) {
        this.root = root;
        this.entriesPerSegment = entriesPerSegment;
        this.files = files;
    }

    /**
     * Opens every queue found on disk; entries pointing below {@code commitLogMinOffset} count as
     * deleted. At most {@code maxOpenFiles} queue files stay open (idle ones are closed).
     */
    public static ConsumeQueueSet load(Path root, int entriesPerSegment, int maxOpenFiles, long commitLogMinOffset)
            throws IOException {
        if (entriesPerSegment <= 0) {
            throw new IllegalArgumentException("queue segment entries must be positive: " + entriesPerSegment);
        }
        Files.createDirectories(root);
        ConsumeQueueSet set = new ConsumeQueueSet(root, entriesPerSegment, new FilePool(maxOpenFiles));
        for (Path topicDir : list(root)) {
            String topic = topicDir.getFileName().toString();
            for (Path queueDir : list(topicDir)) {
                String name = queueDir.getFileName().toString();
                if (!name.matches("\\d{1,9}")) {
                    LOG.warn("Ignoring unexpected entry {} in the consume queue directory", queueDir);
                    continue;
                }
                int queueId = Integer.parseInt(name);
                ConsumeQueue queue = ConsumeQueue.load(topic, queueId, queueDir, entriesPerSegment, set.files,
                        commitLogMinOffset);
                set.byTopic.computeIfAbsent(topic, t -> new ConcurrentHashMap<>()).put(queueId, queue);
            }
        }
        return set;
    }

    private static List<Path> list(Path dir) throws IOException {
        try (Stream<Path> entries = Files.list(dir)) {
            return entries.filter(Files::isDirectory).sorted().toList();
        }
    }

    /** The queue, or null when nothing was ever appended to it. */
    public ConsumeQueue get(String topic, int queueId) {
        Map<Integer, ConsumeQueue> queues = byTopic.get(topic);
        return queues == null ? null : queues.get(queueId);
    }

    /** Writer thread: the queue, created empty if needed (its directory appears on first publish). */
    public ConsumeQueue getOrCreate(String topic, int queueId) {
        // every append asks: a plain get finds an existing queue without computeIfAbsent's lock on a shared bin
        Map<Integer, ConsumeQueue> queues = byTopic.get(topic);
        ConsumeQueue queue = queues == null ? null : queues.get(queueId);
        if (queue != null) {
            return queue;
        }
        return byTopic.computeIfAbsent(topic, t -> new ConcurrentHashMap<>()).computeIfAbsent(queueId,
                id -> ConsumeQueue.create(topic, id, root.resolve(topic).resolve(Integer.toString(id)),
                        entriesPerSegment, files));
    }

    /** Queue files open now. */
    public int openFiles() {
        return files.openCount();
    }

    public Iterable<ConsumeQueue> all() {
        return () -> byTopic.values().stream().flatMap(queues -> queues.values().stream()).iterator();
    }

    /** Writer thread: forgets the topic's queues and deletes their files. */
    public void deleteTopic(String topic) throws IOException {
        Map<Integer, ConsumeQueue> queues = byTopic.remove(topic);
        if (queues == null) {
            return;
        }
        for (ConsumeQueue queue : queues.values()) {
            queue.delete();
        }
        Files.deleteIfExists(root.resolve(topic));
    }

    /** Flusher thread: forces every queue file written since the last call. */
    public void forceDirty() throws IOException {
        for (ConsumeQueue queue : all()) {
            queue.forceDirty();
        }
    }

    @Override
    public void close() throws IOException {
        for (ConsumeQueue queue : all()) {
            queue.close();
        }
    }
}
