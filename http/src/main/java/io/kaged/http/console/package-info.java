/**
 * The web console: its pages and assets at {@code /}, its login ({@code /v1/console/*}), and the session
 * cookie that the rest of the API accepts in place of the bearer token, with the Host and Origin checks that
 * make a cookie safe to accept.
 */
package io.kaged.http.console;
