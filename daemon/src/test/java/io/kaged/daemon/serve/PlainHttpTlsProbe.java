package io.kaged.daemon.serve;

import java.util.Arrays;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSession;
import org.apache.pekko.stream.scaladsl.TLSPlacebo$;

/** Run by {@link PlainHttpTlsTest} in a JVM of its own, with its class loading logged to stdout. */
public final class PlainHttpTlsProbe {

    private PlainHttpTlsProbe() {}

    public static void main(String[] args) throws Exception {
        PlainHttpTls.initPlacebo();
        SSLSession placebo = TLSPlacebo$.MODULE$.dummySession();
        System.out.println("placebo " + placebo.getCipherSuite() + " " + placebo.getProtocol());
        System.out.println("placebo-ready");
        String[] protocols = SSLContext.getDefault().createSSLEngine().getSupportedProtocols();
        System.out.println("default TLSv1.3 " + Arrays.asList(protocols).contains("TLSv1.3"));
    }
}
