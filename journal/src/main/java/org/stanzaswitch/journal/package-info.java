/**
 * Stanza Switch journal module; see ../shared/ARCHITECTURE.md for what belongs here.
 */
package org.stanzaswitch.journal;
