package io.kaged.daemon.serve;

import java.nio.ByteBuffer;
import java.security.KeyManagementException;
import java.security.NoSuchAlgorithmException;
import java.security.Principal;
import java.security.SecureRandom;
import java.security.Security;
import java.security.cert.Certificate;
import javax.net.ssl.KeyManager;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLContextSpi;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLEngineResult;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLPeerUnverifiedException;
import javax.net.ssl.SSLServerSocketFactory;
import javax.net.ssl.SSLSession;
import javax.net.ssl.SSLSessionContext;
import javax.net.ssl.SSLSocketFactory;
import javax.net.ssl.TrustManager;

/**
 * Keeps the JDK's TLS stack out of a daemon that serves plain HTTP (docs/adr/0076-an-idle-daemon-loads-what-it-uses.md).
 *
 * <p>Pekko HTTP wraps every plain connection's bytes with one placebo TLS session, which {@code TLSPlacebo}'s
 * static initialiser takes from {@code SSLContext.getDefault().createSSLEngine().getSession()}: building
 * the JVM's default context loads ~480 classes (the JSSE provider, cipher suites, X.509) and parses every
 * certificate of the trust store, ~6 MiB of an idle daemon, for a session nobody reads. Here the
 * placebo gets the same kind of empty session from a stand-in context, and the JVM's default context
 * is then left to be built on first use by whatever asks for it, as it would have been.
 */
final class PlainHttpTls {

    private static final String PLACEBO = "org.apache.pekko.stream.scaladsl.TLSPlacebo$";

    private static boolean done;

    private PlainHttpTls() {}

    /**
     * Initialises Pekko's TLS placebo with an empty session. Call before anything else may ask for the
     * default SSLContext (at the very start, before the actor system): for that moment, the stand-in is
     * the default.
     */
    static synchronized void initPlacebo() {
        if (done) {
            return;
        }
        done = true;
        try {
            SSLContext.setDefault(new SSLContext(new PlaceboSpi(), null, "Placebo") {});
            Class.forName(PLACEBO, true, PlainHttpTls.class.getClassLoader());
        } catch (ClassNotFoundException | LinkageError ignored) {
            // the bind initialises it then, with the JVM's default context
        } finally {
            // named after the JVM's JSSE provider, whose default context it stands for
            SSLContext.setDefault(
                    new SSLContext(new DeferredDefaultSpi(), Security.getProvider("SunJSSE"), "Default") {});
        }
    }

    /** The JVM's own default context, built on first use, behind every method. */
    private static final class DeferredDefaultSpi extends SSLContextSpi {

        private volatile SSLContext real;

        private SSLContext real() {
            SSLContext r = real;
            if (r == null) {
                synchronized (this) {
                    r = real;
                    if (r == null) {
                        try {
                            r = SSLContext.getInstance("Default");
                        } catch (NoSuchAlgorithmException e) {
                            throw new IllegalStateException("the JVM has no default SSLContext", e);
                        }
                        real = r;
                    }
                }
            }
            return r;
        }

        @Override
        protected void engineInit(KeyManager[] km, TrustManager[] tm, SecureRandom random)
                throws KeyManagementException {
            real().init(km, tm, random); // refused, as by the JVM's default context
        }

        @Override
        protected SSLSocketFactory engineGetSocketFactory() {
            return real().getSocketFactory();
        }

        @Override
        protected SSLServerSocketFactory engineGetServerSocketFactory() {
            return real().getServerSocketFactory();
        }

        @Override
        protected SSLEngine engineCreateSSLEngine() {
            return real().createSSLEngine();
        }

        @Override
        protected SSLEngine engineCreateSSLEngine(String host, int port) {
            return real().createSSLEngine(host, port);
        }

        @Override
        protected SSLSessionContext engineGetServerSessionContext() {
            return real().getServerSessionContext();
        }

        @Override
        protected SSLSessionContext engineGetClientSessionContext() {
            return real().getClientSessionContext();
        }

        @Override
        protected SSLParameters engineGetDefaultSSLParameters() {
            return real().getDefaultSSLParameters();
        }

        @Override
        protected SSLParameters engineGetSupportedSSLParameters() {
            return real().getSupportedSSLParameters();
        }
    }

    /** Makes engines that only hand out the empty session; all else is refused. */
    private static final class PlaceboSpi extends SSLContextSpi {

        @Override
        protected void engineInit(KeyManager[] km, TrustManager[] tm, SecureRandom random) {
            throw new UnsupportedOperationException("placebo");
        }

        @Override
        protected SSLSocketFactory engineGetSocketFactory() {
            throw new UnsupportedOperationException("placebo");
        }

        @Override
        protected SSLServerSocketFactory engineGetServerSocketFactory() {
            throw new UnsupportedOperationException("placebo");
        }

        @Override
        protected SSLEngine engineCreateSSLEngine() {
            return new PlaceboEngine();
        }

        @Override
        protected SSLEngine engineCreateSSLEngine(String host, int port) {
            return new PlaceboEngine();
        }

        @Override
        protected SSLSessionContext engineGetServerSessionContext() {
            throw new UnsupportedOperationException("placebo");
        }

        @Override
        protected SSLSessionContext engineGetClientSessionContext() {
            throw new UnsupportedOperationException("placebo");
        }
    }

    /** An engine that never handshakes: its session is the empty one. */
    private static final class PlaceboEngine extends SSLEngine {

        private static final String[] NONE = {};

        @Override
        public SSLSession getSession() {
            return new NullSession();
        }

        @Override
        public SSLEngineResult wrap(ByteBuffer[] srcs, int offset, int length, ByteBuffer dst) {
            throw new UnsupportedOperationException("placebo");
        }

        @Override
        public SSLEngineResult unwrap(ByteBuffer src, ByteBuffer[] dsts, int offset, int length) {
            throw new UnsupportedOperationException("placebo");
        }

        @Override
        public Runnable getDelegatedTask() {
            return null;
        }

        @Override
        public void closeInbound() {}

        @Override
        public boolean isInboundDone() {
            return true;
        }

        @Override
        public void closeOutbound() {}

        @Override
        public boolean isOutboundDone() {
            return true;
        }

        @Override
        public String[] getSupportedCipherSuites() {
            return NONE;
        }

        @Override
        public String[] getEnabledCipherSuites() {
            return NONE;
        }

        @Override
        public void setEnabledCipherSuites(String[] suites) {}

        @Override
        public String[] getSupportedProtocols() {
            return NONE;
        }

        @Override
        public String[] getEnabledProtocols() {
            return NONE;
        }

        @Override
        public void setEnabledProtocols(String[] protocols) {}

        @Override
        public void beginHandshake() {
            throw new UnsupportedOperationException("placebo");
        }

        @Override
        public SSLEngineResult.HandshakeStatus getHandshakeStatus() {
            return SSLEngineResult.HandshakeStatus.NOT_HANDSHAKING;
        }

        @Override
        public void setUseClientMode(boolean mode) {}

        @Override
        public boolean getUseClientMode() {
            return false;
        }

        @Override
        public void setNeedClientAuth(boolean need) {}

        @Override
        public boolean getNeedClientAuth() {
            return false;
        }

        @Override
        public void setWantClientAuth(boolean want) {}

        @Override
        public boolean getWantClientAuth() {
            return false;
        }

        @Override
        public void setEnableSessionCreation(boolean flag) {}

        @Override
        public boolean getEnableSessionCreation() {
            return false;
        }
    }

    /**
     * The session of a connection without TLS, as the JDK's engine reports one that never handshook:
     * cipher suite {@code SSL_NULL_WITH_NULL_NULL}, protocol {@code NONE}, no peer.
     */
    static final class NullSession implements SSLSession {

        private final long created = System.currentTimeMillis();

        @Override
        public byte[] getId() {
            return new byte[0];
        }

        @Override
        public SSLSessionContext getSessionContext() {
            return null;
        }

        @Override
        public long getCreationTime() {
            return created;
        }

        @Override
        public long getLastAccessedTime() {
            return created;
        }

        @Override
        public void invalidate() {}

        @Override
        public boolean isValid() {
            return false;
        }

        @Override
        public void putValue(String name, Object value) {}

        @Override
        public Object getValue(String name) {
            return null;
        }

        @Override
        public void removeValue(String name) {}

        @Override
        public String[] getValueNames() {
            return new String[0];
        }

        @Override
        public Certificate[] getPeerCertificates() throws SSLPeerUnverifiedException {
            throw new SSLPeerUnverifiedException("peer not authenticated");
        }

        @Override
        public Certificate[] getLocalCertificates() {
            return null;
        }

        @SuppressWarnings("removal")
        @Override
        public javax.security.cert.X509Certificate[] getPeerCertificateChain() throws SSLPeerUnverifiedException {
            throw new SSLPeerUnverifiedException("peer not authenticated");
        }

        @Override
        public Principal getPeerPrincipal() throws SSLPeerUnverifiedException {
            throw new SSLPeerUnverifiedException("peer not authenticated");
        }

        @Override
        public Principal getLocalPrincipal() {
            return null;
        }

        @Override
        public String getCipherSuite() {
            return "SSL_NULL_WITH_NULL_NULL";
        }

        @Override
        public String getProtocol() {
            return "NONE";
        }

        @Override
        public String getPeerHost() {
            return null;
        }

        @Override
        public int getPeerPort() {
            return -1;
        }

        @Override
        public int getPacketBufferSize() {
            return 16_709; // both sizes: what the JDK's own empty session reports
        }

        @Override
        public int getApplicationBufferSize() {
            return 16_704;
        }
    }
}
