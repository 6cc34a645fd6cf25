package dev.sluice.store.file;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ReadChannelTest {

    @TempDir
    Path dir;

    @Test
    void filesNobodyReadsHoldNoFileDescriptor() throws IOException {
        Path fds = Path.of("/proc/self/fd");
        assumeTrue(Files.isDirectory(fds), "needs Linux /proc");
        List<ReadChannel> channels = new ArrayList<>();
        long before = count(fds);
        for (int i = 0; i < 300; i++) {
            Path file = Files.writeString(dir.resolve("f" + i), "entry " + i);
            channels.add(new ReadChannel(file));
        }
        assertThat(count(fds) - before).as("descriptors opened for unread files").isLessThan(20);

        ByteBuffer dst = ByteBuffer.allocate(9);
        assertThat(channels.get(123).readFully(dst, 0)).isEqualTo(9);
        assertThat(new String(dst.array(), StandardCharsets.UTF_8)).isEqualTo("entry 123");
        for (ReadChannel channel : channels) {
            channel.close();
        }
    }

    @Test
    void readingAfterCloseFailsWhetherOrNotItWasEverOpened() throws IOException {
        ReadChannel unread = new ReadChannel(Files.writeString(dir.resolve("a"), "abc"));
        ReadChannel read = new ReadChannel(Files.writeString(dir.resolve("b"), "abc"));
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
}
