package dev.sluice.bench;

import java.util.BitSet;

/**
 * Which of a run's messages (numbered 0..n) were sent successfully and which were consumed,
 * and how often: two bits per message, so even 100 million messages fit in a few dozen MB.
 * Consumption may be recorded before the send's answer arrives; only the final sets matter.
 */
public final class DeliveryLedger {

    private final BitSet sent;
    private final BitSet received = new BitSet();
    private long sentCount;
    private long receivedCount;
    private long duplicates;

    public DeliveryLedger() {
        this.sent = new BitSet();
    }

    /** A ledger whose sends were recorded elsewhere (by an earlier process), nothing received yet. */
    public DeliveryLedger(BitSet sent) {
        this.sent = (BitSet) sent.clone();
        this.sentCount = sent.cardinality();
    }

    /** A copy of the numbers of the messages sent successfully. */
    public synchronized BitSet sentSet() {
        return (BitSet) sent.clone();
    }

    public synchronized void sent(long seq) {
        int i = index(seq);
        if (!sent.get(i)) {
            sent.set(i);
            sentCount++;
        }
    }

    /** Records a successful consumption; true the first time this message is seen. */
    public synchronized boolean received(long seq) {
        int i = index(seq);
        if (received.get(i)) {
            duplicates++;
            return false;
        }
        received.set(i);
        receivedCount++;
        return true;
    }

    public synchronized long sentCount() {
        return sentCount;
    }

    /** Distinct messages consumed. */
    public synchronized long receivedCount() {
        return receivedCount;
    }

    /** Consumptions beyond the first of the same message. */
    public synchronized long duplicates() {
        return duplicates;
    }

    /** Sent successfully, never consumed. */
    public synchronized long lost() {
        BitSet missing = (BitSet) sent.clone();
        missing.andNot(received);
        return missing.cardinality();
    }

    /** Sent successfully and all of them consumed. */
    public synchronized boolean complete() {
        return receivedCount >= sentCount && lost() == 0;
    }

    private static int index(long seq) {
        if (seq < 0 || seq > Integer.MAX_VALUE - 1) {
            throw new IllegalArgumentException("message number out of range: " + seq);
        }
        return (int) seq;
    }
}
