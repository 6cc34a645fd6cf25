package dev.sluice.bench;

/** Which of the official client's consumers a scenario reads with. */
public enum ConsumerKind {
    /** PushConsumer: the client polls, caches and acks; the listener just returns SUCCESS. */
    push,
    /** SimpleConsumer: the bench receives in batches and acks each message itself. */
    simple
}
