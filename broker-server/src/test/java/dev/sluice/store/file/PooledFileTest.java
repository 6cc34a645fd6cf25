package dev.sluice.store.file;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedByInterruptException;
import java.nio.channels.ClosedChannelException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

class PooledFileTest {

    private static final int BLOCK = 64;

    @TempDir
    Path dir;

    private List<PooledFile> files(FilePool pool, int count) {
        List<PooledFile> files = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            files.add(new PooledFile(dir.resolve("f" + i), pool));
        }
        return files;
    }

    /** Block {@code block} of file {@code file} filled with a byte only that pair has. */
    private static ByteBuffer block(int file, int block) {
        byte[] bytes = new byte[BLOCK];
        java.util.Arrays.fill(bytes, (byte) (file * 31 + block));
        return ByteBuffer.wrap(bytes);
    }

    private static ByteBuffer read(PooledFile file, int block) throws IOException {
        ByteBuffer dst = ByteBuffer.allocate(BLOCK);
        assertThat(file.readFully(dst, (long) block * BLOCK)).isEqualTo(BLOCK);
        return dst.flip();
    }

    @Test
    void keepsAtMostItsCapacityOpenAndTheClosedFilesKeepTheirData() throws IOException {
        FilePool pool = new FilePool(3);
        List<PooledFile> files = files(pool, 20);
        for (int f = 0; f < files.size(); f++) {
            for (int b = 0; b < 4; b++) {
                files.get(f).writeFully(block(f, b), (long) b * BLOCK);
                assertThat(pool.openCount()).isLessThanOrEqualTo(3);
            }
        }
        for (int f = 0; f < files.size(); f++) {
            assertThat(files.get(f).size()).isEqualTo(4 * BLOCK);
            for (int b = 3; b >= 0; b--) {
                assertThat(read(files.get(f), b)).isEqualTo(block(f, b));
            }
            files.get(f).force();
            assertThat(pool.openCount()).isLessThanOrEqualTo(3);
        }
        for (PooledFile file : files) {
            file.close();
        }
        assertThat(pool.openCount()).isZero();
    }

    @Test
    void aFileUsedSinceTheLastLookIsClosedAfterTheIdleOnes() throws IOException {
        FilePool pool = new FilePool(2);
        List<PooledFile> files = files(pool, 4);
        for (int f = 0; f < 3; f++) {
            files.get(f).writeFully(block(f, 0), 0);
        }
        // all three were used since the last look: the oldest goes
        assertThat(files).extracting(PooledFile::isOpen).containsExactly(false, true, true, false);

        assertThat(read(files.get(1), 0)).isEqualTo(block(1, 0));
        files.get(3).writeFully(block(3, 0), 0);
        assertThat(files).as("file 1 was used again, file 2 not").extracting(PooledFile::isOpen)
                .containsExactly(false, true, false, true);
        assertThat(read(files.get(0), 0)).isEqualTo(block(0, 0));
        assertThat(pool.openCount()).isEqualTo(2);
    }

    @Test
    void concurrentReadersAndWritersOfMoreFilesThanThePoolHoldsSeeEveryWrite() throws Exception {
        FilePool pool = new FilePool(2);
        List<PooledFile> files = files(pool, 6);
        int threads = 4;
        int blocksPerThread = 300;
        ExecutorService executor = Executors.newFixedThreadPool(threads);
        try {
            List<CompletableFuture<Void>> done = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                int thread = t;
                done.add(CompletableFuture.runAsync(() -> {
                    Random random = new Random(thread);
                    try {
                        for (int i = 0; i < blocksPerThread; i++) {
                            // each thread owns every threads-th block of every file
                            int f = random.nextInt(files.size());
                            int b = i * threads + thread;
                            files.get(f).writeFully(block(f, b), (long) b * BLOCK);
                            assertThat(read(files.get(f), b)).isEqualTo(block(f, b));
                        }
                    } catch (IOException e) {
                        throw new AssertionError(e);
                    }
                }, executor));
            }
            CompletableFuture.allOf(done.toArray(CompletableFuture[]::new)).get(60, TimeUnit.SECONDS);
        } finally {
            executor.shutdownNow();
        }
        assertThat(pool.openCount()).isLessThanOrEqualTo(2);
    }

    @Test
    void anInterruptedReaderKeepsItsInterruptAndTheFileStaysUsable() throws Exception {
        PooledFile file = new PooledFile(dir.resolve("f"), new FilePool(4));
        file.writeFully(block(0, 0), 0);

        CompletableFuture<Throwable> interrupted = new CompletableFuture<>();
        Thread reader = new Thread(() -> {
            Thread.currentThread().interrupt();
            try {
                file.readFully(ByteBuffer.allocate(BLOCK), 0);
                interrupted.complete(null);
            } catch (IOException e) {
                interrupted.complete(Thread.currentThread().isInterrupted() ? e : new AssertionError("flag lost", e));
            }
        });
        reader.start();
        reader.join(10_000);

        assertThat(interrupted.get(10, TimeUnit.SECONDS)).isInstanceOf(ClosedByInterruptException.class);
        assertThat(read(file, 0)).isEqualTo(block(0, 0));
        file.writeFully(block(0, 1), BLOCK);
        assertThat(read(file, 1)).isEqualTo(block(0, 1));
    }

    @Test
    void aClosedFileRefusesUseAndIsNotCreatedAgain() throws IOException {
        FilePool pool = new FilePool(4);
        PooledFile file = new PooledFile(dir.resolve("f"), pool);
        file.writeFully(block(0, 0), 0);
        file.close();
        Files.delete(file.path());

        assertThatThrownBy(() -> file.readFully(ByteBuffer.allocate(BLOCK), 0))
                .isInstanceOf(ClosedChannelException.class);
        assertThatThrownBy(() -> file.force()).isInstanceOf(ClosedChannelException.class);
        assertThat(file.path()).doesNotExist();
        assertThat(pool.openCount()).isZero();
    }

    @Test
    void filesNobodyUsesHoldNoFileDescriptor() throws IOException {
        Path fds = Path.of("/proc/self/fd");
        assumeTrue(Files.isDirectory(fds), "needs Linux /proc");
        FilePool pool = new FilePool(1000);
        List<PooledFile> files = new ArrayList<>();
        long before = count(fds);
        for (int i = 0; i < 300; i++) {
            files.add(new PooledFile(Files.writeString(dir.resolve("f" + i), "entry " + i), pool));
        }
        assertThat(count(fds) - before).as("descriptors opened for unused files").isLessThan(20);

        ByteBuffer dst = ByteBuffer.allocate(9);
        assertThat(files.get(123).readFully(dst, 0)).isEqualTo(9);
        assertThat(new String(dst.array(), StandardCharsets.UTF_8)).isEqualTo("entry 123");
        assertThat(pool.openCount()).isEqualTo(1);
        for (PooledFile file : files) {
            file.close();
        }
    }

    @Test
    void readingAfterCloseFailsWhetherOrNotItWasEverOpened() throws IOException {
        FilePool pool = new FilePool(4);
        PooledFile unread = new PooledFile(Files.writeString(dir.resolve("a"), "abc"), pool);
        PooledFile read = new PooledFile(Files.writeString(dir.resolve("b"), "abc"), pool);
        read.readFully(ByteBuffer.allocate(3), 0);
        unread.close();
        read.close();
        assertThatThrownBy(() -> unread.readFully(ByteBuffer.allocate(3), 0)).isInstanceOf(ClosedChannelException.class);
        assertThatThrownBy(() -> read.readFully(ByteBuffer.allocate(3), 0)).isInstanceOf(ClosedChannelException.class);
    }

    private static long count(Path fds) throws IOException {
        try (Stream<Path> list = Files.list(fds)) {
            return list.count();
        }
    }

    @Test
    void refusesAPoolWithoutRoom() {
        assertThatThrownBy(() -> new FilePool(0)).isInstanceOf(IllegalArgumentException.class);
    }
}
