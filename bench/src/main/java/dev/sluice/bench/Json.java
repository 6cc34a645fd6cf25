package dev.sluice.bench;

import java.util.Locale;
import java.util.Map;

/** The few JSON shapes a report needs: one line, keys in insertion order, no pretty printing. */
public final class Json {

    private Json() {
    }

    public static String object(Map<String, ?> fields) {
        StringBuilder out = new StringBuilder();
        writeObject(out, fields);
        return out.toString();
    }

    private static void writeObject(StringBuilder out, Map<String, ?> fields) {
        out.append('{');
        boolean first = true;
        for (Map.Entry<String, ?> field : fields.entrySet()) {
            if (!first) {
                out.append(',');
            }
            first = false;
            writeString(out, field.getKey());
            out.append(':');
            writeValue(out, field.getValue());
        }
        out.append('}');
    }

    private static void writeValue(StringBuilder out, Object value) {
        if (value == null) {
            out.append("null");
        } else if (value instanceof Double || value instanceof Float) {
            writeDouble(out, ((Number) value).doubleValue());
        } else if (value instanceof Number || value instanceof Boolean) {
            out.append(value);
        } else if (value instanceof Map<?, ?> map) {
            @SuppressWarnings("unchecked")
            Map<String, ?> nested = (Map<String, ?>) map;
            writeObject(out, nested);
        } else {
            writeString(out, value.toString());
        }
    }

    /** Three decimals are below any figure's noise; NaN/infinity are not JSON, so they become null. */
    private static void writeDouble(StringBuilder out, double d) {
        if (Double.isNaN(d) || Double.isInfinite(d)) {
            out.append("null");
            return;
        }
        String text = String.format(Locale.ROOT, "%.3f", d);
        // trim trailing zeros: 12.500 -> 12.5, 3.000 -> 3
        text = text.replaceAll("0+$", "").replaceAll("\\.$", "");
        out.append(text.equals("-0") ? "0" : text);
    }

    private static void writeString(StringBuilder out, String s) {
        out.append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                case '\t' -> out.append("\\t");
                default -> {
                    if (c < 0x20) {
                        out.append(String.format(Locale.ROOT, "\\u%04x", (int) c));
                    } else {
                        out.append(c);
                    }
                }
            }
        }
        out.append('"');
    }
}
