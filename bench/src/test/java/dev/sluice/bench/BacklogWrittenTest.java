package dev.sluice.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.BitSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BacklogWrittenTest {

    @TempDir
    Path dir;

    @Test
    void aSavedWritePhaseReadsBackWhole() throws IOException {
        BitSet sent = new BitSet();
        sent.set(0, 1_000);
        sent.clear(17);
        sent.set(70_000_000);
        BacklogWritten written = new BacklogWritten("run1", "bench-backlog-run1", true, 100, sent, 1, "TimeoutException: x",
                new SendLoop.Measurement(1_000, 2.5, new Percentiles(1.5, 9.0, 20.0, 31.0, 1_000)), 1300.0, null, 1418.5);
        Path file = dir.resolve("backlog.state");

        written.save(file);
        BacklogWritten back = BacklogWritten.load(file);

        assertThat(back.sent()).isEqualTo(sent);
        assertThat(back).usingRecursiveComparison().isEqualTo(written);
        assertThat(back.rss50PctMib()).as("an RSS never sampled stays unknown").isNull();
        try (var files = Files.list(dir)) {
            assertThat(files).as("no temporary file left").containsExactly(file);
        }
    }

    /** Saves a run that says 100 messages were written and whose set holds the first {@code inSet}. */
    private Path saved(int inSet) throws IOException {
        BitSet sent = new BitSet();
        sent.set(0, inSet);
        Path file = dir.resolve("backlog.state");
        new BacklogWritten("run1", "t", true, 100, sent, 0, null,
                new SendLoop.Measurement(100, 1, new Percentiles(1, 2, 3, 4, 100)), null, null, null).save(file);
        return file;
    }

    @Test
    void aTruncatedOrForeignFileIsRefusedWithTheReason() throws IOException {
        Path file = saved(100);
        byte[] whole = Files.readAllBytes(file);

        Files.write(file, Arrays.copyOf(whole, whole.length - 3));
        assertThatThrownBy(() -> BacklogWritten.load(file)).isInstanceOf(IOException.class).hasMessageContaining("truncated");

        Files.writeString(file, "hello, this is a text file");
        assertThatThrownBy(() -> BacklogWritten.load(file)).isInstanceOf(IOException.class).hasMessageContaining("not a backlog state");
    }

    @Test
    void aSetThatDisagreesWithTheCountWrittenIsRefused() throws IOException {
        Path file = saved(99);

        assertThatThrownBy(() -> BacklogWritten.load(file)).isInstanceOf(IOException.class)
                .hasMessageContaining("100 written, 99 in the set");
    }
}
