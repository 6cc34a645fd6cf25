package dev.sluice.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class RateScheduleTest {

    private static final long SECOND = TimeUnit.SECONDS.toNanos(1);

    @Test
    void withoutARampMessagesAreDueEvenlyFromTheOrigin() {
        RateSchedule schedule = new RateSchedule(7 * SECOND, 100, 1_000, 0);

        assertThat(schedule.dueNanos(100)).isEqualTo(7 * SECOND);
        assertThat(schedule.dueNanos(1_100)).isEqualTo(8 * SECOND);
        assertThat(schedule.dueNanos(100 + 2_500)).isEqualTo(9_500_000_000L);
    }

    @Test
    void duringTheRampTheRateRisesInAStraightLineThenHolds() {
        // 1,000 msg/s reached after 10 s: n(t) = 50·t², so 1,250 by 5 s and 5,000 by 10 s
        RateSchedule schedule = new RateSchedule(0, 0, 1_000, 10 * SECOND);

        assertThat(schedule.dueNanos(50)).isEqualTo(SECOND);
        assertThat(schedule.dueNanos(1_250)).isEqualTo(5 * SECOND);
        assertThat(schedule.dueNanos(5_000)).isEqualTo(10 * SECOND);
        assertThat(schedule.dueNanos(6_000)).as("full rate after the ramp").isEqualTo(11 * SECOND);
        long gapEarly = schedule.dueNanos(101) - schedule.dueNanos(100);
        long gapLate = schedule.dueNanos(4_001) - schedule.dueNanos(4_000);
        assertThat(gapEarly).as("sends are further apart early in the ramp").isGreaterThan(gapLate);
    }

    @Test
    void refusesANonPositiveRateOrANegativeRamp() {
        assertThatThrownBy(() -> new RateSchedule(0, 0, 0, 0)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new RateSchedule(0, 0, 10, -1)).isInstanceOf(IllegalArgumentException.class);
    }
}
