package dev.sluice.broker;

import dev.sluice.store.LogStore;
import dev.sluice.store.StoreConfig;
import java.nio.file.Path;
import java.time.Duration;

/** Real stores in a test's temp dir, with small segments so tests stay light. */
public final class TestStores {

    private TestStores() {
    }

    public static LogStore open(Path dir) {
        return open(dir, StoreConfig.defaults(dir).recentIdWindow());
    }

    /** A store whose in-memory recent-id filters cover {@code recentIdWindow} (the broker's dedup window). */
    public static LogStore open(Path dir, Duration recentIdWindow) {
        StoreConfig d = StoreConfig.defaults(dir);
        return LogStore.open(new StoreConfig(dir, 1 << 20, d.flushPolicy(), d.asyncFlushInterval(),
                d.checkpointInterval(), d.retention(),
                d.diskSoftWatermark(), d.diskHardWatermark(), 1000, d.maxOpenQueueFiles(), recentIdWindow));
    }
}
