package dev.sluice.bench;

import org.HdrHistogram.Histogram;

/** The latency figures every report shows, in milliseconds, from a histogram of microseconds. */
public record Percentiles(double p50Ms, double p99Ms, double p999Ms, double maxMs, long count) {

    public static Percentiles ofMicros(Histogram micros) {
        if (micros.getTotalCount() == 0) {
            return new Percentiles(Double.NaN, Double.NaN, Double.NaN, Double.NaN, 0);
        }
        return new Percentiles(ms(micros.getValueAtPercentile(50)), ms(micros.getValueAtPercentile(99)),
                ms(micros.getValueAtPercentile(99.9)), ms(micros.getMaxValue()), micros.getTotalCount());
    }

    private static double ms(long micros) {
        return micros / 1000.0;
    }
}
