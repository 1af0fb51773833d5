package org.stanzaswitch.switching;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.stanzaswitch.codec.Jid;

import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A XEP-0045 room's rules that need no connection: history bounds, default roles, configuration values.
 */
class MucRoomTest
{
    private final MucRoom room = new MucRoom(Jid.of("room@conference.localhost"));

    @Test
    @DisplayName("§7.2.15: history keeps the last 20 messages and at most 64 KiB, never dropping the newest")
    void shouldBoundHistory()
    {
        for (int i = 0; i < 25; i++)
        {
            room.remember(said(i, 10));
        }
        assertThat(room.history).hasSize(MucRoom.HISTORY);
        assertThat(room.history.getFirst().nick()).isEqualTo("5");
        for (int i = 0; i < 5; i++)
        {
            room.remember(said(100 + i, 30 * 1024));
        }
        assertThat(room.history).extracting(MucRoom.Said::nick).containsExactly("103", "104");
        room.remember(said(200, 100 * 1024));
        assertThat(room.history).extracting(MucRoom.Said::nick).containsExactly("200");
    }

    @Test
    @DisplayName("§5.1.2: owners and admins moderate, members take part, others listen in a moderated room")
    void shouldGiveDefaultRoles()
    {
        assertThat(room.defaultRole(MucAffiliation.OWNER)).isEqualTo(MucRole.MODERATOR);
        assertThat(room.defaultRole(MucAffiliation.ADMIN)).isEqualTo(MucRole.MODERATOR);
        assertThat(room.defaultRole(MucAffiliation.MEMBER)).isEqualTo(MucRole.PARTICIPANT);
        assertThat(room.defaultRole(MucAffiliation.NONE)).isEqualTo(MucRole.PARTICIPANT);
        room.moderated = true;
        assertThat(room.defaultRole(MucAffiliation.NONE)).isEqualTo(MucRole.VISITOR);
        assertThat(room.defaultRole(MucAffiliation.OUTCAST)).isEqualTo(MucRole.NONE);
    }

    @Test
    @DisplayName("§10.2: a form with a value the room cannot take names the field; max users 'none' is no limit")
    void shouldConfigure()
    {
        assertThat(room.configure(Map.of("muc#roomconfig_whois", List.of("everyone"))))
            .isEqualTo("muc#roomconfig_whois");
        assertThat(room.configure(Map.of("muc#roomconfig_maxusers", List.of("-1"))))
            .isEqualTo("muc#roomconfig_maxusers");
        assertThat(room.configure(Map.of("muc#roomconfig_maxusers", List.of("none"),
            "muc#roomconfig_membersonly", List.of("true")))).isNull();
        assertThat(room.maxUsers).isZero();
        assertThat(room.membersOnly).isTrue();
        assertThat(room.hasRoomFor(MucAffiliation.NONE)).isTrue();
    }

    private static MucRoom.Said said(final int number, final int bytes)
    {
        return new MucRoom.Said(
            Integer.toString(number), "id", new MucRoom.Payload(new byte[0], new byte[bytes]), 0, -1);
    }
}
