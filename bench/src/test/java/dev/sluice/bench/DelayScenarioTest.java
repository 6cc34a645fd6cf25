package dev.sluice.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;

class DelayScenarioTest {

    @Test
    void dueTimesCoverTheWholeSpreadAndNeverLieInThePast() {
        long spread = 10_000;
        long[] due = LongStream.range(0, 1_000).map(seq -> DelayScenario.dueIn(seq, spread)).toArray();
        assertThat(LongStream.of(due).min()).hasValue(100);
        assertThat(LongStream.of(due).max()).hasValue(spread);
        assertThat(LongStream.of(due).distinct().count()).isEqualTo(100);
        assertThat(DelayScenario.dueIn(0, 1)).isEqualTo(1);
    }
}
