package dev.sluice.store;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

/** Builds messages and configurations for store tests and compares messages field by field. */
final class TestMessages {

    private TestMessages() {
    }

    static StoreConfig config(Path dir, long segmentBytes, FlushPolicy policy) {
        // a flush interval this long means no background checkpoint happens during a test; four open
        // queue files make tests of more queues close and reopen files under their reads and writes
        return new StoreConfig(dir, segmentBytes, policy, Duration.ofHours(1), Duration.ofHours(1),
                Duration.ofHours(72), 0.85, 0.95, 16, 4, Duration.ofMinutes(10));
    }

    static MessageRecord message(String topic, int queueId, String id, int bodyBytes, Random random) {
        byte[] body = new byte[bodyBytes];
        random.nextBytes(body);
        return new MessageRecord(topic, queueId, id, MessageKind.values()[random.nextInt(MessageKind.values().length)],
                random.nextBoolean() ? "tag-" + random.nextInt(3) : "", List.of("key-" + id, "shared"),
                random.nextBoolean() ? "group-ü" : "", random.nextLong(), random.nextLong(), "10.0.0.1:1234",
                Map.of("user", "välue-" + id, "empty", ""), Map.of("attempt", Integer.toString(random.nextInt(9))), body);
    }

    static void assertSameMessage(MessageRecord actual, MessageRecord expected) {
        assertThat(actual).usingRecursiveComparison().isEqualTo(expected);
    }
}
