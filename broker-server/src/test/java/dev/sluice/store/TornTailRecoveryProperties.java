package dev.sluice.store;

import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;

import static dev.sluice.store.TestMessages.assertSameMessage;
import static dev.sluice.store.TestMessages.config;
import static dev.sluice.store.TestMessages.message;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Damages the tail of the active commit-log segment (a cut, or garbage over a range) and checks
 * that recovery serves exactly the records wholly before the first changed byte, continues the
 * queue offsets right after them, and comes back the same on a second restart.
 */
class TornTailRecoveryProperties {

    private static final String TOPIC = "torn";
    private static final int QUEUES = 3;
    private static final long SEGMENT_BYTES = 8 * 1024;

    private record Written(MessageRecord message, long commitLogOffset, int frameBytes) {
    }

    @Property(tries = 50)
    void recoveryServesExactlyTheRecordsBeforeTheDamage(@ForAll @IntRange(min = 1, max = 30) int count,
                                                        @ForAll @IntRange(min = 0, max = 1100) int damagePermille,
                                                        @ForAll boolean garbage,
                                                        @ForAll long seed) throws IOException {
        Path dir = Files.createTempDirectory("torn-tail");
        try {
            Random random = new Random(seed);
            List<Written> written = writeAndClose(dir, count, random);
            long firstDamage = damageActiveSegment(dir, damagePermille, garbage, random);
            List<Written> survivors = written.stream()
                    .filter(w -> w.commitLogOffset() + w.frameBytes() <= firstDamage).toList();

            List<List<QueueEntry>> afterFirstOpen;
            try (LogStore store = LogStore.open(config(dir, SEGMENT_BYTES, FlushPolicy.ASYNC))) {
                assertServesExactly(store, survivors);
                for (Written lost : written.subList(survivors.size(), written.size())) {
                    assertThat(store.findById(TOPIC, lost.message().messageId())).isEmpty();
                }
                for (int q = 0; q < QUEUES; q++) {
                    int queueId = q;
                    long expectedNext = survivors.stream().filter(w -> w.message().queueId() == queueId).count();
                    MessageRecord next = message(TOPIC, q, "after-" + q, 50, random);
                    assertThat(store.append(List.of(next)).join().get(0).queueOffset()).isEqualTo(expectedNext);
                    List<QueueEntry> entries = store.readQueue(TOPIC, q, expectedNext, 10);
                    assertThat(entries).hasSize(1);
                    assertSameMessage(store.read(entries.get(0)).orElseThrow().record(), next);
                }
                afterFirstOpen = allEntries(store);
            }
            try (LogStore store = LogStore.open(config(dir, SEGMENT_BYTES, FlushPolicy.ASYNC))) {
                assertThat(allEntries(store)).isEqualTo(afterFirstOpen);
                assertServesExactly(store, survivors);
            }
        } finally {
            LogStoreTest.deleteTree(dir);
        }
    }

    private static List<Written> writeAndClose(Path dir, int count, Random random) {
        List<Written> written = new ArrayList<>();
        try (LogStore store = LogStore.open(config(dir, SEGMENT_BYTES, FlushPolicy.ASYNC))) {
            for (int i = 0; i < count; i++) {
                MessageRecord m = message(TOPIC, random.nextInt(QUEUES), "m-" + i, random.nextInt(900), random);
                PutResult put = store.append(List.of(m)).join().get(0);
                QueueEntry entry = store.readQueue(TOPIC, m.queueId(), put.queueOffset(), 1).get(0);
                written.add(new Written(m, put.commitLogOffset(), entry.size()));
            }
        }
        return written;
    }

    /**
     * Cuts the active segment, or overwrites a range of it with random bytes, at a position
     * spread over its written part and a little beyond.
     *
     * @return the commit-log offset of the first byte that differs from what was written
     */
    private static long damageActiveSegment(Path dir, int damagePermille, boolean garbage, Random random)
            throws IOException {
        Path active;
        try (Stream<Path> files = Files.list(dir.resolve("commitlog"))) {
            active = files.max(Path::compareTo).orElseThrow();
        }
        long base = Long.parseLong(active.getFileName().toString());
        byte[] original = Files.readAllBytes(active);
        int used = original.length;
        while (used > 0 && original[used - 1] == 0) {
            used--;
        }
        int position = (int) Math.min(original.length - 1, (long) used * damagePermille / 1000);
        byte[] damaged = original.clone();
        try (FileChannel channel = FileChannel.open(active, StandardOpenOption.WRITE)) {
            if (garbage) {
                byte[] noise = new byte[Math.min(1 + random.nextInt(300), original.length - position)];
                random.nextBytes(noise);
                System.arraycopy(noise, 0, damaged, position, noise.length);
                channel.write(ByteBuffer.wrap(noise), position);
            } else {
                Arrays.fill(damaged, position, damaged.length, (byte) 0);
                channel.truncate(position);
            }
        }
        for (int i = 0; i < original.length; i++) {
            if (original[i] != damaged[i]) {
                return base + i;
            }
        }
        return Long.MAX_VALUE;
    }

    private static void assertServesExactly(LogStore store, List<Written> survivors) {
        for (int q = 0; q < QUEUES; q++) {
            int queueId = q;
            List<Written> expected = survivors.stream().filter(w -> w.message().queueId() == queueId).toList();
            List<QueueEntry> entries = store.readQueue(TOPIC, q, 0, expected.size());
            assertThat(entries).hasSize(expected.size());
            for (int i = 0; i < expected.size(); i++) {
                assertThat(entries.get(i).queueOffset()).isEqualTo(i);
                assertThat(entries.get(i).commitLogOffset()).isEqualTo(expected.get(i).commitLogOffset());
                assertSameMessage(store.read(entries.get(i)).orElseThrow().record(), expected.get(i).message());
            }
        }
        for (Written survivor : survivors) {
            assertSameMessage(store.findById(TOPIC, survivor.message().messageId()).orElseThrow().record(),
                    survivor.message());
        }
    }

    private static List<List<QueueEntry>> allEntries(LogStore store) {
        List<List<QueueEntry>> all = new ArrayList<>();
        for (int q = 0; q < QUEUES; q++) {
            all.add(store.readQueue(TOPIC, q, 0, 1000));
        }
        return all;
    }
}
