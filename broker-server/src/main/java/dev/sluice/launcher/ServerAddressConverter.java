package dev.sluice.launcher;

import picocli.CommandLine;

/** Checks {@code --server HOST:PORT} before any connection is tried. */
final class ServerAddressConverter implements CommandLine.ITypeConverter<String> {

    @Override
    public String convert(String value) {
        int colon = value.lastIndexOf(':');
        if (colon <= 0 || colon == value.length() - 1) {
            throw new CommandLine.TypeConversionException("expected HOST:PORT, e.g. 127.0.0.1:8081");
        }
        try {
            int port = Integer.parseInt(value.substring(colon + 1));
            if (port < 1 || port > 65535) {
                throw new CommandLine.TypeConversionException("port must be from 1 to 65535");
            }
        } catch (NumberFormatException e) {
            throw new CommandLine.TypeConversionException("expected HOST:PORT, e.g. 127.0.0.1:8081");
        }
        return value;
    }
}
