package org.stanzaswitch.switching;

import org.agrona.ExpandableArrayBuffer;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.stanzaswitch.codec.Jid;
import org.stanzaswitch.journal.Journal;
import org.stanzaswitch.switching.account.AccountCommand;
import org.stanzaswitch.switching.account.Accounts;
import org.stanzaswitch.switching.account.ScramCredentials;
import org.stanzaswitch.switching.roster.RosterCommand;
import org.stanzaswitch.switching.roster.RosterItem;
import org.stanzaswitch.switching.roster.Subscription;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.List;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Startup is snapshot + replay (ARCHITECTURE invariant 4): the state rebuilt from a snapshot and the journal
 * after it is the state a full replay of the journal gives, for every kind of state the journal holds.
 */
class StateSnapshotTest
{
    private static final List<String> USERS = List.of("alice", "bob", "carol", "erin");

    @TempDir
    Path directory;

    private final ExpandableArrayBuffer command = new ExpandableArrayBuffer(1024);
    private final SecureRandom random = new SecureRandom();

    @Test
    @DisplayName("snapshot + the journal after it = full replay: accounts, rosters and versions, XML, blocks, " +
        "preferences, logouts, push")
    void shouldRecoverTheStateAFullReplayGives()
    {
        final Path snapshot = directory.resolve("state.snapshot");
        try (Journal journal = Journal.open(directory.resolve("state")))
        {
            final StateWriter live = new StateWriter(journal, new StateMachine(new Accounts()));
            password(live, "alice");
            password(live, "bob");
            password(live, "carol");
            live.write(command, AccountCommand.encodeDelete(command, "carol"));
            rosterItem(live, "alice", "bob@localhost", 1);
            rosterItem(live, "alice", "dave@elsewhere", 2);
            live.write(command, RosterCommand.encodeRemove(command, "alice", "dave@elsewhere", 3));
            rosterItem(live, "bob", "alice@localhost", 1);
            live.write(command, RosterCommand.encodeRemove(command, "bob", "alice@localhost", 2));
            userData(live, "alice", "vcard", "<vCard xmlns='vcard-temp'><FN>Alice</FN></vCard>");
            userData(live, "alice", "private storage:bookmarks", "<storage xmlns='storage:bookmarks'/>");
            userData(live, "bob", "vcard", "<vCard xmlns='vcard-temp'/>");
            userData(live, "bob", "vcard", "");
            live.write(command, BlockLists.encode(command, "alice", true, "spam@evil.example"));
            live.write(command, BlockLists.encode(command, "alice", true, "x@y.example"));
            live.write(command, BlockLists.encode(command, "alice", false, "x@y.example"));
            live.write(command, ArchivePreferences.encode(command, "alice",
                new ArchivePreferences.Preferences(1, Set.of("bob@localhost"), Set.of())));
            live.write(command, LastActivity.encode(command, "bob", 1_700_000_000_000L, "Heading Home"));
            final UnsafeBuffer form = new UnsafeBuffer("<x xmlns='jabber:x:data'/>".getBytes(StandardCharsets.UTF_8));
            live.write(command, PushRegistrations.encode(
                command, "alice", true, "push.example", "phone", form, 0, form.capacity()));
            live.write(command, PushRegistrations.encode(command, "alice", true, "push.example", "tablet", form, 0, 0));
            live.write(command, PushRegistrations.encode(
                command, "alice", false, "push.example", "tablet", form, 0, 0));

            assertThat(live.state().snapshot(snapshot))
                .as("2 accounts, 2 roster records, 2 XML, 1 block, 1 preference set, 1 logout, 1 push registration")
                .isEqualTo(10);
            assertThat(live.state().snapshot(snapshot)).as("nothing new since").isZero();

            password(live, "erin");
            rosterItem(live, "alice", "erin@localhost", 4);
        }

        final StateMachine recovered = new StateMachine(new Accounts());
        final StateMachine replayed = new StateMachine(new Accounts());
        try (Journal journal = Journal.open(directory.resolve("state")))
        {
            assertThat(recovered.recover(snapshot, journal)).as("commands after the snapshot").isEqualTo(2);
        }
        try (Journal journal = Journal.open(directory.resolve("state")))
        {
            assertThat(replayed.recover(directory.resolve("absent.snapshot"), journal)).isEqualTo(23);
        }

        assertThat(describe(recovered)).isEqualTo(describe(replayed));
        assertThat(recovered.accounts().usernames()).containsExactly("alice", "bob", "erin");
        assertThat(recovered.accounts().credentials("alice").matches("alice-secret")).isTrue();
        assertThat(recovered.rosters().items("alice")).extracting(item -> item.contact().toString())
            .containsExactly("bob@localhost", "erin@localhost");
        assertThat(recovered.rosters().version("alice")).isEqualTo(4);
        assertThat(recovered.rosters().items("bob")).isEmpty();
        assertThat(recovered.rosters().version("bob")).as("an emptied roster keeps its version").isEqualTo(2);
        assertThat(recovered.blockLists().blocked("alice")).containsExactly("spam@evil.example");
        assertThat(recovered.userData().get("bob", "vcard")).isNull();
        assertThat(recovered.archivePreferences().of("alice").defaultMode).isEqualTo(1);
        assertThat(recovered.lastActivity().of("bob").status()).isEqualTo("Heading Home");
        assertThat(recovered.pushRegistrations().of("alice")).extracting(PushRegistrations.Registration::node)
            .containsExactly("phone");
    }

    private void password(final StateWriter live, final String user)
    {
        final ScramCredentials credentials = ScramCredentials.derive(user + "-secret", 4096, random);
        live.write(command, AccountCommand.encodeSetPassword(command, user, credentials));
    }

    private void rosterItem(final StateWriter live, final String owner, final String contact, final long version)
    {
        final RosterItem item = new RosterItem(Jid.of(contact), "name of " + contact, List.of("friends"),
            Subscription.BOTH, false, false, false, false);
        live.write(command, RosterCommand.encodeSet(command, owner, item, version));
    }

    private void userData(final StateWriter live, final String owner, final String key, final String xml)
    {
        final UnsafeBuffer bytes = new UnsafeBuffer(xml.getBytes(StandardCharsets.UTF_8));
        live.write(command, UserDataCommand.encode(command, owner, key, bytes, 0, bytes.capacity()));
    }

    private static String describe(final StateMachine state)
    {
        final StringBuilder text = new StringBuilder();
        for (final String user : USERS)
        {
            final ScramCredentials credentials = state.accounts().credentials(user);
            text.append(user).append(credentials == null ? " no account" : " iterations " + credentials.iterations())
                .append(credentials != null && credentials.matches(user + "-secret") ? " password ok" : "")
                .append("\n roster v").append(state.rosters().version(user)).append(' ')
                .append(state.rosters().items(user))
                .append("\n vcard ").append(text(state.userData().get(user, "vcard")))
                .append("\n bookmarks ").append(text(state.userData().get(user, "private storage:bookmarks")))
                .append("\n blocked ").append(state.blockLists().blocked(user));
            final ArchivePreferences.Preferences preferences = state.archivePreferences().of(user);
            text.append("\n archive ").append(preferences.defaultMode).append(preferences.always)
                .append(preferences.never).append("\n last ").append(state.lastActivity().of(user))
                .append("\n push ").append(state.pushRegistrations().of(user).stream()
                    .map(r -> r.jid() + "/" + r.node() + " " + new String(r.publishOptions(), StandardCharsets.UTF_8))
                    .toList()).append('\n');
        }
        return text.toString();
    }

    private static String text(final byte[] xml)
    {
        return xml == null ? "none" : new String(xml, StandardCharsets.UTF_8);
    }
}
