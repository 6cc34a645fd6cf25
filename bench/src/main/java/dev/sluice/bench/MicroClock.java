package dev.sluice.bench;

import java.time.Instant;

/**
 * Wall-clock microseconds that never step backwards within this JVM: an epoch anchor read once,
 * advanced by {@link System#nanoTime()}. Producer and consumer run in the same process, so a
 * time stamped on send and read on receive measures the broker path, not clock adjustments.
 */
public final class MicroClock {

    private static final long ANCHOR_NANOS = System.nanoTime();
    private static final long ANCHOR_EPOCH_MICROS = epochMicros(Instant.now());

    private MicroClock() {
    }

    public static long nowMicros() {
        return ANCHOR_EPOCH_MICROS + (System.nanoTime() - ANCHOR_NANOS) / 1000;
    }

    public static long nowMillis() {
        return nowMicros() / 1000;
    }

    private static long epochMicros(Instant instant) {
        return instant.getEpochSecond() * 1_000_000L + instant.getNano() / 1000;
    }
}
