package io.kaged.http.console;

import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The console's logged-in browsers, in memory: a random id (the cookie's value) and when it was last used.
 * A session ends after {@code idleTimeout} without a request, at logout, and with the daemon: a restart
 * logs every browser out, which is the safe side for a credential that is not written anywhere.
 */
public final class ConsoleSessions {

    private final Map<String, Instant> lastSeen = new ConcurrentHashMap<>();
    private final SecureRandom random = new SecureRandom();
    private final Clock clock;
    private final Duration idleTimeout;

    public ConsoleSessions(Clock clock, Duration idleTimeout) {
        this.clock = clock;
        this.idleTimeout = idleTimeout;
    }

    public String start() {
        Instant now = clock.instant();
        lastSeen.values().removeIf(seen -> expired(seen, now));
        byte[] bytes = new byte[32];
        random.nextBytes(bytes);
        String id = Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
        lastSeen.put(id, now);
        return id;
    }

    /** Whether {@code id} is a live session; if so its idle time starts again. */
    public boolean touch(String id) {
        Instant now = clock.instant();
        Instant seen = lastSeen.computeIfPresent(id, (k, previous) -> expired(previous, now) ? null : now);
        return seen != null;
    }

    public void end(String id) {
        lastSeen.remove(id);
    }

    private boolean expired(Instant seen, Instant now) {
        return !now.isBefore(seen.plus(idleTimeout));
    }
}
