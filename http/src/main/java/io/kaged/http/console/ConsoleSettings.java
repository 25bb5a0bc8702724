package io.kaged.http.console;

import com.typesafe.config.Config;
import java.time.Duration;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * {@code kaged.http.console}, read once.
 *
 * @param hosts the host names (no port) a browser may use to reach the console: the bind host, {@code
 *     localhost}, {@code 127.0.0.1} and {@code ::1}, plus {@code kaged.http.console.hosts}
 * @param idleTimeout how long a console session lives without a request
 */
public record ConsoleSettings(Set<String> hosts, Duration idleTimeout) {

    public static ConsoleSettings fromConfig(Config config, String bindHost) {
        Config c = config.getConfig("kaged.http.console");
        Duration idle = c.getDuration("idle-timeout");
        if (idle.isNegative() || idle.isZero()) {
            throw new IllegalArgumentException(
                    "kaged.http.console.idle-timeout must be positive; got " + c.getString("idle-timeout"));
        }
        Set<String> hosts = new LinkedHashSet<>();
        for (String h : List.of(bindHost, "localhost", "127.0.0.1", "::1")) {
            hosts.add(HostNames.normalize(h));
        }
        for (String h : c.getStringList("hosts")) {
            if (h.isBlank() || h.contains("/") || h.contains(" ")) {
                throw new IllegalArgumentException(
                        "kaged.http.console.hosts holds host names without scheme or port; got '" + h + "'");
            }
            hosts.add(HostNames.normalize(h.toLowerCase(Locale.ROOT)));
        }
        return new ConsoleSettings(Set.copyOf(hosts), idle);
    }
}
