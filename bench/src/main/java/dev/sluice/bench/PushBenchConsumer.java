package dev.sluice.bench;

import java.io.IOException;
import java.util.Map;
import org.apache.rocketmq.client.apis.ClientException;
import org.apache.rocketmq.client.apis.consumer.ConsumeResult;
import org.apache.rocketmq.client.apis.consumer.FilterExpression;
import org.apache.rocketmq.client.apis.consumer.PushConsumer;

/** The official PushConsumer with its default cache and thread settings, as most users run it. */
final class PushBenchConsumer implements BenchConsumer {

    private final PushConsumer consumer;

    PushBenchConsumer(Target target, String group, String topic, Handler handler) throws ClientException {
        this.consumer = target.provider().newPushConsumerBuilder()
                .setClientConfiguration(target.clientConfiguration())
                .setConsumerGroup(group)
                .setSubscriptionExpressions(Map.of(topic, FilterExpression.SUB_ALL))
                .setMessageListener(view -> {
                    handler.consumed(view, MicroClock.nowMicros());
                    return ConsumeResult.SUCCESS;
                })
                .build();
    }

    /** The push consumer retries failed receives and acks internally and does not expose them. */
    @Override
    public long errors() {
        return 0;
    }

    @Override
    public void close() throws IOException {
        consumer.close();
    }
}
