package io.kaged.http.console;

import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * One-time login tickets for the console, as {@code kaged console} prints them: whoever holds the bearer
 * token asks for one, the browser trades it for a session cookie. A ticket is good once, for {@link #TTL},
 * so a URL that leaks through a terminal's history or a screen share is worth nothing by the time it is read.
 */
public final class LoginTickets {

    public static final Duration TTL = Duration.ofSeconds(60);

    public record Ticket(String ticket, Instant expiresAt) {}

    private final Map<String, Instant> issued = new ConcurrentHashMap<>();
    private final SecureRandom random = new SecureRandom();
    private final Clock clock;

    public LoginTickets(Clock clock) {
        this.clock = clock;
    }

    public Ticket issue() {
        Instant now = clock.instant();
        issued.values().removeIf(expiry -> !now.isBefore(expiry));
        byte[] bytes = new byte[32];
        random.nextBytes(bytes);
        Ticket t = new Ticket(Base64.getUrlEncoder().withoutPadding().encodeToString(bytes), now.plus(TTL));
        issued.put(t.ticket(), t.expiresAt());
        return t;
    }

    /** True once for an issued, unexpired ticket; the ticket is gone afterwards, whatever the answer. */
    public boolean redeem(String ticket) {
        Instant expiry = issued.remove(ticket);
        return expiry != null && clock.instant().isBefore(expiry);
    }
}
