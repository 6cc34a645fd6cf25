package dev.sluice.store.kv;

import dev.sluice.store.StoreException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class GroupCommitTest {

    @TempDir
    Path dir;

    @Test
    void shouldFailEveryCallerInsteadOfHangingThemOnceAnErrorStoppedTheWriter() throws Exception {
        try (RocksStore rocks = RocksStore.open(dir); GroupCommit commit = new GroupCommit(rocks, false, "test-writer")) {
            byte[] key = "k".getBytes(StandardCharsets.UTF_8);
            commit.submit(batch -> batch.put(rocks.handle(Family.TIMERS), key, key)).get(10, TimeUnit.SECONDS);

            CompletableFuture<Void> fatal = commit.submit(batch -> {
                throw new StackOverflowError("simulated");
            });

            assertThatThrownBy(() -> fatal.get(10, TimeUnit.SECONDS)).hasCauseInstanceOf(StackOverflowError.class);
            // refused at once once the writer marked itself stopped, failed by it if queued just before
            assertThatThrownBy(() -> commit.submit(batch -> batch.put(rocks.handle(Family.TIMERS), key, key))
                    .get(10, TimeUnit.SECONDS))
                    .satisfiesAnyOf(
                            e -> assertThat(e).isInstanceOfSatisfying(StoreException.class,
                                    s -> assertThat(s.reason()).isEqualTo(StoreException.Reason.NOT_RUNNING)),
                            e -> assertThat(e).hasCauseInstanceOf(StoreException.class));
            assertThat(rocks.get(Family.TIMERS, key)).isEqualTo(key);
        }
    }

    @Test
    void shouldLetAWaitingCallerWriteItselfWhenIdleAndQueueItBehindAGroupBeingWritten() throws Exception {
        try (RocksStore rocks = RocksStore.open(dir); GroupCommit commit = new GroupCommit(rocks, false, "test-writer")) {
            List<String> applied = new CopyOnWriteArrayList<>();
            commit.write(batch -> applied.add("idle on " + Thread.currentThread().getName()));
            assertThat(applied).containsExactly("idle on " + Thread.currentThread().getName());

            CountDownLatch writing = new CountDownLatch(1);
            CountDownLatch release = new CountDownLatch(1);
            CompletableFuture<Void> slow = commit.submit(batch -> {
                writing.countDown();
                awaitRelease(release);
                applied.add("slow group");
            });
            assertThat(writing.await(10, TimeUnit.SECONDS)).isTrue();
            CompletableFuture<Void> waiting = CompletableFuture.runAsync(
                    () -> commit.write(batch -> applied.add("after it on " + Thread.currentThread().getName())));
            Thread.sleep(100);
            assertThat(waiting).as("must not overtake the group being written").isNotDone();

            release.countDown();
            slow.get(10, TimeUnit.SECONDS);
            waiting.get(10, TimeUnit.SECONDS);
            assertThat(applied).endsWith("slow group", "after it on test-writer");
        }
    }

    private static void awaitRelease(CountDownLatch release) {
        try {
            assertThat(release.await(10, TimeUnit.SECONDS)).isTrue();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
