package org.stanzaswitch.bench.load;

import io.netty.handler.ssl.SslContext;

/**
 * How every simulated client reaches the server under test and logs in.
 *
 * @param host      the server's address.
 * @param port      its c2s port.
 * @param domain    the XMPP domain to open streams to.
 * @param tls       STARTTLS context, or null to stay on plain TCP (only where the server allows it on loopback).
 * @param mechanism SASL mechanism: PLAIN, SCRAM-SHA-1 or SCRAM-SHA-256.
 * @param userPrefix users are named prefix + index.
 * @param password  every user's password.
 * @param register  create each account by XEP-0077 in-band registration before logging in.
 * @param keys      SCRAM salted passwords derived before, by this run or an earlier one.
 */
record ClientSettings(
    String host,
    int port,
    String domain,
    SslContext tls,
    String mechanism,
    String userPrefix,
    String password,
    boolean register,
    ScramKeyCache keys)
{
    String username(final int index)
    {
        return userPrefix + index;
    }

    String bareJid(final int index)
    {
        return username(index) + "@" + domain;
    }
}
