/**
 * TLS for the API's port: the settings ({@code kaged.http.tls}), PEM files read into an {@code SSLContext}
 * for the server, and the client side for kaged's own CLI, which trusts exactly the daemon's certificate.
 */
package io.kaged.http.tls;
