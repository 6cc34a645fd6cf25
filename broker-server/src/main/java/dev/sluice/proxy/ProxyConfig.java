package dev.sluice.proxy;

import java.time.Duration;

/**
 * Settings of the RocketMQ gRPC front end. Defaults follow the Apache RocketMQ proxy where the
 * clients depend on them (see docs/rocketmq-v2-protocol.md §3.3, §4.3). Invisible-time limits
 * are the broker's ({@code BrokerConfig}): it owns deliveries and checks them.
 *
 * @param maxBodyBytes            largest message body accepted; also sent to producers as
 *                                {@code publishing.max_body_size} (0 there would fail every send)
 * @param maxInboundMessageBytes  gRPC inbound frame limit; must exceed a batch of maximal bodies
 * @param maxProperties           most user properties per message
 * @param maxPropertiesBytes      most bytes of user property keys + values + tag + keys per message
 * @param minPollTimeout          shortest long poll, whatever the client asks
 * @param maxPollTimeout          longest long poll, whatever the client asks
 * @param responseMargin          part of the client's deadline kept free to carry the answer back
 * @param pushReceiveBatchSize    {@code receive_batch_size} told to push consumers
 * @param pushLongPollingTimeout  {@code long_polling_timeout} told to push consumers
 * @param producerBackoff         send retry policy told to producers
 * @param brokerName              the broker name routes carry; clients only need it stable
 */
public record ProxyConfig(
        int maxBodyBytes,
        int maxInboundMessageBytes,
        int maxProperties,
        int maxPropertiesBytes,
        Duration minPollTimeout,
        Duration maxPollTimeout,
        Duration responseMargin,
        int pushReceiveBatchSize,
        Duration pushLongPollingTimeout,
        ProducerBackoff producerBackoff,
        String brokerName) {

    /**
     * Exponential send backoff. The Java client refuses any other strategy in the Settings answer
     * and keeps its own {@code maxAttempts}; it waits only after TOO_MANY_REQUESTS.
     */
    public record ProducerBackoff(Duration initial, Duration max, double multiplier, int maxAttempts) {
    }

    public static ProxyConfig defaults() {
        return new ProxyConfig(
                4 * 1024 * 1024,
                130 * 1024 * 1024,
                128,
                16 * 1024,
                Duration.ofSeconds(5),
                Duration.ofSeconds(20),
                Duration.ofMillis(500),
                32,
                Duration.ofSeconds(20),
                new ProducerBackoff(Duration.ofMillis(10), Duration.ofSeconds(1), 2.0, 3),
                "sluice-broker-0");
    }

    public ProxyConfig {
        if (maxInboundMessageBytes <= maxBodyBytes) {
            throw new IllegalArgumentException("maxInboundMessageBytes (" + maxInboundMessageBytes
                    + ") must exceed maxBodyBytes (" + maxBodyBytes + ") to leave room for headers");
        }
        if (minPollTimeout.compareTo(maxPollTimeout) > 0) {
            throw new IllegalArgumentException("minPollTimeout must not exceed maxPollTimeout");
        }
    }
}
