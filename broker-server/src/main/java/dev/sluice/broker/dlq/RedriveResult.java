package dev.sluice.broker.dlq;

import java.util.List;

/**
 * What a redrive did.
 *
 * @param redriven        messages sent back to their topic by this call
 * @param alreadyRedriven matching messages an earlier redrive had already sent back
 * @param failures        one line per message that could not be sent back (its topic was deleted, …)
 */
public record RedriveResult(int redriven, int alreadyRedriven, List<String> failures) {
}
