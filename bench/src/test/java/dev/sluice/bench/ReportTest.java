package dev.sluice.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ReportTest {

    @Test
    void jsonLineHasEveryStandardFieldInOrderWithNullForWhatDoesNotApply() {
        Report report = new Report("produce", "127.0.0.1:8081")
                .throughput(60_000, 1024, 3.0)
                .latency(new Percentiles(1.25, 4.5, 9.0, 12.0, 60_000))
                .put(Report.SENT, 60_000L)
                .put(Report.ERRORS, 0L)
                .put("window", 256);

        assertThat(report.toJson()).isEqualTo("{\"scenario\":\"produce\",\"endpoint\":\"127.0.0.1:8081\","
                + "\"msgs_per_s\":20000,\"mb_per_s\":20.48,\"p50_ms\":1.25,\"p99_ms\":4.5,\"p999_ms\":9,\"max_ms\":12,"
                + "\"sent\":60000,\"received\":null,\"lost\":null,\"duplicates\":null,\"errors\":0,\"server_rss_mb\":null,"
                + "\"window\":256}");
    }

    @Test
    void jsonEscapesServerMessagesAndHasNoNaN() {
        Report report = new Report("delay", "host:1")
                .latency(new Percentiles(Double.NaN, Double.NaN, Double.NaN, Double.NaN, 0))
                .put("reason", "topic \"x\" is\tNORMAL\n\\ not DELAY");

        assertThat(report.toJson())
                .contains("\"p50_ms\":null")
                .contains("\"reason\":\"topic \\\"x\\\" is\\tNORMAL\\n\\\\ not DELAY\"")
                .doesNotContain("NaN");
    }

    @Test
    void nestedObjectsKeepTheirOrder() {
        Map<String, Object> inner = new LinkedHashMap<>();
        inner.put("b", 2L);
        inner.put("a", 0.1);
        Map<String, Object> outer = new LinkedHashMap<>();
        outer.put("figures", inner);
        outer.put("none", null);
        assertThat(Json.object(outer)).isEqualTo("{\"figures\":{\"b\":2,\"a\":0.1},\"none\":null}");
    }

    @Test
    void tableShowsOnlyFiguresThatApply() {
        String table = new Report("e2e", "127.0.0.1:8081")
                .put(Report.MSGS_PER_S, 2000.0)
                .put(Report.P99_MS, 3.25)
                .put(Report.LOST, 0L)
                .toTable();

        assertThat(table).startsWith("e2e @ 127.0.0.1:8081\n")
                .contains("msgs_per_s", "2,000", "p99_ms", "3.250", "lost")
                .doesNotContain("duplicates", "server_rss_mb");
    }

    @Test
    void numbersAreReadBackForComparisons() {
        Report report = new Report("produce", "a").put(Report.SENT, 5L).put("consumer", "push");
        assertThat(report.number(Report.SENT)).hasValue(5.0);
        assertThat(report.number("consumer")).isEmpty();
        assertThat(report.number(Report.LOST)).isEmpty();
    }
}
