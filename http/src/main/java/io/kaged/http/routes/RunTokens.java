package io.kaged.http.routes;

import java.nio.charset.StandardCharsets;
import java.security.InvalidKeyException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import java.util.Optional;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Tokens scoped to one run ({@code KAGED_TOKEN} in the run's environment): they may start child runs of
 * that run and read that run and its children, nothing else. A token is the run id and an HMAC of it
 * keyed by the daemon's own token, so it needs no storage, survives restarts, and dies with the daemon
 * token when that is replaced.
 */
public final class RunTokens {

    private static final String PREFIX = "kgr.";

    private final SecretKeySpec key;

    public RunTokens(String daemonToken) {
        this.key = new SecretKeySpec(daemonToken.getBytes(StandardCharsets.UTF_8), "HmacSHA256");
    }

    public String issue(String runId) {
        return PREFIX + runId + "." + mac(runId);
    }

    /** The run a token belongs to, if it is a valid run token. */
    public Optional<String> runOf(String token) {
        if (!token.startsWith(PREFIX)) {
            return Optional.empty();
        }
        int dot = token.lastIndexOf('.');
        if (dot <= PREFIX.length()) {
            return Optional.empty();
        }
        String runId = token.substring(PREFIX.length(), dot);
        byte[] given = token.substring(dot + 1).getBytes(StandardCharsets.UTF_8);
        byte[] expected = mac(runId).getBytes(StandardCharsets.UTF_8);
        return MessageDigest.isEqual(given, expected) ? Optional.of(runId) : Optional.empty();
    }

    private String mac(String runId) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(key);
            return Base64.getUrlEncoder()
                    .withoutPadding()
                    .encodeToString(mac.doFinal(("run:" + runId).getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException | InvalidKeyException e) {
            throw new IllegalStateException("HmacSHA256 is in every JDK", e);
        }
    }
}
