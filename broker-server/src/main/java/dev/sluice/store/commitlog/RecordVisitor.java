package dev.sluice.store.commitlog;

import java.io.IOException;

/** Receives the valid records a recovery scan passes, in commit-log order. */
@FunctionalInterface
public interface RecordVisitor {
    void visit(long commitLogOffset, int frameBytes, DecodedRecord record) throws IOException;
}
