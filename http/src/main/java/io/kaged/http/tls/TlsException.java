package io.kaged.http.tls;

/** TLS cannot be set up as configured; the message names the file or key and what to do. */
public final class TlsException extends RuntimeException {

    public TlsException(String message) {
        super(message);
    }
}
