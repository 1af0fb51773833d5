/**
 * The XMPP stream codec: {@link org.stanzaswitch.codec.StreamFramer} frames and validates a stream in place,
 * flyweights view the framed elements, {@link org.stanzaswitch.codec.XmlReader} walks payloads off the hot
 * path, encoders and the splicer write XML into buffers, and {@link org.stanzaswitch.codec.Jid} parses
 * addresses. Depends on Agrona (and the PRECIS and IDNA libraries for JIDs) only; nothing here knows of
 * sockets, rings or storage.
 */
package org.stanzaswitch.codec;
