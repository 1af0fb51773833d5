package org.stanzaswitch.switching;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.stanzaswitch.codec.Jid;


import static org.assertj.core.api.Assertions.assertThat;

/**
 * RFC 6121 §4.7.2.3: a presence's priority is an integer from -128 to +127, read in place on every broadcast.
 * Out-of-range values are clamped, anything that is not an integer counts as 0 (the default when none is given).
 */
class PresencePriorityTest
{
    private final ServerServices services = new ServerServices(Jid.of("localhost"));

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource(delimiter = '|', value = {
        "<presence/>                                                          | 0",
        "<presence><show>away</show></presence>                               | 0",
        "<presence><priority>5</priority></presence>                          | 5",
        "<presence><show>dnd</show><priority> -3 \t</priority></presence>     | -3",
        "<presence><priority>+7</priority></presence>                         | 7",
        "<presence><priority>200</priority></presence>                        | 127",
        "<presence><priority>-200</priority></presence>                       | -128",
        "<presence><priority>2147483647</priority></presence>                 | 127",
        "<presence><priority>-2147483648</priority></presence>                | -128",
        "<presence><priority>2147483648</priority></presence>                 | 0",
        "<presence><priority>99999999999999999999</priority></presence>       | 0",
        "<presence><priority>1.5</priority></presence>                        | 0",
        "<presence><priority>- 1</priority></presence>                        | 0",
        "<presence><priority>-</priority></presence>                          | 0",
        "<presence><priority></priority></presence>                           | 0",
        "<presence><priority/></presence>                                     | 0",
        "<presence><priority>&#x35;</priority></presence>                     | 5",
        "<presence><priority><![CDATA[-9]]></priority></presence>             | -9",
        "<presence><priority>é</priority></presence>                          | 0",
        "<presence><priority>5 </priority></presence>                         | 0",
        "<presence><priority xmlns='urn:other'>9</priority></presence>        | 0",
        "<presence><priority xmlns='jabber:client'>9</priority></presence>    | 9",
        "<presence><x xmlns='urn:other'><priority>9</priority></x></presence> | 0",
    })
    void shouldReadPriority(final String presence, final int expected)
    {
        assertThat(priorityOf(presence)).isEqualTo(expected);
    }

    private int priorityOf(final String presence)
    {
        return FramedStanza.read(presence, services::priorityOf);
    }
}
