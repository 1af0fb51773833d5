package org.stanzaswitch.switching;

/**
 * A XEP-0363 HTTP file store that the transport runs beside the switch: its limits, and the signed URLs of a new
 * upload slot. The router decides who may upload what (§4, §5); the store only signs and later checks what it
 * signed, so it keeps no state per slot. Called from the router thread.
 */
public interface FileShare
{
    /**
     * A slot: where to PUT the file, with the header that authorises it, and where it can be fetched after.
     *
     * @param putUrl        the HTTPS URL of the upload.
     * @param authorization the value of the {@code Authorization} header the PUT must carry (§4).
     * @param getUrl        the HTTPS URL of the download.
     */
    record Slot(String putUrl, String authorization, String getUrl)
    {
    }

    /**
     * @return the largest file accepted, in bytes, announced in the service's disco#info (§3).
     */
    long maxFileSize();

    /**
     * @return the most bytes one account may upload per day; 0 for no limit.
     */
    long dailyQuota();

    /**
     * Sign a slot; the file's name, size and content type are bound to it, and it is kept as its owner's.
     *
     * @param owner       the bare JID of the account that asked for it.
     * @param filename    the name as the client gave it, checked by the caller.
     * @param size        in bytes, from 1 to {@link #maxFileSize()}.
     * @param contentType the media type the PUT must declare.
     * @return the slot.
     */
    Slot slot(String owner, String filename, long size, String contentType);

    /**
     * An account is gone: so are the files it uploaded, without holding up the caller.
     *
     * @param owner the account's bare JID.
     */
    void deleteFilesOf(String owner);
}
