package org.stanzaswitch.codec;

/**
 * What a top-level element is, for dispatch: one of the three stanza kinds of RFC 6120 §8 (in the
 * {@code jabber:client} or {@code jabber:server} namespace), or another stream-level element.
 */
public enum StanzaKind
{
    MESSAGE,
    PRESENCE,
    IQ,
    OTHER
}
