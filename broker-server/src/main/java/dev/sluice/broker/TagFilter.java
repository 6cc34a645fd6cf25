package dev.sluice.broker;

import java.util.Arrays;
import java.util.Set;
import java.util.stream.Collectors;

/** A TAG filter expression: {@code *} (everything) or {@code a || b || c}. */
public record TagFilter(Set<String> tags) {

    public static final TagFilter ALL = new TagFilter(Set.of());

    public TagFilter {
        tags = Set.copyOf(tags);
    }

    /** Parses a client's expression; blank or {@code *} means every message. */
    public static TagFilter parse(String expression) {
        if (expression == null || expression.isBlank() || expression.trim().equals("*")) {
            return ALL;
        }
        Set<String> tags = Arrays.stream(expression.split("\\|\\|"))
                .map(String::trim)
                .filter(t -> !t.isEmpty())
                .collect(Collectors.toUnmodifiableSet());
        if (tags.isEmpty() || tags.contains("*")) {
            throw new BrokerException(BrokerError.ILLEGAL_FILTER_EXPRESSION, "cannot parse tag expression: " + expression);
        }
        return new TagFilter(tags);
    }

    public boolean matchesAll() {
        return tags.isEmpty();
    }

    public boolean matches(String tag) {
        return tags.isEmpty() || tags.contains(tag);
    }

    /** True when a message whose tag hashes to {@code tagHash} might match: lets a pop skip reading it. */
    public boolean mayMatchHash(int tagHash) {
        if (tags.isEmpty()) {
            return true;
        }
        for (String t : tags) {
            if (t.hashCode() == tagHash) {
                return true;
            }
        }
        return false;
    }
}
