package dev.sluice.controller.image;

/** The kind of messages a topic accepts; a send of another kind is refused by the proxy. */
public enum MessageType {
    NORMAL,
    FIFO,
    DELAY,
    TRANSACTION
}
