package dev.sluice.store.index;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.OptionalLong;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;

class RecentIdsTest {

    private static final long WINDOW = 10_000;
    private static final long START = 1_000_000;

    private static long falsePositives(RecentIds ids, String topic, long now, int probes) {
        return IntStream.range(0, probes).filter(i -> ids.mightContain(topic, "never-" + i, now)).count();
    }

    @Test
    void shouldTrustNoAnswerOnlyOneWindowAfterTheNewestIdStoredBeforeTheStart() {
        long storedBefore = START - 4_000;
        RecentIds ids = new RecentIds(Duration.ofMillis(WINDOW), START, OptionalLong.of(storedBefore));
        // stored before the start, so in no filter: must be looked up
        assertThat(ids.mightContain("orders", "from-before-the-start", START)).isTrue();
        assertThat(ids.mightContain("orders", "from-before-the-start", storedBefore + WINDOW - 1)).isTrue();
        assertThat(ids.mightContain("orders", "from-before-the-start", storedBefore + WINDOW)).isFalse();
    }

    @Test
    void shouldTrustNoAnswerAtOnceWhenNothingWasStoredBeforeTheStart() {
        RecentIds ids = new RecentIds(Duration.ofMillis(WINDOW), START, OptionalLong.empty());
        assertThat(ids.mightContain("orders", "never-sent", START)).isFalse();
        ids.add("orders", "sent", START);
        assertThat(ids.mightContain("orders", "sent", START + 1)).isTrue();
    }

    @Test
    void shouldHoldEveryIdOfTheWindowAndFewOthers() {
        RecentIds ids = new RecentIds(Duration.ofMillis(WINDOW), START, OptionalLong.of(START));
        long now = START + WINDOW;
        for (int i = 0; i < 200_000; i++) { // fills and seals several filters
            ids.add("orders", "id-" + i, now + i / 100);
        }
        long later = now + 2_000;
        for (int i = 0; i < 200_000; i++) {
            assertThat(ids.mightContain("orders", "id-" + i, later)).as("id-%d", i).isTrue();
        }
        assertThat(ids.mightContain("payments", "id-7", later)).as("the same id in another topic").isFalse();
        assertThat(falsePositives(ids, "orders", later, 10_000)).isLessThan(400);
    }

    @Test
    void shouldForgetIdsOnceTheyAreOlderThanTheWindow() {
        RecentIds ids = new RecentIds(Duration.ofMillis(WINDOW), START, OptionalLong.of(START));
        long now = START + WINDOW;
        ids.add("orders", "old", now);
        ids.add("orders", "recent", now + WINDOW - 1);
        long check = now + WINDOW + 1;
        assertThat(ids.mightContain("orders", "recent", check)).isTrue();
        // two windows on, with sends in between, the filter holding "old" is gone
        ids.add("orders", "newer", now + 2 * WINDOW + 1);
        long muchLater = now + 3 * WINDOW + 2;
        ids.add("orders", "newest", muchLater);
        assertThat(ids.mightContain("orders", "old", muchLater)).isFalse();
        assertThat(ids.mightContain("orders", "newest", muchLater)).isTrue();
    }

    @Test
    void shouldStopTrustingNoAnswersWhenOverBudget() {
        RecentIds ids = new RecentIds(Duration.ofMillis(WINDOW), START, OptionalLong.of(START), 200_000);
        long now = START + WINDOW;
        for (int i = 0; i < 300_000; i++) { // more ids within one window than the budget holds
            ids.add("orders", "id-" + i, now);
        }
        assertThat(ids.mightContain("orders", "id-0", now + 1)).as("dropped, so not trusted").isTrue();
        assertThat(falsePositives(ids, "orders", now + 1, 1_000)).isEqualTo(1_000);
        assertThat(falsePositives(ids, "orders", now + 2 * WINDOW, 1_000)).isLessThan(100);
    }

    @Test
    void shouldAnswerMaybeWithoutAWindow() {
        RecentIds ids = new RecentIds(Duration.ZERO, START, OptionalLong.empty());
        ids.add("orders", "id", START);
        assertThat(ids.mightContain("orders", "anything", START + 1_000_000)).isTrue();
    }
}
