package org.stanzaswitch.gateway;

import org.jivesoftware.smackx.muc.MultiUserChat;
import org.jivesoftware.smackx.xdata.form.FillableForm;

import java.util.function.Consumer;

/**
 * What the multi-user chat system tests do to their rooms alike.
 */
final class MucTestRooms
{
    private MucTestRooms()
    {
    }

    /**
     * XEP-0045 §10.1.3: configure a room with the service's own form, changed by the given answers.
     */
    static void configure(final MultiUserChat room, final Consumer<FillableForm> answers) throws Exception
    {
        final FillableForm form = room.getConfigurationForm().getFillableForm();
        answers.accept(form);
        room.sendConfigurationForm(form);
    }
}
