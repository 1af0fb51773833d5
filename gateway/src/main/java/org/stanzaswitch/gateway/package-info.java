/**
 * Stanza Switch gateway module; see ../shared/ARCHITECTURE.md for what belongs here.
 */
package org.stanzaswitch.gateway;
