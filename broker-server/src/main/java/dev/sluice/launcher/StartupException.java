package dev.sluice.launcher;

/** Sluice cannot start (a port is taken, the data directory is unusable); the message says which. */
final class StartupException extends RuntimeException {

    StartupException(String message, Throwable cause) {
        super(message, cause);
    }
}
