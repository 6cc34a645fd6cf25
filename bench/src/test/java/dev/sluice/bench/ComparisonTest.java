package dev.sluice.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.List;
import org.junit.jupiter.api.Test;

class ComparisonTest {

    @Test
    void medianOfOddAndEvenCounts() {
        assertThat(Comparison.median(new double[] {3, 1, 2})).isEqualTo(2);
        assertThat(Comparison.median(new double[] {4, 1, 3, 2})).isEqualTo(2.5);
        assertThat(Comparison.median(new double[] {7})).isEqualTo(7);
    }

    @Test
    void ratioIsBOverAAndUndefinedForZero() {
        assertThat(Comparison.ratio(10, 25)).isEqualTo(2.5);
        assertThat(Comparison.ratio(0, 5)).isNull();
    }

    @Test
    void comparesMediansPerFigureAcrossAlternatingRuns() {
        List<Report> a = List.of(run("A", 10_000, 4.0), run("A", 12_000, 6.0), run("A", 11_000, 5.0));
        List<Report> b = List.of(run("B", 30_000, 2.0), run("B", 33_000, 1.0), run("B", 20_000, 3.0));

        Comparison comparison = new Comparison(a, b);

        assertThat(comparison.figures()).extracting(Comparison.Figure::name)
                .containsExactly(Report.MSGS_PER_S, Report.P99_MS, Report.ERRORS);
        Comparison.Figure rate = comparison.figures().get(0);
        assertThat(rate.medianA()).isEqualTo(11_000);
        assertThat(rate.medianB()).isEqualTo(30_000);
        assertThat(rate.ratio()).isCloseTo(30_000 / 11_000.0, within(1e-9));
        assertThat(comparison.figures().get(2).ratio()).as("0 errors on A: no ratio").isNull();

        assertThat(comparison.toJson()).startsWith("{\"scenario\":\"produce\",\"endpoint\":\"A\",\"compare_endpoint\":\"B\","
                        + "\"rounds\":3,\"figures\":{\"msgs_per_s\":{\"a\":11000,\"b\":30000,\"ratio\":2.727},")
                .contains("\"errors\":{\"a\":0,\"b\":0,\"ratio\":null}");
        assertThat(comparison.toTable()).contains("B/A", "msgs_per_s", "2.727");
    }

    @Test
    void aFigureMissingInSomeRunIsLeftOut() {
        Report withRss = run("A", 1, 1).put(Report.SERVER_RSS_MB, 300.0);
        Comparison comparison = new Comparison(List.of(withRss, run("A", 1, 1)), List.of(run("B", 1, 1)));
        assertThat(comparison.figures()).extracting(Comparison.Figure::name).doesNotContain(Report.SERVER_RSS_MB);
    }

    private static Report run(String endpoint, double rate, double p99) {
        return new Report("produce", endpoint).put(Report.MSGS_PER_S, rate).put(Report.P99_MS, p99).put(Report.ERRORS, 0L);
    }
}
