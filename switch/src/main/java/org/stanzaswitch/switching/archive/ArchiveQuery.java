package org.stanzaswitch.switching.archive;

import org.agrona.collections.IntArrayList;
import org.agrona.collections.LongArrayList;
import org.stanzaswitch.codec.Jid;
import org.stanzaswitch.codec.JidParser;
import org.stanzaswitch.codec.StanzaErrorCondition;
import org.stanzaswitch.codec.XmlReader;
import org.stanzaswitch.codec.XmppTime;

import java.util.ArrayList;
import java.util.List;

/**
 * One archive query (XEP-0313 §4) with its result set management (XEP-0059), parsed from the IQ's payload and
 * then run against one owner's index. Queries are off the hot path: parsing allocates, running reads only the
 * records the filters and the page need. Reused by its service; not thread safe.
 */
final class ArchiveQuery
{
    /** Thrown for a query the server refuses, with the condition to answer. */
    static final class Refused extends Exception
    {
        private static final long serialVersionUID = 1L;
        final StanzaErrorCondition condition;

        Refused(final StanzaErrorCondition condition, final String reason)
        {
            super(reason, null, false, false);
            this.condition = condition;
        }
    }

    private final JidParser parser = new JidParser();
    private final StanzaIds ids;
    private final int maxPage;

    String queryId;
    private Jid with;
    private long start;
    private long end;
    private long afterId;
    private long beforeId;
    private LongArrayList idList;
    private int max;
    private long rsmAfter;
    private long rsmBefore;
    private boolean lastPage;
    private int rsmIndex;
    boolean flipPage;

    /** Positions in the owner's index of the page, in chronological order. */
    final IntArrayList page = new IntArrayList();
    int count;
    int firstRank;
    boolean complete;

    /**
     * @param ids     to turn UIDs back into journal indexes.
     * @param maxPage the most results one page holds, whatever the client asks.
     */
    ArchiveQuery(final StanzaIds ids, final int maxPage)
    {
        this.ids = ids;
        this.maxPage = maxPage;
    }

    /**
     * @param reader positioned on the {@code <query/>} start tag.
     */
    void parse(final XmlReader reader) throws Refused
    {
        queryId = reader.attributeValue("queryid");
        with = null;
        start = Long.MIN_VALUE;
        end = Long.MAX_VALUE;
        afterId = -1;
        beforeId = -1;
        idList = null;
        max = maxPage;
        rsmAfter = -1;
        rsmBefore = -1;
        lastPage = false;
        rsmIndex = -1;
        flipPage = false;
        final int depth = reader.depth();
        XmlReader.Event event;
        while ((event = reader.next()) != XmlReader.Event.END_DOCUMENT &&
            !(event == XmlReader.Event.END_ELEMENT && reader.depth() < depth))
        {
            if (event != XmlReader.Event.START_ELEMENT)
            {
                continue;
            }
            final String name = reader.localName();
            if ("field".equals(name) && ArchiveService.DATA_NS.equals(reader.namespace()))
            {
                field(reader.attributeValue("var"), fieldValues(reader));
            }
            else if ("max".equals(name))
            {
                max = Math.min(maxPage, number(reader.elementText()));
            }
            else if ("after".equals(name))
            {
                rsmAfter = index(reader.elementText());
            }
            else if ("before".equals(name))
            {
                final String text = reader.elementText().trim();
                if (text.isEmpty())
                {
                    lastPage = true;
                }
                else
                {
                    rsmBefore = index(text);
                }
            }
            else if ("index".equals(name))
            {
                rsmIndex = number(reader.elementText());
            }
            else if ("flip-page".equals(name))
            {
                flipPage = true;
            }
        }
    }

    private static List<String> fieldValues(final XmlReader reader)
    {
        final List<String> values = new ArrayList<>(1);
        final int depth = reader.depth();
        XmlReader.Event event;
        while ((event = reader.next()) != XmlReader.Event.END_DOCUMENT &&
            !(event == XmlReader.Event.END_ELEMENT && reader.depth() < depth))
        {
            if (event == XmlReader.Event.START_ELEMENT && "value".equals(reader.localName()))
            {
                values.add(reader.elementText());
            }
        }
        return values;
    }

    private void field(final String name, final List<String> values) throws Refused
    {
        if (name == null)
        {
            throw new Refused(StanzaErrorCondition.BAD_REQUEST, "a field without a var");
        }
        final String value = values.isEmpty() ? "" : values.get(0).trim();
        switch (name)
        {
            case "FORM_TYPE":
                if (!ArchiveService.MAM_NS.equals(value))
                {
                    throw new Refused(StanzaErrorCondition.BAD_REQUEST, "FORM_TYPE is not " + ArchiveService.MAM_NS);
                }
                break;
            case "with":
                with = parser.parse(value);
                if (with == null)
                {
                    throw new Refused(StanzaErrorCondition.JID_MALFORMED, "with is not a JID");
                }
                break;
            case "start":
                start = time(value);
                break;
            case "end":
                end = time(value);
                break;
            case "after-id":
                afterId = index(value);
                break;
            case "before-id":
                beforeId = index(value);
                break;
            case "ids":
                idList = new LongArrayList();
                for (final String id : values)
                {
                    idList.addLong(index(id.trim()));
                }
                break;
            case "include-groupchat":
                // Groupchat messages are not archived in user archives here, so either answer is honoured.
                break;
            default:
                // XEP-0313 §4.1.5: an unknown field is not ignored.
                throw new Refused(StanzaErrorCondition.FEATURE_NOT_IMPLEMENTED, "unknown field " + name);
        }
    }

    private static long time(final String value) throws Refused
    {
        try
        {
            return XmppTime.parse(value);
        }
        catch (final IllegalArgumentException ex)
        {
            throw new Refused(StanzaErrorCondition.BAD_REQUEST, ex.getMessage());
        }
    }

    private static int number(final String value) throws Refused
    {
        try
        {
            final int number = Integer.parseInt(value.trim());
            if (number < 0)
            {
                throw new NumberFormatException(value);
            }
            return number;
        }
        catch (final NumberFormatException ex)
        {
            throw new Refused(StanzaErrorCondition.BAD_REQUEST, "not a non-negative integer: " + value);
        }
    }

    private long index(final String id) throws Refused
    {
        final long index = ids.indexOf(id);
        if (index < 0)
        {
            // XEP-0313 §4.1.3 and §5.2: an id not in the archive is item-not-found.
            throw new Refused(StanzaErrorCondition.ITEM_NOT_FOUND, "no such archive id");
        }
        return index;
    }

    /**
     * Run the query against one owner's archive, leaving the page in {@link #page}, the size of the whole
     * result set in {@link #count}, the page's offset in it in {@link #firstRank}, and whether the page reaches
     * the end of the set in the direction of paging in {@link #complete}.
     */
    void run(final MessageArchive archive, final OwnerArchive owner, final RecordFilter filter) throws Refused
    {
        page.clear();
        final int size = owner == null ? 0 : owner.size();
        int low = 0;
        int high = size;
        if (afterId >= 0)
        {
            low = Math.max(low, position(owner, afterId) + 1);
        }
        if (beforeId >= 0)
        {
            high = Math.min(high, position(owner, beforeId));
        }
        if (start != Long.MIN_VALUE)
        {
            low = Math.max(low, firstReceivedAtOrAfter(archive, owner, start, size));
        }
        if (end != Long.MAX_VALUE)
        {
            high = Math.min(high, firstReceivedAtOrAfter(archive, owner, end + 1, size));
        }
        final IntArrayList matches = matches(archive, owner, low, high, filter);
        count = matches == null ? Math.max(0, high - low) : matches.size();
        int from = 0;
        int to = count;
        if (rsmAfter >= 0)
        {
            from = rankAfter(matches, low, position(owner, rsmAfter));
        }
        if (rsmBefore >= 0)
        {
            to = rankAfter(matches, low, position(owner, rsmBefore) - 1);
        }
        final boolean backwards = lastPage || rsmBefore >= 0;
        if (rsmIndex >= 0 && rsmAfter < 0 && !backwards)
        {
            from = Math.min(count, rsmIndex);
        }
        if (backwards)
        {
            firstRank = Math.max(from, to - max);
            complete = firstRank == from;
        }
        else
        {
            firstRank = from;
            to = Math.min(to, from + max);
            complete = to == count;
        }
        for (int rank = firstRank; rank < to; rank++)
        {
            page.addInt(matches == null ? low + rank : matches.getInt(rank));
        }
    }

    private static int position(final OwnerArchive owner, final long index) throws Refused
    {
        final int position = owner == null ? -1 : owner.positionOf(index);
        if (position < 0)
        {
            throw new Refused(StanzaErrorCondition.ITEM_NOT_FOUND, "no such archive id");
        }
        return position;
    }

    /**
     * @return the number of results at or before a position of the index: the rank that follows it.
     */
    private static int rankAfter(final IntArrayList matches, final int low, final int position)
    {
        if (matches == null)
        {
            return Math.max(0, position + 1 - low);
        }
        int rank = 0;
        while (rank < matches.size() && matches.getInt(rank) <= position)
        {
            rank++;
        }
        return rank;
    }

    private static int firstReceivedAtOrAfter(
        final MessageArchive archive, final OwnerArchive owner, final long moment, final int size)
    {
        int low = 0;
        int high = size;
        while (low < high)
        {
            final int mid = (low + high) >>> 1;
            if (archive.receivedAt(owner.indexAt(mid)) < moment)
            {
                low = mid + 1;
            }
            else
            {
                high = mid;
            }
        }
        return low;
    }

    /**
     * @return the positions in [low, high) that pass the {@code with} and {@code ids} filters, or null if
     * there are no such filters and every position passes.
     */
    private IntArrayList matches(
        final MessageArchive archive, final OwnerArchive owner, final int low, final int high,
        final RecordFilter filter)
        throws Refused
    {
        if (with == null && idList == null)
        {
            return null;
        }
        final IntArrayList matches = new IntArrayList();
        if (idList != null)
        {
            final IntArrayList positions = new IntArrayList();
            for (int i = 0; i < idList.size(); i++)
            {
                positions.addInt(position(owner, idList.getLong(i)));
            }
            positions.sort(null);
            for (int i = 0; i < positions.size(); i++)
            {
                final int position = positions.getInt(i);
                if (position >= low && position < high && (i == 0 || position != positions.getInt(i - 1)) &&
                    matchesWith(archive, owner, position, filter))
                {
                    matches.addInt(position);
                }
            }
            return matches;
        }
        for (int position = low; position < high; position++)
        {
            if (matchesWith(archive, owner, position, filter))
            {
                matches.addInt(position);
            }
        }
        return matches;
    }

    private boolean matchesWith(
        final MessageArchive archive, final OwnerArchive owner, final int position, final RecordFilter filter)
    {
        if (with == null)
        {
            return true;
        }
        final int contact = archive.knownContactId(with.bare().toString());
        if (contact < 0 || owner.withAt(position) != contact)
        {
            return false;
        }
        // XEP-0313 §4.1.1: a full JID in 'with' must match the message's to or from exactly.
        return with.isBare() || filter.matchesFullJid(owner.indexAt(position), with);
    }

    /** Reads a record to tell whether its stanza was to or from a full JID. */
    interface RecordFilter
    {
        boolean matchesFullJid(long index, Jid full);
    }
}
