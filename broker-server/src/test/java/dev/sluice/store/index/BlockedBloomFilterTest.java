package dev.sluice.store.index;

import org.junit.jupiter.api.Test;

import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;

class BlockedBloomFilterTest {

    @Test
    void shouldHoldEveryKeyAddedAndReportAboutOnePercentOfOthers() {
        int keys = 100_000;
        BlockedBloomFilter filter = new BlockedBloomFilter(keys);
        for (int i = 0; i < keys; i++) {
            filter.add(BlockedBloomFilter.hash("orders", "id-" + i));
        }
        assertThat(IntStream.range(0, keys)).allMatch(i -> filter.mightContain(BlockedBloomFilter.hash("orders", "id-" + i)));
        long falsePositives = IntStream.range(0, 100_000)
                .filter(i -> filter.mightContain(BlockedBloomFilter.hash("orders", "other-" + i))).count();
        assertThat(falsePositives).isBetween(1L, 2_000L);
    }

    @Test
    void shouldTellTopicAndIdApartAtTheirBoundary() {
        assertThat(BlockedBloomFilter.hash("ab", "c")).isNotEqualTo(BlockedBloomFilter.hash("a", "bc"));
        assertThat(BlockedBloomFilter.hash("orders", "m1")).isNotEqualTo(BlockedBloomFilter.hash("payments", "m1"));
    }
}
