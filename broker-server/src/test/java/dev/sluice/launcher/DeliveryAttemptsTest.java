package dev.sluice.launcher;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.proto.admin.v1.DeliveryEvent;
import java.util.List;
import org.junit.jupiter.api.Test;

class DeliveryAttemptsTest {

    private static DeliveryEvent event(String type, long time, int attempt, long nextVisible, String detail) {
        return DeliveryEvent.newBuilder().setGroup("g").setType(type).setTimeMillis(time).setAttempt(attempt)
                .setNextVisibleMillis(nextVisible).setDetail(detail).build();
    }

    @Test
    void eachAttemptEndsWithWhatFollowedIt() {
        List<DeliveryAttempts.Row> rows = DeliveryAttempts.fold(List.of(
                event("DELIVERED", 1_000, 1, 2_000, "c1"),
                event("DELIVERED", 2_500, 2, 3_500, "c1"),
                event("NACKED", 2_600, 2, 4_000, ""),
                event("DELIVERED", 4_100, 3, 5_000, "c2"),
                event("DEAD_LETTERED", 5_200, 3, 0, "max delivery attempts (3) reached"),
                event("REDRIVEN", 6_000, 0, 0, "back to orders")), 10_000);

        assertThat(rows).extracting(DeliveryAttempts.Row::outcome).containsExactly(
                "timed out", "nacked", "timed out", "dead-lettered: max delivery attempts (3) reached",
                "redriven: back to orders");
        assertThat(rows).extracting(DeliveryAttempts.Row::client).containsExactly("c1", "c1", "c2", "", "");
        assertThat(rows.get(1).nextVisible()).isEqualTo(4_000);
    }

    @Test
    void renewedDeliveryIsInFlightUntilItsRenewedDeadline() {
        List<DeliveryEvent> events = List.of(
                event("DELIVERED", 1_000, 1, 2_000, "push-1"),
                event("RENEWED", 1_900, 1, 5_000, ""));

        assertThat(DeliveryAttempts.fold(events, 3_000)).singleElement().satisfies(row -> {
            assertThat(row.outcome()).isEqualTo("in flight");
            assertThat(row.nextVisible()).isEqualTo(5_000);
        });
        assertThat(DeliveryAttempts.fold(events, 6_000).get(0).outcome()).isEqualTo("timed out");
    }

    @Test
    void ackedAttemptIsAcked() {
        assertThat(DeliveryAttempts.fold(List.of(event("DELIVERED", 1, 1, 100, "c"), event("ACKED", 50, 1, 0, "")), 10))
                .singleElement().satisfies(row -> assertThat(row.outcome()).isEqualTo("acked"));
    }
}
