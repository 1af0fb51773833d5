/**
 * Stanza Switch switch module; see ../shared/ARCHITECTURE.md for what belongs here.
 */
package org.stanzaswitch.switching;
