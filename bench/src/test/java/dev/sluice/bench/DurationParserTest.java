package dev.sluice.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class DurationParserTest {

    @Test
    void readsTheUnitsPeopleType() {
        assertThat(DurationParser.parse("30s")).isEqualTo(Duration.ofSeconds(30));
        assertThat(DurationParser.parse("500ms")).isEqualTo(Duration.ofMillis(500));
        assertThat(DurationParser.parse("5m")).isEqualTo(Duration.ofMinutes(5));
        assertThat(DurationParser.parse("2h")).isEqualTo(Duration.ofHours(2));
        assertThat(DurationParser.parse("1h30m")).isEqualTo(Duration.ofMinutes(90));
        assertThat(DurationParser.parse(" 10S ")).isEqualTo(Duration.ofSeconds(10));
    }

    @Test
    void bareNumberMeansSeconds() {
        assertThat(DurationParser.parse("45")).isEqualTo(Duration.ofSeconds(45));
        assertThat(DurationParser.parse("0")).isEqualTo(Duration.ZERO);
    }

    @Test
    void rejectsWhatIsNotADurationWithAnExample() {
        for (String bad : new String[] {"", "s", "10x", "1.5s", "-3s", "10s garbage", "abc"}) {
            assertThatThrownBy(() -> DurationParser.parse(bad))
                    .as(bad).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("e.g.");
        }
    }
}
