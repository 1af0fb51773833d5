package org.stanzaswitch.gateway;

import org.jivesoftware.smack.XMPPConnection;
import org.jivesoftware.smackx.muc.MultiUserChat;
import org.jivesoftware.smackx.ping.PingManager;
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

    /**
     * Leave a room so that the same client may join it again at once. Smack 4.4.8's leave() returns on the room's
     * reflected presence, which the room's own stanza listener then handles too, in userHasLeft(), a synchronized
     * method; join() holds that lock while it waits for the room's answer, and Smack's reader waits for the listener:
     * a join straight after a leave can stall the connection for the whole reply timeout (seen here in six runs of
     * 22, the server's answer written at once and read ten seconds later). The reader takes no stanza before the
     * listeners of the one before are done, so once a ping's answer is read, the room's listener is done.
     */
    static void leave(final XMPPConnection connection, final MultiUserChat room) throws Exception
    {
        room.leave();
        if (!PingManager.getInstanceFor(connection).pingMyServer())
        {
            throw new IllegalStateException("no answer to a ping after leaving " + room.getRoom());
        }
    }
}
