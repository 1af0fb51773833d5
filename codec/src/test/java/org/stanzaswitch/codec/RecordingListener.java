package org.stanzaswitch.codec;

import java.util.ArrayList;
import java.util.List;

/**
 * Records what a framer reports as lines of text: the header's attributes, each element's kind, namespace and
 * canonical structure, the close and the error.
 */
class RecordingListener implements StreamListener
{
    final List<String> events = new ArrayList<>();
    private final XmlReader reader = new XmlReader();
    private int refuseNext;
    private StreamFramer resetOnElement;

    void refuseNext(final int count)
    {
        refuseNext = count;
    }

    void resetOnElement(final StreamFramer framer)
    {
        resetOnElement = framer;
    }

    @Override
    public void onStreamOpen(final StreamHeaderFlyweight header)
    {
        final StringBuilder builder = new StringBuilder("open");
        append(builder, header, " to=", header.toIndex());
        append(builder, header, " from=", header.fromIndex());
        append(builder, header, " id=", header.idIndex());
        append(builder, header, " version=", header.versionIndex());
        append(builder, header, " lang=", header.langIndex());
        append(builder, header, " xmlns=", header.defaultNamespaceIndex());
        builder.append(" prefix=").append(header.streamPrefixLength());
        events.add(builder.toString());
    }

    private static void append(
        final StringBuilder builder, final StartTagFlyweight tag, final String label, final int index)
    {
        if (index != StartTagFlyweight.MISSING)
        {
            builder.append(label).append(tag.buffer().getStringWithoutLengthUtf8(
                tag.attributeValueOffset(index), tag.attributeValueLength(index)));
        }
    }

    @Override
    public boolean onElement(final ElementFlyweight element)
    {
        if (refuseNext > 0)
        {
            refuseNext--;
            return false;
        }
        events.add("element " + element.kind() + " " + Canonical.of(reader.wrap(element)));
        if (resetOnElement != null)
        {
            resetOnElement.reset();
        }
        return true;
    }

    @Override
    public void onStreamClose()
    {
        events.add("close");
    }

    @Override
    public void onStreamError(final StreamErrorCondition condition, final String reason)
    {
        events.add("error " + condition.elementName());
    }
}
