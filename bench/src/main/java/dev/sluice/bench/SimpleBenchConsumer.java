package dev.sluice.bench;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import org.apache.rocketmq.client.apis.ClientException;
import org.apache.rocketmq.client.apis.consumer.FilterExpression;
import org.apache.rocketmq.client.apis.consumer.SimpleConsumer;
import org.apache.rocketmq.client.apis.message.MessageView;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The official SimpleConsumer driven by a few receive loops (long polling), acking every message
 * asynchronously; a message counts as consumed once its ack succeeded.
 */
final class SimpleBenchConsumer implements BenchConsumer {

    private static final Logger log = LoggerFactory.getLogger(SimpleBenchConsumer.class);
    private static final int THREADS = 4;
    private static final int BATCH = 32;
    private static final Duration AWAIT = Duration.ofSeconds(5);
    private static final Duration INVISIBLE = Duration.ofSeconds(30);

    private final SimpleConsumer consumer;
    private final Handler handler;
    private final List<Thread> loops = new ArrayList<>();
    private final LongAdder errors = new LongAdder();
    private volatile boolean stopped;

    SimpleBenchConsumer(Target target, String group, String topic, Handler handler) throws ClientException {
        this.handler = handler;
        this.consumer = target.provider().newSimpleConsumerBuilder()
                .setClientConfiguration(target.clientConfiguration())
                .setConsumerGroup(group)
                .setSubscriptionExpressions(Map.of(topic, FilterExpression.SUB_ALL))
                .setAwaitDuration(AWAIT)
                .build();
        for (int i = 0; i < THREADS; i++) {
            Thread t = new Thread(this::receiveUntilStopped, "bench-simple-consumer-" + i);
            t.setDaemon(true);
            loops.add(t);
            t.start();
        }
    }

    private void receiveUntilStopped() {
        while (!stopped) {
            List<MessageView> views;
            try {
                views = consumer.receive(BATCH, INVISIBLE);
            } catch (ClientException e) {
                errors.increment();
                log.debug("receive failed", e);
                pauseAfterError();
                continue;
            }
            long receivedMicros = MicroClock.nowMicros();
            for (MessageView view : views) {
                consumer.ackAsync(view).whenComplete((ignored, error) -> {
                    if (error == null) {
                        handler.consumed(view, receivedMicros);
                    } else {
                        errors.increment();
                        log.debug("ack failed", error);
                    }
                });
            }
        }
    }

    /** A failing server answers at once; without a pause the loop would spin a core. */
    private void pauseAfterError() {
        try {
            TimeUnit.MILLISECONDS.sleep(100);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            stopped = true;
        }
    }

    @Override
    public long errors() {
        return errors.sum();
    }

    @Override
    public void close() throws IOException {
        stopped = true;
        try {
            for (Thread t : loops) {
                t.join(AWAIT.toMillis() + 5_000);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            consumer.close();
        }
    }
}
