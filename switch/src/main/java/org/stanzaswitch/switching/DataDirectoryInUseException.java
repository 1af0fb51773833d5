package org.stanzaswitch.switching;

/**
 * Another switch holds the data directory: the operator started a second server on the same journals.
 */
public final class DataDirectoryInUseException extends IllegalStateException
{
    private static final long serialVersionUID = 1L;

    DataDirectoryInUseException(final String message)
    {
        super(message);
    }
}
