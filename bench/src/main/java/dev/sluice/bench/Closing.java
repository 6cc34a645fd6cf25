package dev.sluice.bench;

import java.io.Closeable;
import java.io.IOException;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Closes clients at the end of a run; a client that fails to close must not hide the run's result. */
final class Closing {

    private static final Logger log = LoggerFactory.getLogger(Closing.class);

    private Closing() {
    }

    static void all(List<? extends Closeable> clients) {
        for (Closeable c : clients) {
            quietly(c);
        }
    }

    static void quietly(Closeable client) {
        if (client == null) {
            return;
        }
        try {
            client.close();
        } catch (IOException e) {
            log.warn("closing a client failed", e);
        }
    }
}
