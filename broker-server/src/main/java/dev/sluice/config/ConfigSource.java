package dev.sluice.config;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Properties;

/**
 * Key/value text from one place (a properties file, command-line flags), named so that an
 * error can say where a bad value came from.
 */
public record ConfigSource(String origin, Map<String, String> entries) {

    public ConfigSource {
        entries = Map.copyOf(entries);
    }

    /** Reads a Java {@code .properties} file. */
    public static ConfigSource fromFile(Path file) {
        Properties properties = new Properties();
        try (Reader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            properties.load(reader);
        } catch (NoSuchFileException e) {
            throw new ConfigException("config file " + file + " does not exist");
        } catch (IOException | IllegalArgumentException e) {
            throw new ConfigException("cannot read config file " + file + ": " + e.getMessage(), e);
        }
        Map<String, String> entries = new LinkedHashMap<>();
        properties.stringPropertyNames().stream().sorted().forEach(k -> entries.put(k, properties.getProperty(k)));
        return new ConfigSource("config file " + file, entries);
    }
}
