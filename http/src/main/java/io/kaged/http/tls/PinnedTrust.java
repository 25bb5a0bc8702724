package io.kaged.http.tls;

import java.net.Socket;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509ExtendedTrustManager;

/**
 * The client side for kaged's own CLI on the daemon's host: it trusts exactly the certificate the daemon
 * serves (read from the same configured file), not any CA, and so needs no host-name match. The CLI may
 * reach the daemon by 127.0.0.1 while the certificate names the host's public name; pinning the very
 * certificate is the stronger check anyway.
 */
public final class PinnedTrust {

    private PinnedTrust() {}

    public static SSLContext context(Path certificate) {
        X509Certificate pinned = Pem.certificates(certificate).get(0);
        try {
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(null, new TrustManager[] {new Pinned(pinned)}, null);
            return context;
        } catch (GeneralSecurityException e) {
            throw new TlsException("TLS client set-up failed: " + e.getMessage());
        }
    }

    private static final class Pinned extends X509ExtendedTrustManager {
        private final X509Certificate pinned;

        Pinned(X509Certificate pinned) {
            this.pinned = pinned;
        }

        private void check(X509Certificate[] chain) throws CertificateException {
            if (chain == null || chain.length == 0 || !ServerTls.sameCertificate(chain[0], pinned)) {
                throw new CertificateException(
                        "the server's certificate is not the one configured in " + TlsSettings.KEY + ".certificate");
            }
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType) throws CertificateException {
            check(chain);
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket)
                throws CertificateException {
            check(chain);
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine)
                throws CertificateException {
            check(chain);
        }

        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType) throws CertificateException {
            throw new CertificateException("kaged's client trusts servers only");
        }

        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket)
                throws CertificateException {
            throw new CertificateException("kaged's client trusts servers only");
        }

        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine)
                throws CertificateException {
            throw new CertificateException("kaged's client trusts servers only");
        }

        @Override
        public X509Certificate[] getAcceptedIssuers() {
            return new X509Certificate[0];
        }
    }
}
