package dev.sluice.proxy.grpc;

import dev.sluice.broker.Broker;
import dev.sluice.broker.GroupConfig;
import dev.sluice.broker.RetryPolicy;
import dev.sluice.proto.rmq.v2.ClientType;
import dev.sluice.proto.rmq.v2.Code;
import dev.sluice.proto.rmq.v2.CustomizedBackoff;
import dev.sluice.proto.rmq.v2.ExponentialBackoff;
import dev.sluice.proto.rmq.v2.Metric;
import dev.sluice.proto.rmq.v2.Publishing;
import dev.sluice.proto.rmq.v2.Settings;
import dev.sluice.proto.rmq.v2.Subscription;
import dev.sluice.proxy.ProxyConfig;
import java.time.Duration;

/**
 * Builds the Settings answer of the Telemetry handshake (protocol §3.3): the client's own
 * Settings with the server-decided values merged in. Each field set here is one the clients
 * read; leaving one out breaks them (a producer without exponential backoff fails to start,
 * max_body_size 0 fails every send, a push consumer without batch size receives nothing).
 */
final class SettingsComposer {

    private final Broker broker;
    private final ProxyConfig config;

    SettingsComposer(Broker broker, ProxyConfig config) {
        this.broker = broker;
        this.config = config;
    }

    Settings compose(Settings client) {
        Settings.Builder answer = client.toBuilder()
                // the proxy exports no client metrics; a client must not try to push them here
                .setMetric(Metric.newBuilder().setOn(false));
        switch (client.getPubSubCase()) {
            case PUBLISHING -> composeProducer(client, answer);
            case SUBSCRIPTION -> composeConsumer(client, answer);
            default -> throw new ProtocolException(Code.BAD_REQUEST,
                    "settings carry neither publishing nor subscription");
        }
        return answer.build();
    }

    private void composeProducer(Settings client, Settings.Builder answer) {
        ProxyConfig.ProducerBackoff backoff = config.producerBackoff();
        answer.setBackoffPolicy(dev.sluice.proto.rmq.v2.RetryPolicy.newBuilder()
                .setMaxAttempts(backoff.maxAttempts())
                .setExponentialBackoff(ExponentialBackoff.newBuilder()
                        .setInitial(ProtoTime.duration(wholeMillis(backoff.initial())))
                        .setMax(ProtoTime.duration(wholeMillis(backoff.max())))
                        .setMultiplier((float) backoff.multiplier())));
        answer.setPublishing(Publishing.newBuilder(client.getPublishing())
                .setMaxBodySize(config.maxBodyBytes())
                .setValidateMessageType(true));
    }

    private void composeConsumer(Settings client, Settings.Builder answer) {
        Subscription subscription = client.getSubscription();
        if (!subscription.hasGroup() || subscription.getGroup().getName().isEmpty()) {
            throw new ProtocolException(Code.ILLEGAL_CONSUMER_GROUP, "consumer settings carry no group");
        }
        GroupConfig group = broker.groupForUse(subscription.getGroup().getName());
        Subscription.Builder merged = subscription.toBuilder().setFifo(group.fifo());
        if (client.getClientType() == ClientType.PUSH_CONSUMER) {
            merged.setReceiveBatchSize(config.pushReceiveBatchSize())
                    .setLongPollingTimeout(ProtoTime.duration(config.pushLongPollingTimeout()));
        }
        answer.setSubscription(merged);
        answer.setBackoffPolicy(consumerBackoff(group));
    }

    /**
     * Whole seconds, rounded up: the Node client reads only the seconds of these durations, and
     * rounding down could turn a short delay into none.
     */
    private static dev.sluice.proto.rmq.v2.RetryPolicy consumerBackoff(GroupConfig group) {
        RetryPolicy retry = group.retryPolicy();
        dev.sluice.proto.rmq.v2.RetryPolicy.Builder policy = dev.sluice.proto.rmq.v2.RetryPolicy.newBuilder()
                .setMaxAttempts(group.maxDeliveryAttempts());
        if (retry.isCustomized()) {
            CustomizedBackoff.Builder steps = CustomizedBackoff.newBuilder();
            retry.customized().forEach(step -> steps.addNext(ProtoTime.duration(wholeSecondsUp(step))));
            return policy.setCustomizedBackoff(steps).build();
        }
        return policy.setExponentialBackoff(ExponentialBackoff.newBuilder()
                        .setInitial(ProtoTime.duration(wholeSecondsUp(retry.initial())))
                        .setMax(ProtoTime.duration(wholeSecondsUp(retry.max())))
                        .setMultiplier((float) retry.multiplier()))
                .build();
    }

    private static Duration wholeSecondsUp(Duration d) {
        long seconds = d.getSeconds() + (d.getNano() > 0 ? 1 : 0);
        return Duration.ofSeconds(seconds);
    }

    private static Duration wholeMillis(Duration d) {
        return Duration.ofMillis(d.toMillis());
    }
}
