package dev.sluice.broker.pop;

import dev.sluice.store.StoredMessage;
import java.util.concurrent.CompletableFuture;

/** Stores the dead-letter copy of a message; the source position is released only after it completes. */
@FunctionalInterface
public interface DeadLetterSink {
    CompletableFuture<Void> deadLetter(StoredMessage message, String group, int attempts, String reason);
}
