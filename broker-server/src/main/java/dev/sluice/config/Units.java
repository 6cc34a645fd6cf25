package dev.sluice.config;

import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Parses and prints the human units used in configuration and on the command line: sizes
 * ({@code 4MiB}, {@code 1GiB}, {@code 512KiB}, {@code 4096}) and durations ({@code 500ms},
 * {@code 10s}, {@code 2m}, {@code 72h}, {@code 7d}). Binary size suffixes only: "MB" is ambiguous
 * and is refused rather than guessed.
 */
public final class Units {

    private static final Pattern SIZE = Pattern.compile("(\\d+)\\s*(B|KiB|MiB|GiB|TiB)?");
    private static final Pattern DURATION = Pattern.compile("(\\d+)\\s*(ms|s|m|h|d)");

    private Units() {
    }

    /** Bytes of a size such as {@code 1GiB}; IllegalArgumentException when it is not one. */
    public static long parseBytes(String text) {
        Matcher m = SIZE.matcher(text.trim());
        if (!m.matches()) {
            throw new IllegalArgumentException("not a size (use e.g. 4096, 512KiB, 4MiB, 1GiB)");
        }
        int shift = switch (m.group(2) == null ? "B" : m.group(2)) {
            case "KiB" -> 10;
            case "MiB" -> 20;
            case "GiB" -> 30;
            case "TiB" -> 40;
            default -> 0;
        };
        try {
            long number = Long.parseLong(m.group(1));
            if (number > (Long.MAX_VALUE >> shift)) {
                throw new IllegalArgumentException("size too large");
            }
            return number << shift;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("size too large", e);
        }
    }

    /** A duration such as {@code 500ms}, {@code 10s}, {@code 2m}, {@code 1h}, {@code 7d}. */
    public static Duration parseDuration(String text) {
        Matcher m = DURATION.matcher(text.trim());
        if (!m.matches()) {
            throw new IllegalArgumentException("not a duration (use e.g. 500ms, 10s, 2m, 1h, 7d)");
        }
        try {
            long n = Long.parseLong(m.group(1));
            return switch (m.group(2)) {
                case "ms" -> Duration.ofMillis(n);
                case "s" -> Duration.ofSeconds(n);
                case "m" -> Duration.ofMinutes(n);
                case "h" -> Duration.ofHours(n);
                default -> Duration.ofDays(n);
            };
        } catch (ArithmeticException | NumberFormatException e) {
            throw new IllegalArgumentException("duration too large", e);
        }
    }

    /** The largest exact binary unit: {@code 1073741824} → {@code 1GiB}, {@code 1536} → {@code 1536B}. */
    public static String formatBytes(long bytes) {
        String[] units = {"TiB", "GiB", "MiB", "KiB"};
        int[] shifts = {40, 30, 20, 10};
        for (int i = 0; i < units.length; i++) {
            long unit = 1L << shifts[i];
            if (bytes != 0 && bytes % unit == 0) {
                return (bytes >> shifts[i]) + units[i];
            }
        }
        return bytes + "B";
    }

    /** The largest exact unit: {@code PT48H} → {@code 2d}, {@code PT5H} → {@code 5h}, {@code PT0.5S} → {@code 500ms}. */
    public static String formatDuration(Duration d) {
        long millis = d.toMillis();
        if (millis == 0) {
            return "0s";
        }
        if (millis % 86_400_000L == 0) {
            return millis / 86_400_000L + "d";
        }
        if (millis % 3_600_000L == 0) {
            return millis / 3_600_000L + "h";
        }
        if (millis % 60_000L == 0) {
            return millis / 60_000L + "m";
        }
        if (millis % 1000L == 0) {
            return millis / 1000L + "s";
        }
        return millis + "ms";
    }
}
