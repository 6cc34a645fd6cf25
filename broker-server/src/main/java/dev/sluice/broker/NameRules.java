package dev.sluice.broker;

import java.util.regex.Pattern;

/** The naming rules RocketMQ clients and servers share for topics, groups, tags, keys and properties. */
public final class NameRules {

    private static final Pattern RESOURCE = Pattern.compile("^[%a-zA-Z0-9_-]+$");
    public static final int MAX_TOPIC_LENGTH = 127;
    public static final int MAX_GROUP_LENGTH = 120;
    public static final int MAX_MESSAGE_GROUP_BYTES = 63;
    /** Prefix of names Sluice reserves for its own topics ({@code %DLQ%…}). */
    public static final String SYSTEM_PREFIX = "%";

    private NameRules() {
    }

    public static void checkTopic(String name) {
        checkResource(name, MAX_TOPIC_LENGTH, BrokerError.ILLEGAL_TOPIC, "topic");
    }

    public static void checkGroup(String name) {
        checkResource(name, MAX_GROUP_LENGTH, BrokerError.ILLEGAL_GROUP, "consumer group");
    }

    /** A topic name a user may create or send to; {@code %}-prefixed names are Sluice's own. */
    public static void checkUserTopic(String name) {
        checkTopic(name);
        if (name.startsWith(SYSTEM_PREFIX)) {
            throw new BrokerException(BrokerError.ILLEGAL_TOPIC, "topic names starting with '%' are reserved: " + name);
        }
    }

    public static void checkTag(String tag) {
        if (tag.isBlank() || tag.indexOf('|') >= 0 || hasControlChar(tag)) {
            throw new BrokerException(BrokerError.ILLEGAL_TAG,
                    "tag must be non-blank without '|' or control characters: '" + tag + "'");
        }
    }

    public static void checkKey(String key) {
        if (key.isBlank() || hasControlChar(key)) {
            throw new BrokerException(BrokerError.ILLEGAL_KEY, "message key must be non-blank without control characters");
        }
    }

    private static void checkResource(String name, int maxLength, BrokerError error, String what) {
        if (name == null || name.isEmpty()) {
            throw new BrokerException(error, what + " name is required");
        }
        if (name.length() > maxLength) {
            throw new BrokerException(error, what + " name longer than " + maxLength + " characters: " + name);
        }
        if (!RESOURCE.matcher(name).matches()) {
            throw new BrokerException(error, what + " name may contain only letters, digits, '%', '_' and '-': " + name);
        }
    }

    public static boolean hasControlChar(String s) {
        for (int i = 0; i < s.length(); i++) {
            if (Character.isISOControl(s.charAt(i))) {
                return true;
            }
        }
        return false;
    }
}
