package dev.sluice.config;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.Locale;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * How the text of one configuration value becomes a typed value, and what text is allowed.
 * {@link #parse} throws {@link IllegalArgumentException} for anything outside {@link #allowed};
 * {@link ConfigValues} turns that into a {@link ConfigException} naming the key.
 *
 * @param allowed what a person may write, e.g. "a size from 64KiB to 1GiB" (shown in errors and the README)
 */
public record ConfigType<T>(String allowed, Function<String, T> parser) {

    public T parse(String text) {
        return parser.apply(text.trim());
    }

    public static ConfigType<Integer> integer(int min, int max) {
        return new ConfigType<>("an integer from " + min + " to " + max, text -> {
            int value;
            try {
                value = Integer.parseInt(text);
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("not an integer", e);
            }
            requireRange(value >= min && value <= max);
            return value;
        });
    }

    public static ConfigType<Integer> port() {
        ConfigType<Integer> range = integer(0, 65535);
        return new ConfigType<>("a TCP port from 0 to 65535 (0 picks a free port)", range.parser());
    }

    public static ConfigType<Long> bytes(long min, long max) {
        return new ConfigType<>("a size from " + Units.formatBytes(min) + " to " + Units.formatBytes(max)
                + " (B, KiB, MiB, GiB)", text -> {
            long value = Units.parseBytes(text);
            requireRange(value >= min && value <= max);
            return value;
        });
    }

    public static ConfigType<Duration> duration(Duration min, Duration max) {
        return new ConfigType<>("a duration from " + Units.formatDuration(min) + " to " + Units.formatDuration(max)
                + " (ms, s, m, h, d)", text -> {
            Duration value = Units.parseDuration(text);
            requireRange(value.compareTo(min) >= 0 && value.compareTo(max) <= 0);
            return value;
        });
    }

    /** A fraction of something (a disk), above 0 and at most 1. */
    public static ConfigType<Double> fraction() {
        return new ConfigType<>("a fraction above 0 and at most 1, e.g. 0.85", text -> {
            double value;
            try {
                value = Double.parseDouble(text);
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("not a number", e);
            }
            requireRange(value > 0 && value <= 1);
            return value;
        });
    }

    /** Only the words true and false: "yes", "1" or a typo must not quietly mean false. */
    public static ConfigType<Boolean> bool() {
        return new ConfigType<>("true or false", text -> switch (text.toLowerCase(Locale.ROOT)) {
            case "true" -> Boolean.TRUE;
            case "false" -> Boolean.FALSE;
            default -> throw new IllegalArgumentException("not true or false");
        });
    }

    public static <E extends Enum<E>> ConfigType<E> oneOf(Class<E> type) {
        String names = Arrays.stream(type.getEnumConstants()).map(Enum::name).collect(Collectors.joining(" or "));
        return new ConfigType<>(names, text -> {
            try {
                return Enum.valueOf(type, text.toUpperCase(Locale.ROOT));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("not one of " + names, e);
            }
        });
    }

    public static ConfigType<Path> path() {
        return new ConfigType<>("a directory path", text -> {
            requireNonBlank(text);
            return Path.of(text);
        });
    }

    public static ConfigType<String> host() {
        return new ConfigType<>("an IP address or host name of this machine (0.0.0.0 = every interface)", text -> {
            requireNonBlank(text);
            return text;
        });
    }

    private static void requireRange(boolean inRange) {
        if (!inRange) {
            throw new IllegalArgumentException("out of range");
        }
    }

    private static void requireNonBlank(String text) {
        if (text.isEmpty()) {
            throw new IllegalArgumentException("empty");
        }
    }
}
