package dev.sluice.store;

/** The delivery semantics a message was sent with; also the type a topic accepts. */
public enum MessageKind {
    NORMAL,
    FIFO,
    DELAY,
    TRANSACTION
}
