package org.stanzaswitch.codec;

/**
 * What a {@link StreamFramer} reports, on the thread that calls {@link StreamFramer#decode}. The flyweights
 * passed in are valid only for the duration of the call.
 */
public interface StreamListener
{
    /**
     * The stream header (the opening tag of the stream element) is complete.
     *
     * @param header a view over the opening tag.
     */
    void onStreamOpen(StreamHeaderFlyweight header);

    /**
     * A complete top-level element: a stanza or a stream-level element such as {@code <starttls/>}.
     *
     * @param element a view over the element's bytes.
     * @return true if consumed; false applies back pressure: the framer keeps the element and everything after
     * it and offers it again on {@link StreamFramer#resume()}.
     */
    boolean onElement(ElementFlyweight element);

    /**
     * The closing tag of the stream element has been read.
     */
    void onStreamClose();

    /**
     * The stream is broken; nothing more is reported until {@link StreamFramer#reset()}.
     *
     * @param condition the RFC 6120 §4.9.3 condition to send.
     * @param reason    a constant description for the log line.
     */
    void onStreamError(StreamErrorCondition condition, String reason);
}
