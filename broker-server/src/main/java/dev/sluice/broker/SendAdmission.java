package dev.sluice.broker;

import dev.sluice.store.MessageRecord;
import dev.sluice.store.MessageStore;
import dev.sluice.store.PutResult;
import dev.sluice.store.StoredMessage;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Function;

/**
 * The last step before the store: refuses work the store cannot absorb (TOO_MANY_REQUESTS,
 * which the official producer backs off on) and stores a message id only once per topic
 * within the dedup window, because producers resend with the same id after a timeout.
 */
final class SendAdmission {

    private final MessageStore store;
    private final long dedupWindowMillis;
    private final int maxPendingMessages;
    private final AtomicInteger pending = new AtomicInteger();
    private final ConcurrentMap<String, CompletableFuture<SendReceipt>> inFlight = new ConcurrentHashMap<>();
    private final LongAdder duplicates = new LongAdder();

    SendAdmission(MessageStore store, BrokerConfig config) {
        this.store = store;
        this.dedupWindowMillis = config.dedupWindow().toMillis();
        this.maxPendingMessages = config.maxPendingSends();
    }

    CompletableFuture<List<SendReceipt>> append(List<MessageRecord> messages,
                                                Function<Throwable, RuntimeException> translate) {
        long now = System.currentTimeMillis();
        List<CompletableFuture<SendReceipt>> results = new ArrayList<>(messages.size());
        List<MessageRecord> toStore = new ArrayList<>(messages.size());
        List<CompletableFuture<SendReceipt>> stored = new ArrayList<>(messages.size());
        for (MessageRecord message : messages) {
            // claim the id before looking it up: an earlier attempt leaves inFlight only after its
            // index entry is written, so it is either still claimed here or found by the lookup
            String key = key(message);
            CompletableFuture<SendReceipt> mine = new CompletableFuture<>();
            CompletableFuture<SendReceipt> concurrent = inFlight.putIfAbsent(key, mine);
            if (concurrent != null) {
                duplicates.increment();
                results.add(concurrent);
                continue;
            }
            Optional<SendReceipt> earlier = recentlyStored(message, now);
            if (earlier.isPresent()) {
                duplicates.increment();
                mine.complete(earlier.get());
                inFlight.remove(key, mine);
                results.add(mine);
                continue;
            }
            toStore.add(message);
            stored.add(mine);
            results.add(mine);
        }
        if (!toStore.isEmpty()) {
            store(toStore, stored, translate);
        }
        return CompletableFuture.allOf(results.toArray(CompletableFuture[]::new))
                .thenApply(done -> results.stream().map(CompletableFuture::join).toList());
    }

    private void store(List<MessageRecord> messages, List<CompletableFuture<SendReceipt>> futures,
                       Function<Throwable, RuntimeException> translate) {
        int count = messages.size();
        if (pending.addAndGet(count) > maxPendingMessages) {
            pending.addAndGet(-count);
            finish(messages, futures, null, new BrokerException(BrokerError.BUSY,
                    "broker is overloaded (" + maxPendingMessages + " messages waiting for the disk); retry later"));
            return;
        }
        store.append(messages).whenComplete((results, error) -> {
            pending.addAndGet(-count);
            finish(messages, futures, results, error == null ? null : translate.apply(error));
        });
    }

    private void finish(List<MessageRecord> messages, List<CompletableFuture<SendReceipt>> futures,
                        List<PutResult> results, RuntimeException error) {
        for (int i = 0; i < messages.size(); i++) {
            MessageRecord message = messages.get(i);
            if (error != null) {
                futures.get(i).completeExceptionally(error);
            } else {
                PutResult r = results.get(i);
                futures.get(i).complete(new SendReceipt(message.messageId(), r.topic(), r.queueId(), r.queueOffset()));
            }
            // removed only once complete: a resend arriving meanwhile joins this attempt
            inFlight.remove(key(message), futures.get(i));
        }
    }

    private Optional<SendReceipt> recentlyStored(MessageRecord message, long now) {
        if (dedupWindowMillis <= 0 || !store.mightHoldRecentId(message.topic(), message.messageId())) {
            return Optional.empty();
        }
        Optional<StoredMessage> earlier = store.findRecentById(message.topic(), message.messageId());
        return earlier.filter(m -> now - m.storeTimestamp() < dedupWindowMillis)
                .map(m -> new SendReceipt(message.messageId(), message.topic(), m.record().queueId(), m.queueOffset()));
    }

    long duplicates() {
        return duplicates.sum();
    }

    private static String key(MessageRecord message) {
        return message.topic() + '\0' + message.messageId();
    }
}
