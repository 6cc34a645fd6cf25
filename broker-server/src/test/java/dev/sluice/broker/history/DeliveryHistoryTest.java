package dev.sluice.broker.history;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.broker.TestStores;
import dev.sluice.store.LogStore;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Events live as long as their messages: retention and topic deletion take them along. */
class DeliveryHistoryTest {

    @TempDir
    Path dir;
    private LogStore store;
    private DeliveryHistory history;

    @BeforeEach
    void open() {
        store = TestStores.open(dir);
        history = new DeliveryHistory(store.kv());
    }

    @AfterEach
    void close() {
        store.close();
    }

    private void delivered(String topic, int queueId, long offset) {
        history.record(topic, queueId, offset, new DeliveryEvent("g", DeliveryEvent.Type.DELIVERED, 1, 1, 2, "c"));
    }

    private int events(String topic, int queueId, long offset) {
        return history.of(topic, queueId, offset, null).size();
    }

    @Test
    void trimmingDropsTheEventsOfMessagesBelowTheFirstOffsetOfThatQueueOnly() {
        for (long offset = 0; offset < 10; offset++) {
            delivered("orders", 0, offset);
            delivered("orders", 1, offset);
            delivered("orders2", 0, offset);
        }
        delivered("orders", 0, 300);

        history.trimBefore("orders", 0, 6);

        for (long offset = 0; offset < 10; offset++) {
            assertThat(events("orders", 0, offset)).as("orders/0 @%d", offset).isEqualTo(offset < 6 ? 0 : 1);
            assertThat(events("orders", 1, offset)).as("orders/1 @%d", offset).isEqualTo(1);
            assertThat(events("orders2", 0, offset)).as("orders2/0 @%d", offset).isEqualTo(1);
        }
        assertThat(events("orders", 0, 300)).isEqualTo(1);
    }

    @Test
    void trimmingAgainAfterARestartStillDrops() {
        delivered("orders", 0, 1);
        history.trimBefore("orders", 0, 1);
        delivered("orders", 0, 2);
        history = new DeliveryHistory(store.kv());
        delivered("orders", 0, 3);

        history.trimBefore("orders", 0, 3);

        assertThat(events("orders", 0, 2)).isZero();
        assertThat(events("orders", 0, 3)).isEqualTo(1);
    }

    @Test
    void forgettingATopicDropsAllItsEventsAndNoOtherTopics() {
        delivered("orders", 0, 0);
        delivered("orders", 3, 7);
        delivered("orders2", 0, 0);
        delivered("order", 0, 0);

        history.forgetTopic("orders");

        assertThat(events("orders", 0, 0)).isZero();
        assertThat(events("orders", 3, 7)).isZero();
        assertThat(events("orders2", 0, 0)).isEqualTo(1);
        assertThat(events("order", 0, 0)).isEqualTo(1);
    }

    @Test
    void aForgottenTopicsQueuesAreTrimmedAgainWhenItIsCreatedAnew() {
        delivered("orders", 0, 0);
        history.trimBefore("orders", 0, 5);
        history.forgetTopic("orders");
        for (long offset = 0; offset < 5; offset++) {
            delivered("orders", 0, offset);
        }

        history.trimBefore("orders", 0, 3);

        assertThat(events("orders", 0, 2)).isZero();
        assertThat(events("orders", 0, 3)).isEqualTo(1);
    }
}
