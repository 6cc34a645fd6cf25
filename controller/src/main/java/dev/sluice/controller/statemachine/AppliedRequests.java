package dev.sluice.controller.statemachine;

import dev.sluice.proto.controller.v1.AppliedRequest;
import dev.sluice.proto.controller.v1.CommandResult;

import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Optional;

/**
 * Outcomes of recently applied writes by request id. A client that retries a write after a
 * lost reply or a leader change sends the same id again; the state machine answers the repeat
 * with the first outcome instead of applying it twice (or refusing it as ALREADY_EXISTS).
 *
 * <p>Part of the replicated state: changed only by applying entries, forgotten by the
 * leader-stamped time of later entries, bounded in count and bytes, and saved in snapshots —
 * so every node, and every future leader, answers a repeat the same way. Not thread-safe: the
 * state machine guards it with its monitor.
 */
final class AppliedRequests {

    /** How long an outcome is kept: far longer than any client keeps retrying one call. */
    static final long RETENTION_MS = 5 * 60_000;
    static final int MAX_ENTRIES = 50_000;
    /** Outcomes of topic changes carry the topic's queue map; this caps the snapshot share. */
    static final long MAX_BYTES = 16L << 20;
    static final int MAX_REQUEST_ID_LENGTH = 128;

    /** Insertion order is apply order, so the oldest entry is always first. */
    private final LinkedHashMap<String, AppliedRequest> byId = new LinkedHashMap<>();
    private long bytes;

    Optional<CommandResult> outcome(String requestId) {
        return Optional.ofNullable(byId.get(requestId)).map(AppliedRequest::getResult);
    }

    boolean contains(String requestId) {
        return byId.containsKey(requestId);
    }

    /** Remembers an outcome and forgets what is too old or over the bounds, judged by the entry's time. */
    void record(String requestId, long timestampMs, CommandResult result) {
        add(AppliedRequest.newBuilder().setRequestId(requestId).setTimestampMs(timestampMs).setResult(result).build());
        Iterator<AppliedRequest> oldest = byId.values().iterator();
        while (oldest.hasNext()) {
            AppliedRequest first = oldest.next();
            if (first.getTimestampMs() >= timestampMs - RETENTION_MS && byId.size() <= MAX_ENTRIES
                    && bytes <= MAX_BYTES) {
                break;
            }
            bytes -= first.getSerializedSize();
            oldest.remove();
        }
    }

    List<AppliedRequest> toProto() {
        return List.copyOf(byId.values());
    }

    void replaceWith(List<AppliedRequest> loaded) {
        byId.clear();
        bytes = 0;
        loaded.forEach(this::add);
    }

    private void add(AppliedRequest request) {
        AppliedRequest previous = byId.remove(request.getRequestId());
        if (previous != null) {
            bytes -= previous.getSerializedSize();
        }
        byId.put(request.getRequestId(), request);
        bytes += request.getSerializedSize();
    }
}
