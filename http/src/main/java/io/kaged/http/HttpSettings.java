package io.kaged.http;

import com.typesafe.config.Config;
import io.kaged.http.tls.TlsSettings;
import java.time.Duration;

/**
 * {@code kaged.http}, read once.
 *
 * @param maxBodyBytes the largest request body accepted ({@code max-body})
 * @param drainBytes how much of a body over {@code max-body} is still read and thrown away, so the client
 *     sees its 413 instead of a reset connection ({@code max-body-drain})
 * @param metricsOpen whether {@code GET /metrics} answers without the bearer token
 * @param tls the certificate and key the port serves TLS with, if any ({@code kaged.http.tls})
 */
public record HttpSettings(
        String host,
        int port,
        long maxBodyBytes,
        long drainBytes,
        Duration askTimeout,
        boolean metricsOpen,
        TlsSettings tls) {

    public static final String MAX_BODY_KEY = "kaged.http.max-body";

    public HttpSettings {
        if (maxBodyBytes < 1) {
            throw new IllegalArgumentException(MAX_BODY_KEY + " must be at least 1 byte, not " + maxBodyBytes);
        }
        if (drainBytes < maxBodyBytes) {
            throw new IllegalArgumentException("kaged.http.max-body-drain (" + drainBytes + " bytes) must be at least "
                    + MAX_BODY_KEY + " (" + maxBodyBytes + " bytes)");
        }
    }

    public static HttpSettings fromConfig(Config config) {
        Config c = config.getConfig("kaged.http");
        return new HttpSettings(
                c.getString("host"),
                c.getInt("port"),
                c.getBytes("max-body"),
                c.getBytes("max-body-drain"),
                c.getDuration("ask-timeout"),
                c.getBoolean("metrics.open"),
                TlsSettings.fromConfig(config));
    }

    /** The URL scheme of the API: https when the port serves TLS. */
    public String scheme() {
        return tls.enabled() ? "https" : "http";
    }

    public HttpSettings withPort(int newPort) {
        return new HttpSettings(host, newPort, maxBodyBytes, drainBytes, askTimeout, metricsOpen, tls);
    }
}
