package dev.sluice.bench;

import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import picocli.CommandLine;

/**
 * Reads durations the way people type them on a command line: {@code 30s}, {@code 500ms},
 * {@code 5m}, {@code 1h30m}; a bare number means seconds.
 */
public final class DurationParser implements CommandLine.ITypeConverter<Duration> {

    private static final Pattern PART = Pattern.compile("(\\d+)(ms|s|m|h)");

    @Override
    public Duration convert(String value) {
        return parse(value);
    }

    public static Duration parse(String text) {
        String value = text == null ? "" : text.trim().toLowerCase();
        if (value.isEmpty()) {
            throw new IllegalArgumentException("a duration is required, e.g. 30s, 500ms, 5m, 1h");
        }
        if (value.chars().allMatch(Character::isDigit)) {
            return Duration.ofSeconds(Long.parseLong(value));
        }
        Matcher m = PART.matcher(value);
        Duration total = Duration.ZERO;
        int end = 0;
        while (m.find() && m.start() == end) {
            long amount = Long.parseLong(m.group(1));
            total = total.plus(switch (m.group(2)) {
                case "ms" -> Duration.ofMillis(amount);
                case "s" -> Duration.ofSeconds(amount);
                case "m" -> Duration.ofMinutes(amount);
                default -> Duration.ofHours(amount);
            });
            end = m.end();
        }
        if (end != value.length()) {
            throw new IllegalArgumentException("not a duration: '" + text + "' (use e.g. 30s, 500ms, 5m, 1h30m)");
        }
        return total;
    }
}
