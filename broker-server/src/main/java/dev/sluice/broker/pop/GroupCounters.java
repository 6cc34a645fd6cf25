package dev.sluice.broker.pop;

import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.atomic.LongAdder;

/** Per consumer group counts of what redelivery did, for metrics and admin. */
public final class GroupCounters {

    /** One group's counters. */
    public record Counts(LongAdder redeliveries, LongAdder nacks, LongAdder releases, LongAdder deadLettered) {
    }

    private final ConcurrentMap<String, Counts> byGroup = new ConcurrentHashMap<>();

    public Counts of(String group) {
        return byGroup.computeIfAbsent(group,
                g -> new Counts(new LongAdder(), new LongAdder(), new LongAdder(), new LongAdder()));
    }
}
