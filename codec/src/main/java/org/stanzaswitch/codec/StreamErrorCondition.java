package org.stanzaswitch.codec;

import java.nio.charset.StandardCharsets;

/**
 * The defined stream error conditions of RFC 6120 §4.9.3. Each knows its element name so that an encoder can
 * write {@code <stream:error><NAME xmlns='urn:ietf:params:xml:ns:xmpp-streams'/></stream:error>} without
 * building a string.
 */
public enum StreamErrorCondition
{
    BAD_FORMAT("bad-format"),
    BAD_NAMESPACE_PREFIX("bad-namespace-prefix"),
    CONFLICT("conflict"),
    CONNECTION_TIMEOUT("connection-timeout"),
    HOST_GONE("host-gone"),
    HOST_UNKNOWN("host-unknown"),
    IMPROPER_ADDRESSING("improper-addressing"),
    INTERNAL_SERVER_ERROR("internal-server-error"),
    INVALID_FROM("invalid-from"),
    INVALID_NAMESPACE("invalid-namespace"),
    INVALID_XML("invalid-xml"),
    NOT_AUTHORIZED("not-authorized"),
    NOT_WELL_FORMED("not-well-formed"),
    POLICY_VIOLATION("policy-violation"),
    REMOTE_CONNECTION_FAILED("remote-connection-failed"),
    RESET("reset"),
    RESOURCE_CONSTRAINT("resource-constraint"),
    RESTRICTED_XML("restricted-xml"),
    SEE_OTHER_HOST("see-other-host"),
    SYSTEM_SHUTDOWN("system-shutdown"),
    UNDEFINED_CONDITION("undefined-condition"),
    UNSUPPORTED_ENCODING("unsupported-encoding"),
    UNSUPPORTED_FEATURE("unsupported-feature"),
    UNSUPPORTED_STANZA_TYPE("unsupported-stanza-type"),
    UNSUPPORTED_VERSION("unsupported-version");

    private final String elementName;
    private final byte[] elementNameBytes;

    StreamErrorCondition(final String elementName)
    {
        this.elementName = elementName;
        this.elementNameBytes = elementName.getBytes(StandardCharsets.US_ASCII);
    }

    /**
     * @return the element name of the condition, as it appears on the wire.
     */
    public String elementName()
    {
        return elementName;
    }

    byte[] elementNameBytes()
    {
        return elementNameBytes;
    }
}
