package dev.sluice.broker.pop;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.broker.BrokerException;
import dev.sluice.broker.RetryPolicy;
import dev.sluice.broker.TagFilter;
import dev.sluice.broker.TestMessages;
import dev.sluice.broker.TestStores;
import dev.sluice.broker.history.DeliveryHistory;
import dev.sluice.store.LogStore;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.Stream;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;

/**
 * The retry bookkeeping of one queue under random orders of deliveries, acks, nacks, timeouts
 * and crashes (reloading the state from disk, forgetting everything in memory). Whatever
 * happens: attempts only grow, each message ends acked or dead-lettered exactly once, never
 * both, and nothing is delivered after it ended.
 */
class RetryStateMachineProperties {

    private static final int MAX_ATTEMPTS = 4;
    private static final long INVISIBLE = 1_000;
    private static final QueueKey KEY = new QueueKey("g", "t", 0);

    private enum Outcome { ACKED, DEAD_LETTERED }

    @Property(tries = 40)
    void everyMessageEndsAckedOrDeadLetteredExactlyOnce(@ForAll @IntRange(min = 1, max = 12) int messages,
                                                        @ForAll long seed) throws IOException {
        Path dir = Files.createTempDirectory("retry-property");
        try (LogStore store = TestStores.open(dir)) {
            for (int i = 0; i < messages; i++) {
                store.append(List.of(TestMessages.normal("t", "m" + i, "A"))).join();
            }
            new Run(store, seed).play(messages);
        } finally {
            deleteRecursively(dir);
        }
    }

    private static final class Run {
        private final LogStore store;
        private final Random random;
        private final DeliveryHistory history;
        private QueueConsumerState state;
        private long now = 1_000_000;
        private final Map<Long, Integer> lastAttempt = new HashMap<>();
        private final Map<Long, Outcome> outcomes = new HashMap<>();
        private final List<Claim> held = new ArrayList<>();
        private final List<DeadLetter> moving = new ArrayList<>();

        Run(LogStore store, long seed) {
            this.store = store;
            this.random = new Random(seed);
            this.history = new DeliveryHistory(store.kv());
            reload();
        }

        private void reload() {
            state = new ConsumerProgress(store, store.kv(), history).get(KEY);
            held.clear();
            moving.clear();
        }

        void play(int messages) {
            for (int step = 0; step < 200; step++) {
                switch (random.nextInt(7)) {
                    case 0, 1 -> pop();
                    case 2 -> ack();
                    case 3 -> nack();
                    case 4 -> now += random.nextInt(1_500);
                    case 5 -> finishDeadLetters();
                    default -> {
                        if (random.nextInt(5) == 0) {
                            reload();
                        }
                    }
                }
            }
            for (int round = 0; round < 200 && outcomes.size() < messages; round++) {
                now += INVISIBLE + 1;
                pop();
                finishDeadLetters();
                while (!held.isEmpty()) {
                    ackAt(0);
                }
            }
            assertThat(outcomes).hasSize(messages);
        }

        private void pop() {
            PopRequest request = new PopRequest(1 + random.nextInt(4), TagFilter.ALL, INVISIBLE, 0, "c",
                    MAX_ATTEMPTS, false, RetryPolicy.DEFAULT, "");
            PopResult result = state.pop(request, now);
            for (Claim claim : result.claims()) {
                long offset = claim.message().queueOffset();
                assertThat(outcomes).as("delivered after it ended").doesNotContainKey(offset);
                int previous = lastAttempt.getOrDefault(offset, 0);
                assertThat(claim.delivery().attempt()).as("attempts grow by one").isEqualTo(previous + 1);
                assertThat(claim.delivery().attempt()).isLessThanOrEqualTo(MAX_ATTEMPTS);
                lastAttempt.put(offset, claim.delivery().attempt());
                held.add(claim);
            }
            for (DeadLetter letter : result.deadLetters()) {
                assertThat(outcomes).doesNotContainKey(letter.message().queueOffset());
                assertThat(letter.attempts()).isEqualTo(MAX_ATTEMPTS);
                moving.add(letter);
            }
        }

        private void ack() {
            if (!held.isEmpty()) {
                ackAt(random.nextInt(held.size()));
            }
        }

        private void ackAt(int index) {
            Claim claim = held.remove(index);
            long offset = claim.message().queueOffset();
            boolean current = claim.delivery().deadline() > now && lastAttempt.get(offset) == claim.delivery().attempt()
                    && !outcomes.containsKey(offset);
            try {
                state.ack(claim.handle(), now).join();
                assertThat(current).as("ack of a stale or expired delivery accepted").isTrue();
                end(offset, Outcome.ACKED);
            } catch (BrokerException e) {
                assertThat(current).as("ack of the current delivery refused: " + e.getMessage()).isFalse();
            }
        }

        private void nack() {
            if (held.isEmpty()) {
                return;
            }
            Claim claim = held.remove(random.nextInt(held.size()));
            try {
                state.changeInvisible(claim.handle(), now, random.nextInt(500), false);
            } catch (BrokerException e) {
                assertThat(claim.delivery().deadline() <= now
                        || lastAttempt.get(claim.message().queueOffset()) != claim.delivery().attempt()).isTrue();
            }
        }

        private void finishDeadLetters() {
            for (DeadLetter letter : moving) {
                if (!outcomes.containsKey(letter.message().queueOffset())) {
                    state.deadLettered(letter, now);
                    end(letter.message().queueOffset(), Outcome.DEAD_LETTERED);
                }
            }
            moving.clear();
        }

        private void end(long offset, Outcome outcome) {
            Outcome before = outcomes.put(offset, outcome);
            assertThat(before).as("message " + offset + " ended twice").isNull();
        }
    }

    private static void deleteRecursively(Path dir) throws IOException {
        try (Stream<Path> paths = Files.walk(dir)) {
            paths.sorted(Comparator.reverseOrder()).forEach(p -> {
                try {
                    Files.delete(p);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
        }
    }
}
