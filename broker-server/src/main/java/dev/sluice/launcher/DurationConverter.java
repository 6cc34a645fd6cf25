package dev.sluice.launcher;

import dev.sluice.config.Units;
import java.time.Duration;
import picocli.CommandLine;

/** Durations on the command line, written like in the config file: {@code 500ms}, {@code 10s}, {@code 2m}, {@code 1h}. */
final class DurationConverter implements CommandLine.ITypeConverter<Duration> {

    @Override
    public Duration convert(String value) {
        try {
            return Units.parseDuration(value);
        } catch (IllegalArgumentException e) {
            throw new CommandLine.TypeConversionException(e.getMessage());
        }
    }
}
