package dev.sluice.bench;

import java.util.ArrayList;
import java.util.List;
import org.apache.rocketmq.client.apis.ClientException;
import org.apache.rocketmq.client.apis.producer.Producer;

/**
 * Opens producers that are ready to send. A fresh client holds its first sends until the server's
 * settings and the topic's route arrive (seconds on a busy box); one synchronous send per
 * producer before the clock starts keeps that out of warm-up and measurement alike.
 */
final class Producers {

    private static final byte[] PRIMER_BODY = new byte[16];

    private Producers() {
    }

    /**
     * @param scheduled prime with a scheduled message due now (a DELAY topic may refuse others)
     * @throws ClientException when the server refuses the primer; the producers opened so far are closed
     */
    static List<Producer> open(Target target, int count, String topic, boolean scheduled) throws ClientException {
        if (count < 1) {
            throw new IllegalArgumentException("--producers must be at least 1");
        }
        List<Producer> producers = new ArrayList<>();
        try {
            for (int i = 0; i < count; i++) {
                Producer producer = target.producer(topic);
                producers.add(producer);
                producer.send(BenchMessages.build(target, topic, PRIMER_BODY, i, true,
                        scheduled ? MicroClock.nowMillis() : null));
            }
            return producers;
        } catch (ClientException | RuntimeException e) {
            Closing.all(producers);
            throw e;
        }
    }
}
