package dev.sluice.bench;

import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.apache.rocketmq.client.apis.ClientException;
import org.apache.rocketmq.client.apis.producer.Producer;

/**
 * Waits until a freshly started consumer really receives: brokers may place a new group at the
 * queue's end on its first poll, so messages sent before that would count as lost.
 */
final class Probe {

    private static final Duration INTERVAL = Duration.ofMillis(500);
    private volatile boolean seen;

    /** Called by the consumer's handler for a probe message. */
    void seen() {
        seen = true;
    }

    /**
     * Sends a small probe message every half second until the consumer saw one.
     *
     * @param scheduled send probes as scheduled messages due immediately (for a DELAY topic)
     * @throws ClientException when the server refuses the probe itself
     */
    void await(Producer producer, Target target, String topic, boolean scheduled, Duration timeout)
            throws ClientException, InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        byte[] body = new byte[16];
        for (long seq = 0; !seen; seq++) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("the consumer received none of the probe messages within " + timeout
                        + " (is the consumer group allowed to subscribe? does the broker deliver?)");
            }
            producer.send(BenchMessages.build(target, topic, body, seq, true, scheduled ? MicroClock.nowMillis() : null));
            long until = System.nanoTime() + INTERVAL.toNanos();
            while (!seen && System.nanoTime() < until) {
                TimeUnit.MILLISECONDS.sleep(10);
            }
        }
    }
}
