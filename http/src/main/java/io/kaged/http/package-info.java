/**
 * The HTTP control API ({@code /v1}) and WebSocket attach, on Pekko HTTP. Depends on {@code actors}; the
 * daemon binds it.
 */
package io.kaged.http;
