package dev.sluice.store.commitlog;

import java.nio.file.attribute.FileTime;

/** A commit-log segment the writer has left behind, as retention sees it. */
public record SealedSegment(long baseOffset, long endOffset, FileTime lastModified) {
}
