package io.kaged.http.tls;

import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.util.Arrays;
import java.util.List;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;

/** The server's {@code SSLContext} from the configured PEM files, checked to belong together. */
public final class ServerTls {

    private ServerTls() {}

    public static SSLContext context(TlsSettings settings) {
        List<X509Certificate> chain = Pem.certificates(settings.certificate());
        PrivateKey key = Pem.privateKey(settings.privateKey());
        if (!matches(chain.get(0), key)) {
            throw new TlsException("the private key " + settings.privateKey() + " is not the key of the certificate "
                    + settings.certificate() + " ("
                    + chain.get(0).getSubjectX500Principal().getName() + ").");
        }
        try {
            KeyStore store = KeyStore.getInstance("PKCS12");
            store.load(null, null);
            char[] none = new char[0];
            store.setKeyEntry("kaged", key, none, chain.toArray(new X509Certificate[0]));
            KeyManagerFactory keys = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
            keys.init(store, none);
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(keys.getKeyManagers(), null, null);
            return context;
        } catch (GeneralSecurityException | java.io.IOException e) {
            throw new TlsException("TLS could not be set up from " + settings.certificate() + " and "
                    + settings.privateKey() + ": " + e.getMessage());
        }
    }

    /** Signs with the key and verifies with the certificate: works for every key kind the JDK signs with. */
    private static boolean matches(X509Certificate certificate, PrivateKey key) {
        String algorithm =
                switch (key.getAlgorithm()) {
                    case "RSA" -> "SHA256withRSA";
                    case "EC" -> "SHA256withECDSA";
                    case "Ed25519" -> "Ed25519";
                    default -> null;
                };
        if (algorithm == null) {
            return true; // a kind we cannot test here; the handshake will tell
        }
        try {
            byte[] probe = "kaged".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
            java.security.Signature sign = java.security.Signature.getInstance(algorithm);
            sign.initSign(key);
            sign.update(probe);
            byte[] signature = sign.sign();
            java.security.Signature verify = java.security.Signature.getInstance(algorithm);
            verify.initVerify(certificate.getPublicKey());
            verify.update(probe);
            return verify.verify(signature);
        } catch (GeneralSecurityException e) {
            return false;
        }
    }

    static boolean sameCertificate(X509Certificate a, X509Certificate b) {
        try {
            return Arrays.equals(a.getEncoded(), b.getEncoded());
        } catch (java.security.cert.CertificateEncodingException e) {
            return false;
        }
    }
}
