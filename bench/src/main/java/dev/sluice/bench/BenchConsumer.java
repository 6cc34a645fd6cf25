package dev.sluice.bench;

import java.io.IOException;
import org.apache.rocketmq.client.apis.ClientException;
import org.apache.rocketmq.client.apis.message.MessageView;

/** A running consumer of one topic that tells a handler about every successfully consumed message. */
public interface BenchConsumer extends AutoCloseable {

    /** Called once per successful consumption (the listener returned SUCCESS, or the ack succeeded). */
    @FunctionalInterface
    interface Handler {
        /** @param receivedMicros when the message reached the application (epoch µs, {@link MicroClock}) */
        void consumed(MessageView view, long receivedMicros);
    }

    /** Failed receives and acks so far. */
    long errors();

    @Override
    void close() throws IOException;

    static BenchConsumer start(ConsumerKind kind, Target target, String group, String topic, Handler handler)
            throws ClientException {
        return switch (kind) {
            case push -> new PushBenchConsumer(target, group, topic, handler);
            case simple -> new SimpleBenchConsumer(target, group, topic, handler);
        };
    }
}
