package dev.sluice.config;

/** The README's configuration reference, rendered from {@link ConfigKeys} so the two cannot drift. */
public final class ConfigReference {

    private ConfigReference() {
    }

    public static String markdownTable() {
        StringBuilder out = new StringBuilder("| key | default | allowed | what it does |\n|---|---|---|---|\n");
        for (ConfigKey<?> key : ConfigKeys.ALL) {
            out.append("| `").append(key.name()).append("` | `").append(key.defaultValue()).append("` | ")
                    .append(key.type().allowed()).append(" | ").append(key.description()).append(" |\n");
        }
        return out.toString();
    }
}
