package org.stanzaswitch.codec;

import java.nio.charset.StandardCharsets;

/**
 * The error types of RFC 6120 §8.3.2: what the sender of the failed stanza should do next.
 */
public enum StanzaErrorType
{
    AUTH("auth"),
    CANCEL("cancel"),
    CONTINUE("continue"),
    MODIFY("modify"),
    WAIT("wait");

    private final byte[] valueBytes;

    StanzaErrorType(final String value)
    {
        this.valueBytes = value.getBytes(StandardCharsets.US_ASCII);
    }

    byte[] valueBytes()
    {
        return valueBytes;
    }
}
