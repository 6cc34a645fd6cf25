package dev.sluice.bench;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class DeliveryLedgerTest {

    @Test
    void countsLostAndDuplicatesWhateverTheOrderOfSendAnswersAndReceipts() {
        DeliveryLedger ledger = new DeliveryLedger();
        assertThat(ledger.received(1)).as("consumed before its send was answered").isTrue();
        ledger.sent(0);
        ledger.sent(1);
        ledger.sent(2);
        assertThat(ledger.received(0)).isTrue();
        assertThat(ledger.received(0)).as("second consumption").isFalse();
        assertThat(ledger.received(0)).isFalse();

        assertThat(ledger.sentCount()).isEqualTo(3);
        assertThat(ledger.receivedCount()).isEqualTo(2);
        assertThat(ledger.duplicates()).isEqualTo(2);
        assertThat(ledger.lost()).isEqualTo(1);
        assertThat(ledger.complete()).isFalse();

        ledger.received(2);
        assertThat(ledger.lost()).isZero();
        assertThat(ledger.complete()).isTrue();
    }

    @Test
    void aMessageWhoseSendFailedButArrivedAnywayIsNotLost() {
        DeliveryLedger ledger = new DeliveryLedger();
        ledger.sent(0);
        ledger.received(5);
        assertThat(ledger.lost()).isEqualTo(1);
        assertThat(ledger.complete()).isFalse();
    }
}
