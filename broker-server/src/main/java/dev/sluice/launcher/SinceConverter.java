package dev.sluice.launcher;

import dev.sluice.config.Units;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import picocli.CommandLine;

/** A point in time given as an ISO-8601 instant or as an age ({@code 2h} = two hours ago). */
final class SinceConverter implements CommandLine.ITypeConverter<Instant> {

    @Override
    public Instant convert(String value) {
        try {
            return Instant.parse(value);
        } catch (DateTimeParseException notAnInstant) {
            try {
                return Instant.now().minus(Units.parseDuration(value));
            } catch (IllegalArgumentException e) {
                throw new CommandLine.TypeConversionException(
                        "expected an instant like 2026-11-25T10:00:00Z or an age like 30m, got '" + value + "'");
            }
        }
    }
}
