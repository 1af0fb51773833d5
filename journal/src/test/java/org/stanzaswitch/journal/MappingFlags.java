package org.stanzaswitch.journal;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;

/**
 * The kernel's flags for this process's mappings of some files, from {@code /proc/self/smaps} ({@code rr}: the
 * mapping was advised {@code MADV_RANDOM}).
 */
final class MappingFlags
{
    static final Path SMAPS = Path.of("/proc/self/smaps");

    private MappingFlags()
    {
    }

    /**
     * @param file which mapped files to report, by path.
     * @return for each of their mappings, its offset in the file and its flags.
     */
    static Map<Long, List<String>> byFileOffset(final Predicate<String> file) throws IOException
    {
        final Map<Long, List<String>> flagsByOffset = new HashMap<>();
        Long offset = null;
        for (final String line : Files.readAllLines(SMAPS))
        {
            final String[] fields = line.trim().split("\\s+");
            if (fields[0].matches("[0-9a-f]+-[0-9a-f]+"))
            {
                offset = fields.length > 5 && file.test(fields[5]) ? Long.parseLong(fields[2], 16) : null;
            }
            else if (offset != null && fields[0].equals("VmFlags:"))
            {
                flagsByOffset.put(offset, List.of(fields));
            }
        }
        return flagsByOffset;
    }
}
