package org.stanzaswitch.switching;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * One switch per data directory: a second one is refused before it touches a journal or the archive index's
 * scratch files, and the directory is free again once the first closes.
 */
class DataDirectoryLockTest
{
    @TempDir
    Path directory;

    @Test
    @DisplayName("a second switch on the same data directory is refused, naming the holder; the first keeps its index")
    void shouldRefuseSecondSwitch() throws Exception
    {
        final SwitchSettings settings = new SwitchSettings().dataDir(directory.resolve("data"));
        try (StanzaSwitch first = new StanzaSwitch(settings))
        {
            final Path index = directory.resolve("data").resolve("archive-index");
            assertThat(index).isDirectory();

            assertThatThrownBy(() -> new StanzaSwitch(settings))
                .isInstanceOf(DataDirectoryInUseException.class)
                .hasMessageContaining("is in use by another Stanza Switch (pid " + ProcessHandle.current().pid() + ")");
            assertThat(index).as("the refused switch did not empty the first one's scratch files").isDirectory();
            assertThat(first.accounts().usernames()).isEmpty();
        }
        assertThat(Files.readString(directory.resolve("data").resolve(DataDirectoryLock.FILE_NAME)))
            .isEqualTo(Long.toString(ProcessHandle.current().pid()));

        try (StanzaSwitch again = new StanzaSwitch(settings))
        {
            assertThat(again.accounts().usernames()).as("free once the first closed").isEmpty();
        }
    }
}
