package dev.sluice.controller.statemachine;

import java.io.IOException;

/**
 * A metadata command refused by validation. Ratis sends exceptions raised in
 * {@code startTransaction} to the client as class name plus message and rebuilds them with the
 * one-string constructor, so the code is carried in the message as {@code CODE: detail}.
 */
public final class RejectedCommandException extends IOException {

    private static final long serialVersionUID = 1L;

    private final RejectionCode code;
    private final String detail;

    public RejectedCommandException(RejectionCode code, String detail) {
        super(code.name() + ": " + detail);
        this.code = code;
        this.detail = detail;
    }

    /** Rebuilds the exception from its message; used by Ratis on the receiving side. */
    public RejectedCommandException(String message) {
        super(message);
        RejectionCode parsed = RejectionCode.FAILED_PRECONDITION;
        String rest = message;
        for (RejectionCode candidate : RejectionCode.values()) {
            if (message.startsWith(candidate.name() + ": ")) {
                parsed = candidate;
                rest = message.substring(candidate.name().length() + 2);
            }
        }
        this.code = parsed;
        this.detail = rest;
    }

    public RejectionCode code() {
        return code;
    }

    public String detail() {
        return detail;
    }
}
