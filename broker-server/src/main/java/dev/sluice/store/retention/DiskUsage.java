package dev.sluice.store.retention;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.FileStore;
import java.nio.file.Files;
import java.nio.file.Path;

/** How full the disk holding the data directory is. Injectable so tests can fake a full disk. */
public interface DiskUsage {

    long totalBytes();

    long freeBytes();

    default long usedBytes() {
        return totalBytes() - freeBytes();
    }

    default double usedFraction() {
        long total = totalBytes();
        return total <= 0 ? 0 : (double) usedBytes() / total;
    }

    /** The real file system {@code dir} lives on. */
    static DiskUsage of(Path dir) {
        FileStore store;
        try {
            store = Files.getFileStore(dir);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot find the file system of " + dir, e);
        }
        return new DiskUsage() {
            @Override
            public long totalBytes() {
                try {
                    return store.getTotalSpace();
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            }

            @Override
            public long freeBytes() {
                try {
                    return store.getUsableSpace();
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            }
        };
    }
}
