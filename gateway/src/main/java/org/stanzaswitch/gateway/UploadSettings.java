package org.stanzaswitch.gateway;

import java.net.URI;

import static org.stanzaswitch.gateway.ServerConfiguration.UPLOAD_DAILY_QUOTA_DEFAULT;
import static org.stanzaswitch.gateway.ServerConfiguration.UPLOAD_DAILY_QUOTA_PROP_NAME;
import static org.stanzaswitch.gateway.ServerConfiguration.UPLOAD_EXPIRE_DAYS_DEFAULT;
import static org.stanzaswitch.gateway.ServerConfiguration.UPLOAD_EXPIRE_DAYS_PROP_NAME;
import static org.stanzaswitch.gateway.ServerConfiguration.UPLOAD_MAX_FILE_SIZE_DEFAULT;
import static org.stanzaswitch.gateway.ServerConfiguration.UPLOAD_MAX_FILE_SIZE_PROP_NAME;
import static org.stanzaswitch.gateway.ServerConfiguration.UPLOAD_PORT_DEFAULT;
import static org.stanzaswitch.gateway.ServerConfiguration.UPLOAD_PORT_PROP_NAME;
import static org.stanzaswitch.gateway.ServerConfiguration.UPLOAD_URL_PROP_NAME;
import static org.stanzaswitch.gateway.ServerConfiguration.bytes;
import static org.stanzaswitch.gateway.ServerConfiguration.integer;
import static org.stanzaswitch.gateway.ServerConfiguration.string;

/**
 * The XEP-0363 file upload service's settings: its HTTPS port and public URL, the size limit, each account's daily
 * quota, and how long files are kept. Part of one {@link ServerContext}.
 */
public final class UploadSettings
{
    private int port = integer(UPLOAD_PORT_PROP_NAME, UPLOAD_PORT_DEFAULT);
    private String url = string(UPLOAD_URL_PROP_NAME, "");
    private long maxFileSize = bytes(UPLOAD_MAX_FILE_SIZE_PROP_NAME, UPLOAD_MAX_FILE_SIZE_DEFAULT);
    private long dailyQuota = bytes(UPLOAD_DAILY_QUOTA_PROP_NAME, UPLOAD_DAILY_QUOTA_DEFAULT);
    private int expireDays = integer(UPLOAD_EXPIRE_DAYS_PROP_NAME, UPLOAD_EXPIRE_DAYS_DEFAULT);

    void conclude()
    {
        ServerContext.requirePort(UPLOAD_PORT_PROP_NAME, port, true);
        if (maxFileSize < 1 || dailyQuota < 0 || expireDays < 0)
        {
            throw new IllegalArgumentException(UPLOAD_MAX_FILE_SIZE_PROP_NAME + "=" + maxFileSize +
                " must be positive, " + UPLOAD_DAILY_QUOTA_PROP_NAME + "=" + dailyQuota + " and " +
                UPLOAD_EXPIRE_DAYS_PROP_NAME + "=" + expireDays + " must not be negative");
        }
        if (!url.isEmpty())
        {
            final URI uri = URI.create(url);
            if (!"https".equals(uri.getScheme()) || uri.getHost() == null || uri.getQuery() != null)
            {
                // XEP-0363 §4: "The host MUST provide Transport Layer Security".
                throw new IllegalArgumentException(UPLOAD_URL_PROP_NAME + "=" + url + " is not an https URL");
            }
        }
    }

    /**
     * @return the HTTPS port, or -1 if the service is off.
     */
    public int port()
    {
        return port;
    }

    public UploadSettings port(final int port)
    {
        this.port = port;
        return this;
    }

    /**
     * @return the public base URL, such as {@code https://upload.example.org}; empty for the domain and the port.
     */
    public String url()
    {
        return url;
    }

    public UploadSettings url(final String url)
    {
        this.url = url;
        return this;
    }

    public long maxFileSize()
    {
        return maxFileSize;
    }

    public UploadSettings maxFileSize(final long maxFileSize)
    {
        this.maxFileSize = maxFileSize;
        return this;
    }

    /**
     * @return bytes one account may upload in a day; 0 for no limit.
     */
    public long dailyQuota()
    {
        return dailyQuota;
    }

    public UploadSettings dailyQuota(final long dailyQuota)
    {
        this.dailyQuota = dailyQuota;
        return this;
    }

    /**
     * @return days a file is kept after its upload; 0 for ever.
     */
    public int expireDays()
    {
        return expireDays;
    }

    public UploadSettings expireDays(final int expireDays)
    {
        this.expireDays = expireDays;
        return this;
    }
}
