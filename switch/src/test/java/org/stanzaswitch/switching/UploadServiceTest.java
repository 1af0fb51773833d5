package org.stanzaswitch.switching;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class UploadServiceTest
{
    @Test
    @DisplayName("XEP-0363 §4, §9: a file name becomes one path segment, so no separators, controls or dot segments")
    void shouldAcceptOnlyNamesThatAreOneSegment()
    {
        assertThat(UploadService.validFilename("très cool.jpg")).isTrue();
        assertThat(UploadService.validFilename("..hidden")).isTrue();
        assertThat(UploadService.validFilename("é".repeat(127))).as("254 bytes").isTrue();
        assertThat(UploadService.validFilename("é".repeat(128))).as("256 bytes").isFalse();
        assertThat(UploadService.validFilename(null)).isFalse();
        assertThat(UploadService.validFilename(" ")).isFalse();
        assertThat(UploadService.validFilename(".")).isFalse();
        assertThat(UploadService.validFilename("..")).isFalse();
        assertThat(UploadService.validFilename("a/b")).isFalse();
        assertThat(UploadService.validFilename("a\\b")).isFalse();
        assertThat(UploadService.validFilename("a\nb")).isFalse();
        assertThat(UploadService.validFilename("a\u007fb")).isFalse();
    }
}
