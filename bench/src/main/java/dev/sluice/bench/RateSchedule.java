package dev.sluice.bench;

/**
 * When each message of a fixed-rate run is due. From {@code originNanos} the rate rises in a straight
 * line from 0 to {@code rate} over {@code rampNanos}, then holds: a cold broker and a cold client JVM
 * are not hit with the full rate while their JIT compilers still take most of a small machine, so
 * the warm-up ends in the steady state it is meant to reach instead of in a backlog.
 *
 * @param rate messages per second, over all producers (> 0)
 */
record RateSchedule(long originNanos, long originSeq, double rate, long rampNanos) {

    RateSchedule {
        if (rate <= 0 || rampNanos < 0) {
            throw new IllegalArgumentException("rate must be > 0 and the ramp ≥ 0");
        }
    }

    long dueNanos(long seq) {
        double n = seq - originSeq;
        double perNano = rate / 1e9;
        // during the ramp n(t) = perNano·t²/(2·ramp), so t(n) = √(2·ramp·n/perNano)
        double rampMessages = perNano * rampNanos / 2;
        double t = n < rampMessages ? Math.sqrt(2 * rampNanos * n / perNano) : rampNanos + (n - rampMessages) / perNano;
        return originNanos + (long) t;
    }
}
