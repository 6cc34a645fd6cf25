package dev.sluice.config;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The typed value of every {@link ConfigKey}: its default, overridden by each source in turn
 * (later sources win, e.g. command-line flags over the config file). Every entry of every
 * source is checked, so a bad line in the file fails start-up even when a flag overrides it.
 */
public final class ConfigValues {

    private final Map<ConfigKey<?>, Object> values;

    private ConfigValues(Map<ConfigKey<?>, Object> values) {
        this.values = Map.copyOf(values);
    }

    /**
     * Resolves the sources, lowest precedence first.
     *
     * @throws ConfigException listing every unknown key and invalid value
     */
    public static ConfigValues resolve(List<ConfigSource> sources) {
        Map<ConfigKey<?>, Object> values = new HashMap<>();
        for (ConfigKey<?> key : ConfigKeys.ALL) {
            values.put(key, key.parse(key.defaultValue()));
        }
        List<String> errors = new ArrayList<>();
        for (ConfigSource source : sources) {
            source.entries().forEach((name, text) -> {
                Optional<ConfigKey<?>> key = ConfigKeys.byName(name.trim());
                if (key.isEmpty()) {
                    errors.add("unknown configuration key '" + name + "' (" + source.origin() + ")"
                            + suggestion(name.trim()));
                    return;
                }
                try {
                    values.put(key.get(), key.get().parse(text));
                } catch (IllegalArgumentException e) {
                    errors.add("invalid value '" + text + "' for " + name + " (" + source.origin() + "): "
                            + e.getMessage() + "; allowed: " + key.get().type().allowed());
                }
            });
        }
        if (!errors.isEmpty()) {
            throw new ConfigException(errors.size() == 1 ? errors.get(0)
                    : "invalid configuration:\n  - " + String.join("\n  - ", errors));
        }
        return new ConfigValues(values);
    }

    @SuppressWarnings("unchecked")
    public <T> T get(ConfigKey<T> key) {
        return (T) values.get(key);
    }

    private static String suggestion(String name) {
        ConfigKey<?> closest = null;
        int best = Integer.MAX_VALUE;
        for (ConfigKey<?> key : ConfigKeys.ALL) {
            int distance = editDistance(name, key.name());
            if (distance < best) {
                best = distance;
                closest = key;
            }
        }
        return closest != null && best <= 3 ? "; did you mean '" + closest.name() + "'?"
                : "; the configuration reference in README.md lists every key";
    }

    private static int editDistance(String a, String b) {
        int[] previous = new int[b.length() + 1];
        int[] current = new int[b.length() + 1];
        for (int j = 0; j <= b.length(); j++) {
            previous[j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            current[0] = i;
            for (int j = 1; j <= b.length(); j++) {
                int substitute = previous[j - 1] + (a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1);
                current[j] = Math.min(substitute, Math.min(previous[j], current[j - 1]) + 1);
            }
            int[] swap = previous;
            previous = current;
            current = swap;
        }
        return previous[b.length()];
    }
}
