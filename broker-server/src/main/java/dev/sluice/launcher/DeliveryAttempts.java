package dev.sluice.launcher;

import dev.sluice.proto.admin.v1.DeliveryEvent;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Turns a message's recorded events into one row per delivery attempt with its outcome. The
 * broker records only what happened; an attempt followed by another delivery without an ack,
 * nack or release in between timed out.
 */
final class DeliveryAttempts {

    /** One line of {@code sluice admin message history}. */
    record Row(String group, int attempt, long time, String client, String outcome, long nextVisible) {
    }

    private DeliveryAttempts() {
    }

    static List<Row> fold(List<DeliveryEvent> events, long now) {
        Map<String, List<Row>> byGroup = new LinkedHashMap<>();
        for (DeliveryEvent event : events) {
            List<Row> rows = byGroup.computeIfAbsent(event.getGroup(), g -> new ArrayList<>());
            Row open = rows.isEmpty() ? null : rows.get(rows.size() - 1);
            boolean openDelivery = open != null && open.outcome().isEmpty();
            switch (event.getType()) {
                case "DELIVERED" -> {
                    if (openDelivery) {
                        rows.set(rows.size() - 1, close(open, "timed out"));
                    }
                    rows.add(new Row(event.getGroup(), event.getAttempt(), event.getTimeMillis(), event.getDetail(), "",
                            event.getNextVisibleMillis()));
                }
                case "ACKED", "NACKED", "RELEASED" -> {
                    if (openDelivery) {
                        rows.set(rows.size() - 1, new Row(open.group(), open.attempt(), open.time(), open.client(),
                                outcome(event.getType()), event.getNextVisibleMillis()));
                    }
                }
                default -> {
                    if (openDelivery) {
                        rows.set(rows.size() - 1, close(open, "timed out"));
                    }
                    rows.add(new Row(event.getGroup(), event.getAttempt(), event.getTimeMillis(), "",
                            outcome(event.getType()) + (event.getDetail().isEmpty() ? "" : ": " + event.getDetail()),
                            0));
                }
            }
        }
        List<Row> all = new ArrayList<>();
        for (List<Row> rows : byGroup.values()) {
            for (Row row : rows) {
                all.add(row.outcome().isEmpty()
                        ? close(row, row.nextVisible() <= now ? "timed out" : "in flight") : row);
            }
        }
        return all;
    }

    private static Row close(Row row, String outcome) {
        return new Row(row.group(), row.attempt(), row.time(), row.client(), outcome, row.nextVisible());
    }

    private static String outcome(String type) {
        return switch (type) {
            case "ACKED" -> "acked";
            case "NACKED" -> "nacked";
            case "RELEASED" -> "released (client gone)";
            case "DEAD_LETTERED" -> "dead-lettered";
            case "REDRIVEN" -> "redriven";
            default -> type.toLowerCase(java.util.Locale.ROOT);
        };
    }
}
