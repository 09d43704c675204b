package io.agentgate.common;

import java.security.SecureRandom;
import java.util.UUID;

/**
 * Identifiers of rows that are written at a high rate: time-ordered UUIDs (version 7, RFC 9562). 48 bits of
 * milliseconds, then 74 random bits, so an id is as hard to guess as a random UUID, while new rows land at the right
 * edge of their index instead of in a random page: a commit rewrites a few index pages, not one per row.
 */
public final class Ids {

    private static final SecureRandom RANDOM = new SecureRandom();

    private Ids() {
    }

    public static UUID timeOrdered() {
        byte[] random = new byte[10];
        RANDOM.nextBytes(random);
        long millis = System.currentTimeMillis();
        long high = (millis & 0xFFFF_FFFF_FFFFL) << 16
                | 0x7000L
                | ((random[0] & 0x0FL) << 8) | (random[1] & 0xFFL);
        long low = 0x8000_0000_0000_0000L | ((random[2] & 0x3FL) << 56);
        for (int i = 3; i < 10; i++) {
            low |= (random[i] & 0xFFL) << (8 * (9 - i));
        }
        return new UUID(high, low);
    }
}
