package dev.sluice.bench;

import java.util.Map;
import java.util.Optional;
import org.apache.rocketmq.client.apis.message.Message;
import org.apache.rocketmq.client.apis.message.MessageBuilder;
import org.apache.rocketmq.client.apis.message.MessageView;

/**
 * What the bench writes into every message's user properties so the consumer side can tell
 * which run and which message it got and when that message was sent.
 */
public final class BenchMessages {

    static final String RUN = "bench_run";
    static final String SEQ = "bench_seq";
    static final String SENT_MICROS = "bench_sent_us";
    static final String PROBE = "bench_probe";
    /** The due time again, so lateness does not depend on the broker echoing the delivery timestamp. */
    static final String DUE_MILLIS = "bench_due_ms";

    /**
     * A consumed message of this run: its number, when it was sent (epoch µs), and for a
     * scheduled message when it was due (epoch ms, else 0).
     */
    public record Stamp(long seq, long sentMicros, boolean probe, long dueMillis) {
    }

    private BenchMessages() {
    }

    /** @param deliveryTimestamp epoch millis a scheduled message is due, or null for a normal one */
    public static Message build(Target target, String topic, byte[] body, long seq, boolean probe, Long deliveryTimestamp) {
        MessageBuilder builder = target.message()
                .setTopic(topic)
                .setBody(body)
                .addProperty(RUN, target.runId())
                .addProperty(SEQ, Long.toString(seq))
                .addProperty(SENT_MICROS, Long.toString(MicroClock.nowMicros()));
        if (probe) {
            builder.addProperty(PROBE, "1");
        }
        if (deliveryTimestamp != null) {
            builder.setDeliveryTimestamp(deliveryTimestamp).addProperty(DUE_MILLIS, Long.toString(deliveryTimestamp));
        }
        return builder.build();
    }

    /** The stamp of a message this run sent; empty for anything else found on the topic. */
    public static Optional<Stamp> read(MessageView view, String runId) {
        Map<String, String> props = view.getProperties();
        if (!runId.equals(props.get(RUN))) {
            return Optional.empty();
        }
        String due = props.get(DUE_MILLIS);
        return Optional.of(new Stamp(Long.parseLong(props.get(SEQ)), Long.parseLong(props.get(SENT_MICROS)),
                props.containsKey(PROBE), due == null ? 0 : Long.parseLong(due)));
    }
}
