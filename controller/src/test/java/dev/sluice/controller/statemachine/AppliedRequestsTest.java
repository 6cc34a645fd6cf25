package dev.sluice.controller.statemachine;

import dev.sluice.proto.controller.v1.ChangeResponse;
import dev.sluice.proto.controller.v1.CommandResult;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class AppliedRequestsTest {

    private static CommandResult version(long version) {
        return CommandResult.newBuilder().setChange(ChangeResponse.newBuilder().setVersion(version)).build();
    }

    @Test
    void shouldAnswerARepeatWithTheFirstOutcomeUntilItIsOlderThanTheRetention() {
        AppliedRequests requests = new AppliedRequests();
        requests.record("r1", 1_000, version(7));
        requests.record("r2", 2_000, version(8));

        assertThat(requests.outcome("r1")).contains(version(7));
        assertThat(requests.contains("r3")).isFalse();

        requests.record("r3", 1_000 + AppliedRequests.RETENTION_MS, version(9));
        assertThat(requests.outcome("r1")).as("exactly as old as the retention: kept").contains(version(7));
        requests.record("r4", 1_001 + AppliedRequests.RETENTION_MS, version(10));
        assertThat(requests.contains("r1")).isFalse();
        assertThat(requests.outcome("r2")).contains(version(8));
    }

    @Test
    void shouldSurviveASnapshotRoundTripInOrder() {
        AppliedRequests requests = new AppliedRequests();
        for (int i = 0; i < 5; i++) {
            requests.record("r" + i, i, version(i));
        }
        AppliedRequests restored = new AppliedRequests();
        restored.replaceWith(requests.toProto());

        assertThat(restored.toProto()).isEqualTo(requests.toProto());
        restored.record("late", AppliedRequests.RETENTION_MS + 1, version(99));
        assertThat(restored.contains("r0")).as("the oldest goes first").isFalse();
        assertThat(restored.contains("r4")).isTrue();
    }

    @Test
    void shouldForgetTheOldestBeyondTheEntryLimit() {
        AppliedRequests requests = new AppliedRequests();
        for (int i = 0; i <= AppliedRequests.MAX_ENTRIES; i++) {
            requests.record("r" + i, 0, version(i));
        }
        assertThat(requests.contains("r0")).isFalse();
        assertThat(requests.contains("r1")).isTrue();
        assertThat(requests.toProto()).hasSize(AppliedRequests.MAX_ENTRIES);
    }
}
