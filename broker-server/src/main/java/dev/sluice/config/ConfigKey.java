package dev.sluice.config;

/**
 * One configuration setting: its name in a properties file, its type (parser and allowed
 * values), its default and what it does. Declared once in {@link ConfigKeys}; parsing,
 * validation and the README's configuration reference all come from that declaration.
 */
public record ConfigKey<T>(String name, ConfigType<T> type, String defaultValue, String description) {

    public ConfigKey {
        // a default that does not parse is a programming error: fail when the class loads
        type.parse(defaultValue);
    }

    public T parse(String text) {
        return type.parse(text);
    }
}
