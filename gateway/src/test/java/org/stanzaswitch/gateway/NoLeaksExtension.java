package org.stanzaswitch.gateway;

import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

import java.util.List;

/**
 * Fails a test class when Netty found a buffer or a TLS engine that was dropped without being released while it ran
 * (or, since a leak shows only once collected, in the class before it): a leak per connection or per stanza would
 * otherwise grow a running server's memory until it fails. Registered for every class of this module through
 * JUnit's extension auto-detection.
 */
public final class NoLeaksExtension implements AfterAllCallback
{
    @Override
    public void afterAll(final ExtensionContext context) throws InterruptedException
    {
        final List<String> leaks = RecordingLeakDetector.drainLeaks();
        if (!leaks.isEmpty())
        {
            throw new AssertionError(leaks.size() + " reference-counted objects leaked:\n" + String.join("\n", leaks));
        }
    }
}
