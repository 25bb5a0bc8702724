package io.kaged.persistence.serialization;

/** A stored payload that its serializer could not turn back into an object. */
public final class UndecodablePayloadException extends RuntimeException {

    UndecodablePayloadException(int serializerId, String manifest, Throwable cause) {
        super(
                "cannot decode a payload of serializer " + serializerId
                        + (manifest.isEmpty() ? "" : " with manifest " + manifest) + ": " + cause.getMessage(),
                cause);
    }
}
