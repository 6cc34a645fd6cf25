package dev.sluice.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class ProgressTest {

    @Test
    void lineShowsCountRateAndElapsedOverTotal() {
        assertThat(Progress.line("produce 127.0.0.1:8081", 123_456, 0, 20_512.4, Duration.ofSeconds(12), Duration.ofSeconds(35)))
                .isEqualTo("produce 127.0.0.1:8081: 123,456 msgs  20,512 msg/s  12s/35s");
        assertThat(Progress.line("backlog read", 500, 1_000, 50, Duration.ofSeconds(10), null))
                .isEqualTo("backlog read: 500/1,000 msgs  50 msg/s  10s");
    }
}
