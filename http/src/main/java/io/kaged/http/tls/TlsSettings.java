package io.kaged.http.tls;

import com.typesafe.config.Config;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Path;
import java.util.Optional;

/**
 * {@code kaged.http.tls}, read once.
 *
 * @param certificate the PEM certificate chain (server certificate first), or null for plain HTTP
 * @param privateKey the PEM private key of the certificate (PKCS#8), or null for plain HTTP
 * @param required whether listening beyond loopback needs TLS; false when a TLS-terminating proxy sits in
 *     front, or on a network the operator trusts
 */
public record TlsSettings(Path certificate, Path privateKey, boolean required) {

    public static final String KEY = "kaged.http.tls";

    public TlsSettings {
        if ((certificate == null) != (privateKey == null)) {
            throw new IllegalArgumentException(KEY + ".certificate and " + KEY
                    + ".private-key go together: set both (PEM files) for TLS, or neither for plain HTTP");
        }
    }

    public static TlsSettings fromConfig(Config config) {
        Config c = config.getConfig(KEY);
        return new TlsSettings(
                path(c.getString("certificate")), path(c.getString("private-key")), c.getBoolean("required"));
    }

    private static Path path(String value) {
        return value.isBlank() ? null : Path.of(value);
    }

    public boolean enabled() {
        return certificate != null;
    }

    /**
     * Why the daemon must not listen on {@code host} as configured: beyond loopback without TLS, while TLS is
     * required. Empty when it may.
     */
    public Optional<String> refusal(String host) {
        if (enabled() || !required || loopback(host)) {
            return Optional.empty();
        }
        return Optional.of("kaged.http.host is " + host + ", which other machines can reach, and the API and the"
                + " console would travel in clear (the token, the console's cookie, every keystroke). Set "
                + KEY + ".certificate and " + KEY + ".private-key (PEM files), or " + KEY + ".required = false if a"
                + " TLS-terminating proxy sits in front or the network is trusted.");
    }

    private static boolean loopback(String host) {
        try {
            return InetAddress.getByName(host).isLoopbackAddress();
        } catch (UnknownHostException e) {
            return false;
        }
    }
}
