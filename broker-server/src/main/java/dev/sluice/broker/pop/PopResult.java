package dev.sluice.broker.pop;

import java.util.List;

/**
 * What one pop on one queue produced: messages to deliver and messages to dead-letter.
 *
 * @param backoffEnds when a message whose consumer timed out becomes visible after its backoff
 *                    (Long.MAX_VALUE for none), so waiting receives can be woken then
 */
record PopResult(List<Claim> claims, List<DeadLetter> deadLetters, long backoffEnds) {
}
