package io.kaged.http;

import com.typesafe.config.Config;
import java.time.Duration;

/**
 * {@code kaged.http}, read once.
 *
 * @param metricsOpen whether {@code GET /metrics} answers without the bearer token
 */
public record HttpSettings(String host, int port, long maxBodyBytes, Duration askTimeout, boolean metricsOpen) {

    public static HttpSettings fromConfig(Config config) {
        Config c = config.getConfig("kaged.http");
        return new HttpSettings(
                c.getString("host"),
                c.getInt("port"),
                c.getBytes("max-body"),
                c.getDuration("ask-timeout"),
                c.getBoolean("metrics.open"));
    }

    public HttpSettings withPort(int newPort) {
        return new HttpSettings(host, newPort, maxBodyBytes, askTimeout, metricsOpen);
    }
}
