package org.stanzaswitch.bench;

import java.nio.charset.StandardCharsets;

/**
 * A realistic client-to-server stanza mix for codec benchmarks: mostly small chat messages, presence with
 * entity capabilities (XEP-0115), roster result IQs and an occasional 4 KB message.
 */
public final class StanzaMix
{
    public static final String HEADER = "<?xml version='1.0'?><stream:stream xmlns='jabber:client' " +
        "xmlns:stream='http://etherx.jabber.org/streams' to='example.com' version='1.0' xml:lang='en'>";

    static final String CHAT = "<message to='juliet@example.com' from='romeo@example.net/orchard' id='ktx72v49' " +
        "type='chat' xml:lang='en'><body>Art thou not Romeo, and a Montague?</body>" +
        "<active xmlns='http://jabber.org/protocol/chatstates'/></message>";
    static final String PRESENCE = "<presence from='romeo@example.net/orchard' id='p1'><show>away</show>" +
        "<status>In the orchard</status><priority>5</priority><c xmlns='http://jabber.org/protocol/caps' " +
        "hash='sha-1' node='https://conversations.im' ver='QgayPKawpkPSDYmwT/WM94uAlu0='/></presence>";
    static final String ROSTER;
    static final String LARGE;

    static
    {
        final StringBuilder roster = new StringBuilder("<iq to='romeo@example.net/orchard' id='r1' type='result'>" +
            "<query xmlns='jabber:iq:roster' ver='ver14'>");
        for (int i = 0; i < 10; i++)
        {
            roster.append("<item jid='contact").append(i).append("@example.org' name='Contact &amp; ").append(i)
                .append("' subscription='both'><group>Friends</group></item>");
        }
        ROSTER = roster.append("</query></iq>").toString();
        LARGE = "<message to='juliet@example.com' id='big1' type='chat'><body>" +
            "Wherefore art thou Romeo? Deny thy father and refuse thy name; ".repeat(64) + "</body></message>";
    }

    private StanzaMix()
    {
    }

    /**
     * @return 20 stanzas: 12 chat, 5 presence, 2 roster results, 1 large message, interleaved.
     */
    public static byte[] body()
    {
        final StringBuilder builder = new StringBuilder();
        for (int i = 0; i < 20; i++)
        {
            if (i == 10)
            {
                builder.append(LARGE);
            }
            else if (i % 9 == 4)
            {
                builder.append(ROSTER);
            }
            else if (i % 4 == 1)
            {
                builder.append(PRESENCE);
            }
            else
            {
                builder.append(CHAT);
            }
        }
        return builder.toString().getBytes(StandardCharsets.UTF_8);
    }

    /**
     * @param input {@code mix} for {@link #body()}, or one kind of stanza, {@code chat}, {@code presence},
     *              {@code roster} or {@code large}, repeated as often as the mix holds stanzas.
     * @return the stream's body: {@link #STANZAS} stanzas.
     */
    public static byte[] body(final String input)
    {
        final String stanza = switch (input)
        {
            case "mix" -> null;
            case "chat" -> CHAT;
            case "presence" -> PRESENCE;
            case "roster" -> ROSTER;
            case "large" -> LARGE;
            default -> throw new IllegalArgumentException("no such input: " + input);
        };
        return stanza == null ? body() : stanza.repeat(STANZAS).getBytes(StandardCharsets.UTF_8);
    }

    /**
     * Number of stanzas in {@link #body()}.
     */
    public static final int STANZAS = 20;
}
