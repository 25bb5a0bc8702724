package io.kaged.http.routes;

import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Short-lived, single-use tickets for WebSocket attach: a browser cannot set an Authorization header on a
 * WebSocket, so it first asks for a ticket with its token (an ordinary authenticated POST) and then opens
 * the socket with {@code ?ticket=}. A ticket is good for one session, once, for {@link #TTL}.
 */
public final class AttachTickets {

    public static final Duration TTL = Duration.ofSeconds(30);

    public record Ticket(String ticket, String sessionId, Instant expiresAt) {}

    private final Map<String, Ticket> issued = new ConcurrentHashMap<>();
    private final SecureRandom random = new SecureRandom();
    private final Clock clock;

    public AttachTickets(Clock clock) {
        this.clock = clock;
    }

    public Ticket issue(String sessionId) {
        Instant now = clock.instant();
        issued.values().removeIf(t -> t.expiresAt().isBefore(now));
        byte[] bytes = new byte[24];
        random.nextBytes(bytes);
        Ticket t = new Ticket(Base64.getUrlEncoder().withoutPadding().encodeToString(bytes), sessionId, now.plus(TTL));
        issued.put(t.ticket(), t);
        return t;
    }

    /** True once for a valid, unexpired ticket of this session; the ticket is gone afterwards. */
    public boolean redeem(String ticket, String sessionId) {
        Ticket t = issued.remove(ticket);
        return t != null && t.sessionId().equals(sessionId) && clock.instant().isBefore(t.expiresAt());
    }
}
