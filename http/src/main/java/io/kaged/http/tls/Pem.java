package io.kaged.http.tls;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.Base64;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * PEM files as operators have them (from certbot, mkcert, openssl): a certificate chain, and a PKCS#8
 * private key (RSA, EC or Ed25519). Every failure says which file and what to do about it.
 */
public final class Pem {

    private static final Pattern PRIVATE_KEY =
            Pattern.compile("-----BEGIN PRIVATE KEY-----([A-Za-z0-9+/=\\s]+)-----END PRIVATE KEY-----");
    private static final List<String> KEY_ALGORITHMS = List.of("RSA", "EC", "Ed25519", "RSASSA-PSS");

    private Pem() {}

    /** The certificates of a PEM file, the server's first. */
    public static List<X509Certificate> certificates(Path file) {
        byte[] bytes = read(file, "certificate");
        try {
            List<X509Certificate> chain =
                    CertificateFactory.getInstance("X.509")
                            .generateCertificates(new ByteArrayInputStream(bytes))
                            .stream()
                            .map(c -> (X509Certificate) c)
                            .toList();
            if (chain.isEmpty()) {
                throw new TlsException(file + " holds no certificate: it must be PEM (-----BEGIN CERTIFICATE-----).");
            }
            return chain;
        } catch (CertificateException e) {
            throw new TlsException(file + " is not a PEM certificate (-----BEGIN CERTIFICATE-----): " + e.getMessage());
        }
    }

    /** The private key of a PEM file in PKCS#8 ({@code BEGIN PRIVATE KEY}). */
    public static PrivateKey privateKey(Path file) {
        String text = new String(read(file, "private key"), StandardCharsets.US_ASCII);
        Matcher m = PRIVATE_KEY.matcher(text);
        if (!m.find()) {
            String hint = text.contains("BEGIN RSA PRIVATE KEY") || text.contains("BEGIN EC PRIVATE KEY")
                    ? " It is in the older PKCS#1/SEC1 form; convert it with: openssl pkcs8 -topk8 -nocrypt -in " + file
                            + " -out key.pem"
                    : text.contains("ENCRYPTED")
                            ? " It is encrypted; kaged needs it unencrypted (readable by the daemon's user only):"
                                    + " openssl pkcs8 -topk8 -nocrypt -in " + file + " -out key.pem"
                            : "";
            throw new TlsException(file + " holds no PKCS#8 private key (-----BEGIN PRIVATE KEY-----)." + hint);
        }
        byte[] der = Base64.getMimeDecoder().decode(m.group(1));
        for (String algorithm : KEY_ALGORITHMS) {
            try {
                return KeyFactory.getInstance(algorithm).generatePrivate(new PKCS8EncodedKeySpec(der));
            } catch (GeneralSecurityException e) {
                // not this algorithm; try the next
            }
        }
        throw new TlsException(file + " holds a private key of a kind kaged cannot read (RSA, EC and Ed25519 work).");
    }

    private static byte[] read(Path file, String what) {
        try {
            return Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            throw new TlsException("the TLS " + what + " file " + file + " does not exist.");
        } catch (IOException e) {
            throw new TlsException("the TLS " + what + " file " + file + " cannot be read: " + e.getMessage());
        }
    }
}
