package dev.sluice.bench;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.OptionalDouble;

/**
 * One scenario run's figures. Every report carries the same standard fields in the same order
 * (null where a figure does not apply to the scenario), then the scenario's own extras, so
 * JSON lines from different scenarios and brokers can be read by the same script.
 */
public final class Report {

    public static final String MSGS_PER_S = "msgs_per_s";
    public static final String MB_PER_S = "mb_per_s";
    public static final String P50_MS = "p50_ms";
    public static final String P99_MS = "p99_ms";
    public static final String P999_MS = "p999_ms";
    public static final String MAX_MS = "max_ms";
    public static final String SENT = "sent";
    public static final String RECEIVED = "received";
    public static final String LOST = "lost";
    public static final String DUPLICATES = "duplicates";
    public static final String ERRORS = "errors";
    public static final String SERVER_RSS_MB = "server_rss_mb";

    private static final String[] STANDARD = {MSGS_PER_S, MB_PER_S, P50_MS, P99_MS, P999_MS, MAX_MS,
        SENT, RECEIVED, LOST, DUPLICATES, ERRORS, SERVER_RSS_MB};

    private final Map<String, Object> fields = new LinkedHashMap<>();

    public Report(String scenario, String endpoint) {
        fields.put("scenario", scenario);
        fields.put("endpoint", endpoint);
        for (String key : STANDARD) {
            fields.put(key, null);
        }
    }

    public Report put(String key, Object value) {
        fields.put(key, value);
        return this;
    }

    /** Throughput from a message count over a measured interval; MB means 10^6 bytes. */
    public Report throughput(long messages, long bodyBytes, double seconds) {
        double rate = seconds > 0 ? messages / seconds : 0;
        return put(MSGS_PER_S, rate).put(MB_PER_S, rate * bodyBytes / 1_000_000.0);
    }

    /** Percentiles of nothing (no sample in the window) stay null rather than becoming 0 or NaN. */
    public Report latency(Percentiles p) {
        if (p.count() == 0) {
            return this;
        }
        return put(P50_MS, p.p50Ms()).put(P99_MS, p.p99Ms()).put(P999_MS, p.p999Ms()).put(MAX_MS, p.maxMs());
    }

    public String scenario() {
        return (String) fields.get("scenario");
    }

    public String endpoint() {
        return (String) fields.get("endpoint");
    }

    public Map<String, Object> fields() {
        return Collections.unmodifiableMap(fields);
    }

    public OptionalDouble number(String key) {
        return fields.get(key) instanceof Number n ? OptionalDouble.of(n.doubleValue()) : OptionalDouble.empty();
    }

    public String toJson() {
        return Json.object(fields);
    }

    /** Figures a person reads: everything but the identifying fields, skipping what does not apply. */
    public String toTable() {
        StringBuilder out = new StringBuilder();
        out.append(scenario()).append(" @ ").append(endpoint()).append('\n');
        fields.forEach((key, value) -> {
            if (value != null && !key.equals("scenario") && !key.equals("endpoint")) {
                out.append(String.format(Locale.ROOT, "  %-22s %s%n", key, format(value)));
            }
        });
        return out.toString();
    }

    static String format(Object value) {
        if (value instanceof Double d) {
            boolean whole = d == Math.rint(d);
            return Math.abs(d) >= 100 || whole ? String.format(Locale.ROOT, "%,.0f", d) : String.format(Locale.ROOT, "%.3f", d);
        }
        if (value instanceof Long || value instanceof Integer) {
            return String.format(Locale.ROOT, "%,d", ((Number) value).longValue());
        }
        return String.valueOf(value);
    }
}
