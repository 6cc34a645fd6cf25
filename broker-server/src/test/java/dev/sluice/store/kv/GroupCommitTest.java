package dev.sluice.store.kv;

import dev.sluice.store.StoreException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
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
}
