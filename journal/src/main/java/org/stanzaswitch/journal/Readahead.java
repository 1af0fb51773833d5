package org.stanzaswitch.journal;

import net.openhft.chronicle.core.OS;
import net.openhft.posix.MAdviseFlag;
import net.openhft.posix.PosixAPI;

/**
 * Turns the kernel's readahead off for part of a file mapping that a latency-critical thread writes into for the
 * first time.
 * <p>
 * A file that grows as a sparse file and is written through a mapping takes a page fault at the first write into each
 * page. The kernel takes such a fault for the start of a sequential read and fills its whole readahead window (the
 * disk's {@code read_ahead_kb}: 8 MB on the test machine) with zeros inside that one fault, on the writing thread,
 * which here is the router: a stall of 10-29 ms once per 8 MB written ({@code perf}: {@code memset} under
 * {@code filemap_fault} and {@code page_cache_ra_order}; performance.md, session 27). With {@code MADV_RANDOM} a
 * fault fills its own page only: the same work, a page at a time.
 */
public final class Readahead
{
    private Readahead()
    {
    }

    /**
     * @param address of the range; rounded up to a page.
     * @param length  of the range from the given address.
     */
    public static void disable(final long address, final long length)
    {
        final long pageSize = OS.pageSize();
        final long from = (address + pageSize - 1) & -pageSize;
        final long end = address + length;
        if (end > from)
        {
            // Advice only: where the call fails the mapping works as before, with the stalls.
            PosixAPI.posix().madvise(from, end - from, MAdviseFlag.MADV_RANDOM);
        }
    }
}
