package dev.sluice.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class UnitsTest {

    @Test
    void shouldParseBinarySizes() {
        assertThat(Units.parseBytes("4096")).isEqualTo(4096);
        assertThat(Units.parseBytes("512KiB")).isEqualTo(512L * 1024);
        assertThat(Units.parseBytes("4MiB")).isEqualTo(4L * 1024 * 1024);
        assertThat(Units.parseBytes("1GiB")).isEqualTo(1L << 30);
        assertThat(Units.parseBytes(" 2 TiB ")).isEqualTo(2L << 40);
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "4MB", "4 mb", "-1", "1.5GiB", "GiB", "99999999999TiB"})
    void shouldRefuseWhatIsNotAnExactBinarySize(String text) {
        assertThatThrownBy(() -> Units.parseBytes(text)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void shouldParseDurations() {
        assertThat(Units.parseDuration("500ms")).isEqualTo(Duration.ofMillis(500));
        assertThat(Units.parseDuration("10s")).isEqualTo(Duration.ofSeconds(10));
        assertThat(Units.parseDuration("2m")).isEqualTo(Duration.ofMinutes(2));
        assertThat(Units.parseDuration("72h")).isEqualTo(Duration.ofHours(72));
        assertThat(Units.parseDuration("7d")).isEqualTo(Duration.ofDays(7));
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "10", "10x", "1.5s", "-1s", "s", "PT10S"})
    void shouldRefuseWhatIsNotADuration(String text) {
        assertThatThrownBy(() -> Units.parseDuration(text)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void shouldFormatInTheLargestExactUnit() {
        assertThat(Units.formatBytes(1L << 30)).isEqualTo("1GiB");
        assertThat(Units.formatBytes(1536)).isEqualTo("1536B");
        assertThat(Units.formatBytes(64L << 10)).isEqualTo("64KiB");
        assertThat(Units.formatDuration(Duration.ofHours(72))).isEqualTo("3d");
        assertThat(Units.formatDuration(Duration.ofHours(5))).isEqualTo("5h");
        assertThat(Units.formatDuration(Duration.ZERO)).isEqualTo("0s");
        assertThat(Units.formatDuration(Duration.ofMillis(1500))).isEqualTo("1500ms");
        assertThat(Units.formatDuration(Duration.ofSeconds(90))).isEqualTo("90s");
    }
}
