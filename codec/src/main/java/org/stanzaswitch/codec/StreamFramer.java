package org.stanzaswitch.codec;

import org.agrona.DirectBuffer;
import org.agrona.collections.ArrayUtil;
import org.agrona.concurrent.UnsafeBuffer;

import java.util.Arrays;

import static org.stanzaswitch.codec.StreamErrorCondition.BAD_FORMAT;
import static org.stanzaswitch.codec.StreamErrorCondition.BAD_NAMESPACE_PREFIX;
import static org.stanzaswitch.codec.StreamErrorCondition.INVALID_NAMESPACE;
import static org.stanzaswitch.codec.StreamErrorCondition.NOT_WELL_FORMED;
import static org.stanzaswitch.codec.StreamErrorCondition.POLICY_VIOLATION;
import static org.stanzaswitch.codec.StreamErrorCondition.RESTRICTED_XML;

/**
 * Incremental, non-blocking framer of one XMPP XML stream (RFC 6120 §4 and §11): fed bytes in chunks of any
 * size, it reports the stream header, each complete top-level element and the stream close to a
 * {@link StreamListener}, with the same result for every split of the input.
 * <p>
 * It validates as it frames: UTF-8, XML 1.0 characters and well-formedness, namespace prefixes, and the
 * restrictions of RFC 6120 §11.1 (no DTD, comment, processing instruction or entity reference other than the
 * five predefined ones). Limits on element size, depth, attribute count and attribute value length are
 * checked as bytes arrive, before any memory is committed for them.
 * <p>
 * Zero copy: a complete element is reported in place over the caller's buffer; only the incomplete tail of
 * a chunk is copied, once, into a buffer of the framer's own, which grows up to the stanza size limit and
 * is released by {@link #releaseIdleBuffers()}; {@link #releaseIdleMemory()} gives back the rest of what a quiet
 * connection need not hold.
 * <p>
 * Not thread safe: owned by the thread that reads the connection.
 */
public final class StreamFramer
{
    /** The input was taken and the stream goes on. */
    public static final int OK = 0;
    /** The listener refused an element; call {@link #resume()} before feeding more. */
    public static final int BACK_PRESSURED = 1;
    /** The stream element was closed. */
    public static final int CLOSED = 2;
    /** A stream error was reported; nothing more is read until {@link #reset()}. */
    public static final int FAILED = 3;
    /** Internal: scanning stopped at a tag that the next read will complete; never returned. */
    private static final int DEFERRED = 4;

    private static final int PROLOG = 0;
    private static final int PROLOG_LT = 1;
    private static final int XML_DECLARATION = 2;
    private static final int TEXT = 3;
    private static final int LT = 4;
    private static final int START_NAME = 5;
    private static final int IN_TAG = 6;
    private static final int ATTRIBUTE_NAME = 7;
    private static final int ATTRIBUTE_EQUALS = 8;
    private static final int ATTRIBUTE_QUOTE = 9;
    private static final int ATTRIBUTE_VALUE = 10;
    private static final int EMPTY_SLASH = 11;
    private static final int END_NAME = 12;
    private static final int END_WHITESPACE = 13;
    private static final int REFERENCE = 14;
    private static final int CHAR_REFERENCE = 15;
    private static final int CHAR_REFERENCE_DECIMAL = 16;
    private static final int CHAR_REFERENCE_HEX = 17;
    private static final int ENTITY_NAME = 18;
    private static final int BANG = 19;
    private static final int CDATA_OPEN = 20;
    private static final int CDATA = 21;

    private static final int NOT_FAST = -1;
    private static final int RAN_OUT = -2;
    private static final int DEFER_LIMIT = 256;
    private static final int NO_PREFIX = Integer.MAX_VALUE;
    /** A tag whose attributes need {@link #checkAttributes}: declarations, prefixes, or names that may repeat. */
    private static final int ATTRIBUTES_NEED_CHECK = 1;
    /** The tag has one {@code xml:} attribute, bound by definition; a second prefixed name needs the check. */
    private static final int XML_PREFIXED_SEEN = 2;

    private static final int UTF8_MORE = -1;
    private static final int UTF8_INVALID = -2;
    private static final int BYTE_ORDER_MARK = 0xFEFF;
    private static final int NOT_A_CHAR = 0x110000;
    private static final int INITIAL_CAPACITY = 8;
    private static final byte[] CDATA_START = Bytes.ascii("CDATA[");
    private static final byte[] STREAM = Bytes.ascii("stream");
    private static final byte[] XML_NAMESPACE = Bytes.ascii(XmppNamespaces.XML);
    private static final byte[] XMLNS_NAMESPACE = Bytes.ascii("http://www.w3.org/2000/xmlns/");
    private static final byte[] EMPTY = new byte[0];
    private static final int ENTITY_LT = ('l' << 8) | 't';
    private static final int ENTITY_GT = ('g' << 8) | 't';
    private static final int ENTITY_AMP = ('a' << 16) | ('m' << 8) | 'p';
    private static final int ENTITY_QUOT = ('q' << 24) | ('u' << 16) | ('o' << 8) | 't';
    private static final int ENTITY_APOS = ('a' << 24) | ('p' << 16) | ('o' << 8) | 's';

    private static final byte PLAIN_TEXT = 1;
    private static final byte PLAIN_APOS_VALUE = 2;
    private static final byte PLAIN_QUOT_VALUE = 4;
    private static final byte NAME = 8;
    private static final byte NAME_OR_COLON = 16;
    private static final byte[] CLASSES = new byte[256];

    static
    {
        for (int b = 0x20; b < 0x80; b++)
        {
            CLASSES[b] = PLAIN_TEXT | PLAIN_APOS_VALUE | PLAIN_QUOT_VALUE;
            if (XmlChars.isNameChar(b))
            {
                CLASSES[b] |= b == ':' ? NAME_OR_COLON : NAME | NAME_OR_COLON;
            }
        }
        CLASSES['<'] = 0;
        CLASSES['&'] = 0;
        CLASSES[']'] = PLAIN_APOS_VALUE | PLAIN_QUOT_VALUE;
        CLASSES['\''] &= ~PLAIN_APOS_VALUE;
        CLASSES['"'] &= ~PLAIN_QUOT_VALUE;
    }

    private final DecoderLimits limits;
    private final StreamListener listener;
    private final ElementFlyweight element;
    private final StreamHeaderFlyweight header;
    private final NamespaceScope scope;
    // Only while a stream's XML declaration is read: a connection does not keep one between restarts.
    private XmlDeclaration declaration;
    private final UnsafeBuffer pending = new UnsafeBuffer(EMPTY);

    private int pendingLength;
    private int scanPosition;
    private int status = OK;
    private boolean inCallback;
    private boolean resetRequested;
    private boolean discardInput;
    private boolean deliveryPending;
    private int deliveryLength;
    private StreamErrorCondition errorCondition;
    private String errorReason;

    private int state = PROLOG;
    private boolean prologFresh = true;
    private int depth;
    private int unitStart = -1;
    private int codePointStart;
    private int utf8Remaining;
    private int utf8CodePoint;
    private int utf8Minimum;

    private int tagNameStart;
    private int tagNameColon;
    private int tagNameEnd;
    private int endNameStart;
    private int endNameEnd;
    private int attributeCount;
    private int attributeSummary;
    private long attributeNamesSeen;
    private boolean whitespaceSeen;
    private boolean tagDeferred;
    private int quote;
    /** The tag being read; when a top-level tag ends it becomes {@link #topLevelTag}, see {@link #startTagEnd}. */
    private StartTagLayout tag = new StartTagLayout();
    private int[] elementNameStart = new int[INITIAL_CAPACITY];
    private int[] elementNameLength = new int[INITIAL_CAPACITY];
    private int[] elementScopeMark = new int[INITIAL_CAPACITY];
    private StartTagLayout topLevelTag = new StartTagLayout();
    private int elementNamespace;
    private int elementDefaultNamespace;
    private int scannedColon;

    private int bracketRun;
    private int referenceReturnState;
    private int entityName;
    private int entityLength;
    private int charReferenceValue;
    private int charReferenceDigits;
    private int cdataMatched;

    /**
     * @param limits   concluded limits.
     * @param listener told of what is read, on the calling thread.
     */
    public StreamFramer(final DecoderLimits limits, final StreamListener listener)
    {
        this(limits, listener, new ElementFlyweight(limits.maxAttributes()),
            new StreamHeaderFlyweight(limits.maxAttributes()));
    }

    /**
     * @param limits   concluded limits.
     * @param listener told of what is read, on the calling thread.
     * @param element  a flyweight to report elements with, which framers on one thread may share.
     * @param header   a flyweight to report headers with, which framers on one thread may share.
     */
    public StreamFramer(
        final DecoderLimits limits,
        final StreamListener listener,
        final ElementFlyweight element,
        final StreamHeaderFlyweight header)
    {
        this.limits = limits;
        this.listener = listener;
        this.element = element;
        this.header = header;
        this.scope = new NamespaceScope(limits.maxAttributes() * limits.maxDepth());
    }

    /**
     * Feed the next bytes of the stream. Complete units are reported before this returns; an incomplete tail
     * is kept, so the caller may reuse its buffer at once.
     *
     * @param buffer holding the bytes.
     * @param offset of the first byte.
     * @param length of the bytes.
     * @return {@link #OK}, {@link #BACK_PRESSURED}, {@link #CLOSED} or {@link #FAILED}.
     */
    public int decode(final DirectBuffer buffer, final int offset, final int length)
    {
        if (status == CLOSED || status == FAILED)
        {
            return status;
        }
        if (pendingLength == 0 && status == OK && buffer.byteArray() != null)
        {
            final int end = offset + length;
            final int stop = scan(buffer, offset, end);
            retain(buffer, stop, end);
            return status;
        }
        if (pendingLength + length > limits.maxStanzaSize() + limits.maxReadSize())
        {
            fail(POLICY_VIOLATION, "input held beyond the stanza size limit");
            return status;
        }
        ensurePendingCapacity(pendingLength + length);
        pending.putBytes(pendingLength, buffer, offset, length);
        pendingLength += length;
        if (status == OK)
        {
            scanPending();
        }
        return status;
    }

    /**
     * Offer the element refused under back pressure again, then read on through what is kept.
     *
     * @return {@link #OK}, {@link #BACK_PRESSURED}, {@link #CLOSED} or {@link #FAILED}.
     */
    public int resume()
    {
        if (status != BACK_PRESSURED)
        {
            return status;
        }
        wrapElement(pending, deliveryLength);
        if (!deliver())
        {
            return status;
        }
        deliveryPending = false;
        status = OK;
        unitStart = -1;
        scanPosition = deliveryLength;
        if (discardInput)
        {
            discardInput = false;
            pendingLength = 0;
            scanPosition = 0;
            return status;
        }
        scanPending();
        return status;
    }

    /**
     * Start a new stream on the same connection (RFC 6120 §4.3.3: after STARTTLS and SASL), discarding
     * anything read after the current element. May be called from inside {@link StreamListener#onElement}.
     */
    public void reset()
    {
        if (inCallback)
        {
            resetRequested = true;
            return;
        }
        pendingLength = 0;
        scanPosition = 0;
        status = OK;
        deliveryPending = false;
        errorCondition = null;
        errorReason = null;
        state = PROLOG;
        prologFresh = true;
        depth = 0;
        unitStart = -1;
        utf8Remaining = 0;
        bracketRun = 0;
        tagDeferred = false;
        declaration = null;
        scope.clear();
    }

    /**
     * Give back the framer's own buffer while it holds nothing, so that an idle connection costs little.
     */
    public void releaseIdleBuffers()
    {
        if (pendingLength == 0)
        {
            pending.wrap(EMPTY);
        }
    }

    /**
     * Give back, as well as the buffer, the room grown for attributes, nesting and namespace declarations, while
     * the framer is between top-level elements: a quiet connection then holds about 1 KB less, and its next
     * stanza grows the room again (a few small arrays). Does nothing in the middle of an element.
     */
    public void releaseIdleMemory()
    {
        releaseIdleBuffers();
        // A unit in progress or held under back pressure keeps unitStart; the stream header's callback runs after
        // unitStart is cleared, while the header flyweight is in use.
        if (pendingLength == 0 && unitStart == -1 && depth <= 1 && !inCallback)
        {
            tag.release();
            topLevelTag.release();
            element.release();
            header.release();
            scope.releaseElementDeclarations();
            elementNameStart = ArrayUtil.EMPTY_INT_ARRAY;
            elementNameLength = ArrayUtil.EMPTY_INT_ARRAY;
            elementScopeMark = ArrayUtil.EMPTY_INT_ARRAY;
        }
    }

    /**
     * @return bytes held for an incomplete unit or under back pressure.
     */
    public int pendingBytes()
    {
        return pendingLength;
    }

    /**
     * @return the capacity of the framer's own buffer.
     */
    public int pendingCapacity()
    {
        return pending.capacity();
    }

    /**
     * @return the condition reported when the status is {@link #FAILED}, null otherwise.
     */
    public StreamErrorCondition errorCondition()
    {
        return errorCondition;
    }

    /**
     * @return the reason reported when the status is {@link #FAILED}, null otherwise.
     */
    public String errorReason()
    {
        return errorReason;
    }

    private void scanPending()
    {
        final int end = pendingLength;
        final int stop = scan(pending, scanPosition, end);
        retain(pending, stop, end);
    }

    private void retain(final DirectBuffer buffer, final int stop, final int end)
    {
        if (status == CLOSED || status == FAILED)
        {
            pendingLength = 0;
            return;
        }
        final int keepFrom = unitStart >= 0 ? unitStart : stop;
        final int keep = end - keepFrom;
        if (buffer == pending)
        {
            if (keepFrom > 0 && keep > 0)
            {
                System.arraycopy(pending.byteArray(), keepFrom, pending.byteArray(), 0, keep);
            }
        }
        else if (keep > 0)
        {
            ensurePendingCapacity(keep);
            pending.putBytes(0, buffer, keepFrom, keep);
        }
        pendingLength = keep;
        scanPosition = stop - keepFrom;
        if (unitStart >= 0)
        {
            unitStart = 0;
        }
    }

    private void ensurePendingCapacity(final int required)
    {
        final int capacity = pending.capacity();
        if (required > capacity)
        {
            final int newCapacity = Math.max(required, Math.max(256, capacity * 2));
            pending.wrap(Arrays.copyOf(pending.byteArray(), newCapacity));
        }
    }

    private int scan(final DirectBuffer buffer, final int from, final int to)
    {
        final int maxUnit = limits.maxStanzaSize();
        final byte[] array = buffer.byteArray();
        final int adjustment = buffer.wrapAdjustment();
        int i = from;
        while (i < to)
        {
            if (unitStart >= 0 && i - unitStart >= maxUnit)
            {
                fail(POLICY_VIOLATION, "element larger than the stanza size limit");
                return i;
            }
            final byte b = array[i + adjustment];
            final int c;
            if (b >= 0)
            {
                if (utf8Remaining != 0)
                {
                    fail(NOT_WELL_FORMED, "truncated UTF-8 sequence");
                    return i;
                }
                c = b;
            }
            else
            {
                c = utf8(b, i);
                if (c == UTF8_MORE)
                {
                    i++;
                    continue;
                }
                if (c == UTF8_INVALID)
                {
                    fail(NOT_WELL_FORMED, "malformed UTF-8");
                    return i;
                }
            }
            i = step(buffer, c, i, to);
            if (status != OK || discardInput)
            {
                if (status == DEFERRED)
                {
                    status = OK;
                    return i;
                }
                if (discardInput && status == OK)
                {
                    discardInput = false;
                    return to;
                }
                return i;
            }
        }
        return to;
    }

    private int utf8(final byte b, final int i)
    {
        final int v = b & 0xFF;
        if (utf8Remaining == 0)
        {
            codePointStart = i - unitStart;
            if (v < 0xC2)
            {
                return UTF8_INVALID;
            }
            if (v < 0xE0)
            {
                utf8Remaining = 1;
                utf8CodePoint = v & 0x1F;
                utf8Minimum = 0x80;
            }
            else if (v < 0xF0)
            {
                utf8Remaining = 2;
                utf8CodePoint = v & 0x0F;
                utf8Minimum = 0x800;
            }
            else if (v < 0xF5)
            {
                utf8Remaining = 3;
                utf8CodePoint = v & 0x07;
                utf8Minimum = 0x10000;
            }
            else
            {
                return UTF8_INVALID;
            }
            return UTF8_MORE;
        }
        if ((v & 0xC0) != 0x80)
        {
            return UTF8_INVALID;
        }
        utf8CodePoint = (utf8CodePoint << 6) | (v & 0x3F);
        if (--utf8Remaining > 0)
        {
            return UTF8_MORE;
        }
        final int codePoint = utf8CodePoint;
        if (codePoint < utf8Minimum || codePoint > 0x10FFFF || (codePoint >= 0xD800 && codePoint <= 0xDFFF))
        {
            return UTF8_INVALID;
        }
        return codePoint;
    }

    private int step(final DirectBuffer buffer, final int c, final int i, final int to)
    {
        switch (state)
        {
            case TEXT:
                return text(buffer, c, i, to);
            case ATTRIBUTE_VALUE:
                return attributeValue(buffer, c, i, to);
            case START_NAME:
                return startName(buffer, c, i, to);
            case ATTRIBUTE_NAME:
                return attributeName(buffer, c, i, to);
            case IN_TAG:
                return inTag(buffer, c, i);
            case END_NAME:
                return endName(buffer, c, i, to);
            case LT:
                return lessThan(buffer, c, i, to);
            default:
                return rareStep(buffer, c, i);
        }
    }

    private int rareStep(final DirectBuffer buffer, final int c, final int i)
    {
        switch (state)
        {
            case PROLOG:
                return prolog(c, i);
            case PROLOG_LT:
                return prologLessThan(buffer, c, i);
            case XML_DECLARATION:
                return xmlDeclaration(c, i);
            case ATTRIBUTE_EQUALS:
                return attributeEquals(c, i);
            case ATTRIBUTE_QUOTE:
                return attributeQuote(c, i);
            case EMPTY_SLASH:
                return c == '>' ? startTagEnd(buffer, true, i) : failAt(NOT_WELL_FORMED, "'/' not followed by '>'", i);
            case END_WHITESPACE:
                return endWhitespace(buffer, c, i);
            case BANG:
                return bang(c, i);
            case CDATA_OPEN:
                return cdataOpen(c, i);
            case CDATA:
                return cdata(c, i);
            default:
                return reference(c, i);
        }
    }

    private int reference(final int c, final int i)
    {
        switch (state)
        {
            case REFERENCE:
                return referenceStart(c, i);
            case CHAR_REFERENCE:
                return charReferenceStart(c, i);
            case CHAR_REFERENCE_DECIMAL:
                return charReferenceDigit(c, i, 10);
            case CHAR_REFERENCE_HEX:
                return charReferenceDigit(c, i, 16);
            default:
                return entityNameChar(c, i);
        }
    }

    private int prolog(final int c, final int i)
    {
        if (c == BYTE_ORDER_MARK && prologFresh)
        {
            return i + 1;
        }
        if (XmlChars.isWhitespace(c))
        {
            prologFresh = false;
            return i + 1;
        }
        if (c == '<')
        {
            unitStart = i;
            state = PROLOG_LT;
            return i + 1;
        }
        return failAt(NOT_WELL_FORMED, "text before the stream header", i);
    }

    private int prologLessThan(final DirectBuffer buffer, final int c, final int i)
    {
        if (c == '?')
        {
            if (!prologFresh)
            {
                return failAt(RESTRICTED_XML, "processing instruction (RFC 6120 §11.1)", i);
            }
            declaration = new XmlDeclaration();
            state = XML_DECLARATION;
            return i + 1;
        }
        prologFresh = false;
        if (c == '!')
        {
            return failAt(RESTRICTED_XML, "DTD or comment (RFC 6120 §11.1)", i);
        }
        return beginStartTag(buffer, c, i, i + 1, false);
    }

    private int xmlDeclaration(final int c, final int i)
    {
        if (c >= 0x80 || !declaration.append(c))
        {
            return declaration.hasXmlTarget() ?
                failAt(NOT_WELL_FORMED, "malformed XML declaration", i) :
                failAt(RESTRICTED_XML, "processing instruction (RFC 6120 §11.1)", i);
        }
        if (!declaration.isComplete())
        {
            return i + 1;
        }
        final StreamErrorCondition condition = declaration.check();
        if (condition != null)
        {
            return failAt(condition, declaration.failureReason(), i);
        }
        declaration = null;
        prologFresh = false;
        unitStart = -1;
        state = PROLOG;
        return i + 1;
    }

    private int text(final DirectBuffer buffer, final int c, final int i, final int to)
    {
        if (c == '<')
        {
            if (depth == 1)
            {
                unitStart = i;
            }
            bracketRun = 0;
            state = LT;
            final int next = i + 1;
            if (next < to)
            {
                final byte b = buffer.byteArray()[next + buffer.wrapAdjustment()];
                if (b >= 0)
                {
                    // Straight on into the tag: most '<' open a tag that the fast paths read whole.
                    return lessThan(buffer, b, next, to);
                }
            }
            return next;
        }
        if (depth == 1)
        {
            return XmlChars.isWhitespace(c) ? i + 1 : failAt(BAD_FORMAT, "text at stream level", i);
        }
        if (c == '&')
        {
            bracketRun = 0;
            final int afterReference = fastReference(buffer, i, to);
            if (afterReference > 0)
            {
                return afterReference;
            }
            referenceReturnState = TEXT;
            state = REFERENCE;
            return i + 1;
        }
        if (c == ']')
        {
            bracketRun++;
            return i + 1;
        }
        if (c == '>' && bracketRun >= 2)
        {
            return failAt(NOT_WELL_FORMED, "']]>' in character data", i);
        }
        if (!XmlChars.isChar(c))
        {
            return failAt(NOT_WELL_FORMED, "character not allowed in XML", i);
        }
        bracketRun = 0;
        return skip(buffer, i + 1, to, PLAIN_TEXT);
    }

    /**
     * Skip the run of bytes of one class that needs no attention: printable ASCII in character data or an
     * attribute value, ASCII name characters. The scan reads the backing array; only heap buffers get here.
     */
    private static int skip(final DirectBuffer buffer, final int from, final int to, final byte byteClass)
    {
        final byte[] array = buffer.byteArray();
        final int adjustment = buffer.wrapAdjustment();
        int i = from + adjustment;
        final int end = to + adjustment;
        while (i < end && (CLASSES[array[i] & 0xFF] & byteClass) != 0)
        {
            i++;
        }
        return i - adjustment;
    }

    private int lessThan(final DirectBuffer buffer, final int c, final int i, final int to)
    {
        final boolean readAgain = tagDeferred;
        tagDeferred = false;
        if (c == '/')
        {
            endNameStart = i + 1 - unitStart;
            final int nameEnd = skip(buffer, i + 1, Math.min(to, unitStart + limits.maxStanzaSize()), NAME_OR_COLON);
            if (nameEnd > i + 1 && nameEnd < to && buffer.byteArray()[nameEnd + buffer.wrapAdjustment()] == '>')
            {
                endNameEnd = nameEnd - unitStart;
                return endTag(buffer, nameEnd);
            }
            if (nameEnd == to && mayDefer(readAgain, i, to))
            {
                return deferTag(i);
            }
            state = END_NAME;
            return i + 1;
        }
        if (c == '!')
        {
            state = BANG;
            return i + 1;
        }
        if (c == '?')
        {
            return failAt(RESTRICTED_XML, "processing instruction (RFC 6120 §11.1)", i);
        }
        return beginStartTag(buffer, c, i, to, readAgain);
    }

    private int beginStartTag(
        final DirectBuffer buffer, final int c, final int i, final int to, final boolean readAgain)
    {
        if (!XmlChars.isNameStartChar(c) || c == ':')
        {
            return failAt(NOT_WELL_FORMED, "malformed tag", i);
        }
        if (depth + 1 > limits.maxDepth())
        {
            return failAt(POLICY_VIOLATION, "elements nested deeper than the limit", i);
        }
        tagNameStart = c < 0x80 ? i - unitStart : codePointStart;
        tagNameColon = -1;
        attributeCount = 0;
        attributeSummary = 0;
        attributeNamesSeen = 0;
        if (c < 0x80)
        {
            final int next = fastStartTag(buffer, i, to);
            if (next >= 0)
            {
                return next;
            }
            if (next == RAN_OUT && mayDefer(readAgain, i, to))
            {
                return deferTag(i);
            }
            attributeCount = 0;
        }
        attributeSummary = ATTRIBUTES_NEED_CHECK;
        state = START_NAME;
        return i + 1;
    }

    /**
     * A tag cut by the end of a read is read again whole from its '<' when the next read arrives, rather than
     * byte by byte by the state machine: most reads end inside some tag. Once per tag, for short tags inside
     * the stream element, so the bytes read twice are bounded; the result is the same either way, since the
     * fast paths run out only on bytes they would have accepted.
     *
     * @param readAgain whether this tag was deferred once already.
     * @param i         the position after the '<'.
     * @param to        the end of the bytes read.
     */
    private boolean mayDefer(final boolean readAgain, final int i, final int to)
    {
        return !readAgain && depth != 0 && to - i < DEFER_LIMIT;
    }

    private int deferTag(final int i)
    {
        tagDeferred = true;
        attributeCount = 0;
        state = TEXT;
        status = DEFERRED;
        return i - 1;
    }

    /**
     * The common case read in one pass: a start tag that lies whole in the buffer, ASCII only, without
     * references, white space in values, or space around '='. Anything else, or anything wrong, returns -1
     * and the state machine reads the tag from its name on, so both paths give the same result.
     */
    private int fastStartTag(final DirectBuffer buffer, final int nameStart, final int to)
    {
        final byte[] array = buffer.byteArray();
        final int adjustment = buffer.wrapAdjustment();
        final int limit = Math.min(to, unitStart + limits.maxStanzaSize());
        int j = fastQualifiedName(buffer, nameStart, limit);
        if (j < 0)
        {
            return -1;
        }
        final int colon = scannedColon;
        final int nameEnd = j;
        int count = 0;
        while (j < limit)
        {
            byte b = array[j + adjustment];
            final int beforeSpace = j;
            while (b == ' ' || b == '\n' || b == '\t' || b == '\r')
            {
                if (++j == limit)
                {
                    return ranOut(limit, to);
                }
                b = array[j + adjustment];
            }
            if (b == '>' || (b == '/' && j + 1 < limit && array[j + 1 + adjustment] == '>'))
            {
                return fastStartTagEnd(buffer, colon, nameEnd, count, b == '/', b == '>' ? j : j + 1);
            }
            if (j == beforeSpace || count == limits.maxAttributes() || b < 0 || b == ':' ||
                !XmlChars.isNameStartChar(b))
            {
                return -1;
            }
            j = fastAttribute(buffer, j, limit, count);
            if (j < 0)
            {
                return j == RAN_OUT ? ranOut(limit, to) : NOT_FAST;
            }
            count++;
        }
        return ranOut(limit, to);
    }

    /**
     * Kept out of {@link #fastStartTag} so that its bytecode stays within C2's limit for inlining a hot method.
     */
    private int fastStartTagEnd(
        final DirectBuffer buffer,
        final int colon,
        final int nameEnd,
        final int count,
        final boolean empty,
        final int greaterThan)
    {
        tagNameColon = colon < 0 ? -1 : colon - unitStart;
        tagNameEnd = nameEnd - unitStart;
        attributeCount = count;
        return startTagEnd(buffer, empty, greaterThan);
    }

    /**
     * @return {@link #RAN_OUT} if the fast path stopped at the end of the bytes read, {@link #NOT_FAST} if it
     * stopped at the stanza size limit.
     */
    private static int ranOut(final int limit, final int to)
    {
        return limit == to ? RAN_OUT : NOT_FAST;
    }

    /**
     * Read a whole reference that lies in the buffer: one of the five predefined entities, or a character
     * reference to a character XML allows.
     *
     * @return the position after the ';', or -1 to let the state machine read it.
     */
    private static int fastReference(final DirectBuffer buffer, final int ampersand, final int limit)
    {
        final byte[] array = buffer.byteArray();
        final int adjustment = buffer.wrapAdjustment();
        final int start = ampersand + 1;
        int j = start;
        if (j < limit && array[j + adjustment] == '#')
        {
            int value = 0;
            final boolean hex = ++j < limit && array[j + adjustment] == 'x';
            if (hex)
            {
                j++;
            }
            final int digitsStart = j;
            while (j < limit && j - digitsStart < 7)
            {
                final int digit = Character.digit(array[j + adjustment], hex ? 16 : 10);
                if (digit < 0)
                {
                    break;
                }
                value = value * (hex ? 16 : 10) + digit;
                j++;
            }
            final boolean valid = j > digitsStart && j < limit && array[j + adjustment] == ';' &&
                XmlChars.isChar(value);
            return valid ? j + 1 : -1;
        }
        int name = 0;
        while (j < limit && j - start < 4 && array[j + adjustment] >= 'a' && array[j + adjustment] <= 'z')
        {
            name = (name << 8) | array[j + adjustment];
            j++;
        }
        final boolean predefined = name == ENTITY_LT || name == ENTITY_GT || name == ENTITY_AMP ||
            name == ENTITY_QUOT || name == ENTITY_APOS;
        return predefined && j < limit && array[j + adjustment] == ';' ? j + 1 : -1;
    }

    /**
     * Read an ASCII qualified name whose first character is already checked.
     *
     * @return the position after the name, or -1 for a name ending with its colon; the colon's position (or
     * -1) is left in {@link #scannedColon}.
     */
    private int fastQualifiedName(final DirectBuffer buffer, final int nameStart, final int limit)
    {
        int j = skip(buffer, nameStart + 1, limit, NAME);
        scannedColon = -1;
        if (j < limit && buffer.byteArray()[j + buffer.wrapAdjustment()] == ':')
        {
            scannedColon = j;
            j = skip(buffer, j + 1, limit, NAME);
            if (j == scannedColon + 1)
            {
                return -1;
            }
        }
        return j;
    }

    private int fastAttribute(final DirectBuffer buffer, final int nameStart, final int limit, final int index)
    {
        final byte[] array = buffer.byteArray();
        final int adjustment = buffer.wrapAdjustment();
        final int j = fastQualifiedName(buffer, nameStart, limit);
        if (j < 0)
        {
            return -1;
        }
        final int colon = scannedColon;
        if (j + 1 >= limit)
        {
            return RAN_OUT;
        }
        if (array[j + adjustment] != '=')
        {
            return NOT_FAST;
        }
        final byte quote = array[j + 1 + adjustment];
        if (quote != '\'' && quote != '"')
        {
            return -1;
        }
        final int valueStart = j + 2;
        final byte valueClass = quote == '\'' ? PLAIN_APOS_VALUE : PLAIN_QUOT_VALUE;
        int valueEnd = skip(buffer, valueStart, limit, valueClass);
        while (valueEnd < limit && array[valueEnd + adjustment] == '&')
        {
            final int afterReference = fastReference(buffer, valueEnd, limit);
            if (afterReference < 0)
            {
                return -1;
            }
            valueEnd = skip(buffer, afterReference, limit, valueClass);
        }
        if (valueEnd >= limit)
        {
            return RAN_OUT;
        }
        if (array[valueEnd + adjustment] != quote || valueEnd - valueStart > limits.maxAttributeValueLength())
        {
            return NOT_FAST;
        }
        noteAttributeName(array, nameStart + adjustment, j + adjustment, colon);
        attributeCount = index;
        tag.ensureAttributeCapacity(attributeCount, limits.maxAttributes());
        tag.attributeNameStart[index] = nameStart - unitStart;
        tag.attributeNameEnd[index] = j - unitStart;
        tag.attributeColon[index] = colon < 0 ? -1 : colon - unitStart;
        tag.attributeValueStart[index] = valueStart - unitStart;
        tag.attributeValueEnd[index] = valueEnd - unitStart;
        return valueEnd + 1;
    }

    /**
     * Sum up, while the fast path reads a tag, whether its attributes need {@link #checkAttributes} at all: most
     * tags declare nothing, use no prefix but {@code xml:}, and have names that cannot repeat. The names are
     * filtered as {@link #checkAttributes} does; a collision, a declaration or a second prefixed name sends the
     * tag to the full check, which decides.
     *
     * @param nameStart index into the array of the name's first byte.
     * @param nameEnd   index into the array after the name.
     * @param colon     the colon's position relative to the buffer, or -1.
     */
    private void noteAttributeName(final byte[] array, final int nameStart, final int nameEnd, final int colon)
    {
        final int nameLength = nameEnd - nameStart;
        final long nameBit = 1L << (nameLength + 3 * array[nameEnd - 1]);
        int summary = attributeSummary;
        if ((attributeNamesSeen & nameBit) != 0)
        {
            summary |= ATTRIBUTES_NEED_CHECK;
        }
        attributeNamesSeen |= nameBit;
        if (colon >= 0)
        {
            final boolean xmlPrefix = nameLength > 4 && array[nameStart + 3] == ':' && isXml(array, nameStart, 3);
            summary |= !xmlPrefix || (summary & XML_PREFIXED_SEEN) != 0 ? ATTRIBUTES_NEED_CHECK : XML_PREFIXED_SEEN;
        }
        else if (isXmlns(array, nameStart, nameLength))
        {
            summary |= ATTRIBUTES_NEED_CHECK;
        }
        attributeSummary = summary;
    }

    private int startName(final DirectBuffer buffer, final int c, final int i, final int to)
    {
        if (XmlChars.isNameChar(c))
        {
            if (c == ':')
            {
                if (tagNameColon != -1)
                {
                    return failAt(NOT_WELL_FORMED, "name with more than one colon", i);
                }
                tagNameColon = i - unitStart;
            }
            return skip(buffer, i + 1, to, NAME);
        }
        tagNameEnd = i - unitStart;
        if (tagNameColon == tagNameEnd - 1)
        {
            return failAt(NOT_WELL_FORMED, "name ending with a colon", i);
        }
        if (XmlChars.isWhitespace(c))
        {
            whitespaceSeen = true;
            state = IN_TAG;
            return i + 1;
        }
        if (c == '/')
        {
            state = EMPTY_SLASH;
            return i + 1;
        }
        if (c == '>')
        {
            return startTagEnd(buffer, false, i);
        }
        return failAt(NOT_WELL_FORMED, "malformed tag", i);
    }

    private int inTag(final DirectBuffer buffer, final int c, final int i)
    {
        if (XmlChars.isWhitespace(c))
        {
            whitespaceSeen = true;
            return i + 1;
        }
        if (c == '>')
        {
            return startTagEnd(buffer, false, i);
        }
        if (c == '/')
        {
            state = EMPTY_SLASH;
            return i + 1;
        }
        if (!XmlChars.isNameStartChar(c) || c == ':' || !whitespaceSeen)
        {
            return failAt(NOT_WELL_FORMED, "malformed attribute", i);
        }
        if (attributeCount == limits.maxAttributes())
        {
            return failAt(POLICY_VIOLATION, "more attributes than the limit", i);
        }
        tag.ensureAttributeCapacity(attributeCount, limits.maxAttributes());
        tag.attributeNameStart[attributeCount] = c < 0x80 ? i - unitStart : codePointStart;
        tag.attributeColon[attributeCount] = -1;
        state = ATTRIBUTE_NAME;
        return i + 1;
    }

    private int attributeName(final DirectBuffer buffer, final int c, final int i, final int to)
    {
        if (XmlChars.isNameChar(c))
        {
            if (c == ':')
            {
                if (tag.attributeColon[attributeCount] != -1)
                {
                    return failAt(NOT_WELL_FORMED, "name with more than one colon", i);
                }
                tag.attributeColon[attributeCount] = i - unitStart;
            }
            return skip(buffer, i + 1, to, NAME);
        }
        tag.attributeNameEnd[attributeCount] = i - unitStart;
        if (tag.attributeColon[attributeCount] == i - unitStart - 1)
        {
            return failAt(NOT_WELL_FORMED, "name ending with a colon", i);
        }
        if (c == '=')
        {
            state = ATTRIBUTE_QUOTE;
            return i + 1;
        }
        if (XmlChars.isWhitespace(c))
        {
            state = ATTRIBUTE_EQUALS;
            return i + 1;
        }
        return failAt(NOT_WELL_FORMED, "malformed attribute", i);
    }

    private int attributeEquals(final int c, final int i)
    {
        if (c == '=')
        {
            state = ATTRIBUTE_QUOTE;
            return i + 1;
        }
        return XmlChars.isWhitespace(c) ? i + 1 : failAt(NOT_WELL_FORMED, "attribute without a value", i);
    }

    private int attributeQuote(final int c, final int i)
    {
        if (c == '"' || c == '\'')
        {
            quote = c;
            tag.attributeValueStart[attributeCount] = i + 1 - unitStart;
            state = ATTRIBUTE_VALUE;
            return i + 1;
        }
        return XmlChars.isWhitespace(c) ? i + 1 : failAt(NOT_WELL_FORMED, "attribute value not quoted", i);
    }

    private int attributeValue(final DirectBuffer buffer, final int c, final int i, final int to)
    {
        if (i - unitStart - tag.attributeValueStart[attributeCount] > limits.maxAttributeValueLength())
        {
            return failAt(POLICY_VIOLATION, "attribute value longer than the limit", i);
        }
        if (c == quote)
        {
            tag.attributeValueEnd[attributeCount] = i - unitStart;
            attributeCount++;
            whitespaceSeen = false;
            state = IN_TAG;
            return i + 1;
        }
        if (c == '<')
        {
            return failAt(NOT_WELL_FORMED, "'<' in an attribute value", i);
        }
        if (c == '&')
        {
            referenceReturnState = ATTRIBUTE_VALUE;
            state = REFERENCE;
            return i + 1;
        }
        if (!XmlChars.isChar(c))
        {
            return failAt(NOT_WELL_FORMED, "character not allowed in XML", i);
        }
        final int next = skip(buffer, i + 1, to, quote == '\'' ? PLAIN_APOS_VALUE : PLAIN_QUOT_VALUE);
        if (next - unitStart - tag.attributeValueStart[attributeCount] > limits.maxAttributeValueLength())
        {
            return failAt(POLICY_VIOLATION, "attribute value longer than the limit", next);
        }
        return next;
    }

    private int endName(final DirectBuffer buffer, final int c, final int i, final int to)
    {
        if (XmlChars.isNameChar(c))
        {
            return skip(buffer, i + 1, to, NAME_OR_COLON);
        }
        endNameEnd = i - unitStart;
        if (c == '>')
        {
            return endTag(buffer, i);
        }
        if (XmlChars.isWhitespace(c))
        {
            state = END_WHITESPACE;
            return i + 1;
        }
        return failAt(NOT_WELL_FORMED, "malformed end tag", i);
    }

    private int endWhitespace(final DirectBuffer buffer, final int c, final int i)
    {
        if (c == '>')
        {
            return endTag(buffer, i);
        }
        return XmlChars.isWhitespace(c) ? i + 1 : failAt(NOT_WELL_FORMED, "malformed end tag", i);
    }

    private int bang(final int c, final int i)
    {
        if (c == '-')
        {
            return failAt(RESTRICTED_XML, "comment (RFC 6120 §11.1)", i);
        }
        if (c == '[' && depth > 1)
        {
            cdataMatched = 0;
            state = CDATA_OPEN;
            return i + 1;
        }
        if (c == '[')
        {
            return failAt(BAD_FORMAT, "text at stream level", i);
        }
        return failAt(RESTRICTED_XML, "DTD (RFC 6120 §11.1)", i);
    }

    private int cdataOpen(final int c, final int i)
    {
        if (c != CDATA_START[cdataMatched])
        {
            return failAt(NOT_WELL_FORMED, "malformed CDATA section", i);
        }
        if (++cdataMatched == CDATA_START.length)
        {
            bracketRun = 0;
            state = CDATA;
        }
        return i + 1;
    }

    private int cdata(final int c, final int i)
    {
        if (c == ']')
        {
            bracketRun++;
            return i + 1;
        }
        if (c == '>' && bracketRun >= 2)
        {
            bracketRun = 0;
            state = TEXT;
            return i + 1;
        }
        bracketRun = 0;
        return XmlChars.isChar(c) ? i + 1 : failAt(NOT_WELL_FORMED, "character not allowed in XML", i);
    }

    private int referenceStart(final int c, final int i)
    {
        if (c == '#')
        {
            charReferenceValue = 0;
            charReferenceDigits = 0;
            state = CHAR_REFERENCE;
            return i + 1;
        }
        if (XmlChars.isNameStartChar(c) && c != ':')
        {
            entityName = c;
            entityLength = c < 0x80 ? 1 : Integer.MAX_VALUE;
            state = ENTITY_NAME;
            return i + 1;
        }
        return failAt(NOT_WELL_FORMED, "'&' that starts no reference", i);
    }

    private int charReferenceStart(final int c, final int i)
    {
        if (c == 'x')
        {
            state = CHAR_REFERENCE_HEX;
            return i + 1;
        }
        state = CHAR_REFERENCE_DECIMAL;
        return charReferenceDigit(c, i, 10);
    }

    private int charReferenceDigit(final int c, final int i, final int radix)
    {
        if (c == ';' && charReferenceDigits > 0)
        {
            if (!XmlChars.isChar(charReferenceValue))
            {
                return failAt(NOT_WELL_FORMED, "reference to a character not allowed in XML", i);
            }
            state = referenceReturnState;
            return i + 1;
        }
        final int digit = c < 0x80 ? Character.digit(c, radix) : -1;
        if (digit < 0)
        {
            return failAt(NOT_WELL_FORMED, "malformed character reference", i);
        }
        charReferenceDigits++;
        charReferenceValue = Math.min(NOT_A_CHAR, charReferenceValue * radix + digit);
        return i + 1;
    }

    private int entityNameChar(final int c, final int i)
    {
        if (c == ';')
        {
            if (!isPredefinedEntity())
            {
                return failAt(RESTRICTED_XML, "entity reference other than the predefined ones (RFC 6120 §11.1)", i);
            }
            state = referenceReturnState;
            return i + 1;
        }
        if (!XmlChars.isNameChar(c))
        {
            return failAt(NOT_WELL_FORMED, "malformed entity reference", i);
        }
        if (c < 0x80 && entityLength < 4)
        {
            entityName = (entityName << 8) | c;
            entityLength++;
        }
        else
        {
            entityLength = Integer.MAX_VALUE;
        }
        return i + 1;
    }

    private boolean isPredefinedEntity()
    {
        if (entityLength > 4)
        {
            return false;
        }
        return entityName == ENTITY_LT || entityName == ENTITY_GT || entityName == ENTITY_AMP ||
            entityName == ENTITY_QUOT || entityName == ENTITY_APOS;
    }

    private int startTagEnd(final DirectBuffer buffer, final boolean empty, final int i)
    {
        final int scopeMark = scope.count();
        if ((attributeSummary & ATTRIBUTES_NEED_CHECK) != 0 || tagNameColon != -1 || depth == 0)
        {
            if (!checkAttributes(buffer))
            {
                return i;
            }
        }
        if (depth == 0)
        {
            return streamHeader(buffer, empty, i);
        }
        final int newDepth = depth + 1;
        ensureElementCapacity(newDepth);
        elementNameStart[newDepth] = tagNameStart;
        elementNameLength[newDepth] = tagNameEnd - tagNameStart;
        elementScopeMark[newDepth] = scopeMark;
        if (depth == 1)
        {
            // The top-level tag's positions must outlive the tags nested in it: the layouts swap, nothing is copied.
            final StartTagLayout layout = tag;
            tag = topLevelTag;
            topLevelTag = layout;
            layout.attributeCount = attributeCount;
            layout.nameStart = tagNameStart;
            layout.nameEnd = tagNameEnd;
            layout.colon = tagNameColon;
            layout.startTagLength = i + 1 - unitStart;
            layout.empty = empty;
            elementDefaultNamespace = scope.resolve(buffer, unitStart, 0, 0);
            elementNamespace = tagNameColon == -1 ? elementDefaultNamespace :
                scope.resolve(buffer, unitStart, tagNameStart, tagNameColon - tagNameStart);
        }
        depth = newDepth;
        state = TEXT;
        return empty ? closeElement(buffer, i) : i + 1;
    }

    private void ensureElementCapacity(final int newDepth)
    {
        if (newDepth >= elementNameStart.length)
        {
            final int capacity =
                Math.min(limits.maxDepth() + 1, Math.max(INITIAL_CAPACITY, elementNameStart.length * 2));
            elementNameStart = Arrays.copyOf(elementNameStart, capacity);
            elementNameLength = Arrays.copyOf(elementNameLength, capacity);
            elementScopeMark = Arrays.copyOf(elementScopeMark, capacity);
        }
    }

    /**
     * Declare the tag's namespaces, then check that every prefix it uses is declared (a prefix may be declared
     * by a later attribute of the same tag) and that no attribute appears twice. One pass does the common
     * case: a 64-bit filter keyed by name length and last byte leaves the pairwise comparison to tags where
     * two names collide, and only prefixed names other than declarations need a second look.
     */
    private boolean checkAttributes(final DirectBuffer buffer)
    {
        final byte[] array = buffer.byteArray();
        final int base = unitStart + buffer.wrapAdjustment();
        long namesSeen = 0;
        boolean nameCollision = false;
        int prefixedNames = 0;
        for (int k = 0; k < attributeCount; k++)
        {
            final int nameStart = tag.attributeNameStart[k];
            final int nameEnd = tag.attributeNameEnd[k];
            final int colon = tag.attributeColon[k];
            final long nameBit = 1L << (nameEnd - nameStart + 3 * array[base + nameEnd - 1]);
            nameCollision |= (namesSeen & nameBit) != 0;
            namesSeen |= nameBit;
            if (colon == -1)
            {
                if (isXmlns(array, base + nameStart, nameEnd - nameStart) && !declare(buffer, nameStart, 0, k))
                {
                    return false;
                }
            }
            else if (isXmlns(array, base + nameStart, colon - nameStart))
            {
                if (!declare(buffer, colon + 1, nameEnd - colon - 1, k))
                {
                    return false;
                }
            }
            else
            {
                prefixedNames++;
            }
        }
        if ((tagNameColon != -1 || prefixedNames > 0) && !checkPrefixes(buffer))
        {
            return false;
        }
        if ((nameCollision && hasDuplicateAttribute(buffer)) ||
            (prefixedNames > 1 && hasDuplicateExpandedName(buffer)))
        {
            fail(NOT_WELL_FORMED, "duplicate attribute");
            return false;
        }
        return true;
    }

    /**
     * Namespaces in XML 1.0 §3, §5: a prefix cannot be undeclared (an empty name), {@code xmlns} is never
     * declared, {@code xml} only to its own namespace name, and no other prefix nor the default namespace is
     * bound to either reserved name. Names are compared as written; one spelled with references is not caught.
     *
     * @param prefixStart  relative to the unit; the prefix is empty for the default namespace.
     * @param attribute    the declaring attribute's index.
     */
    private boolean declare(
        final DirectBuffer buffer, final int prefixStart, final int prefixLength, final int attribute)
    {
        final int valueStart = tag.attributeValueStart[attribute];
        final int valueLength = tag.attributeValueEnd[attribute] - valueStart;
        final byte[] array = buffer.byteArray();
        final int prefixAt = unitStart + buffer.wrapAdjustment() + prefixStart;
        final boolean xmlNamespace = Bytes.equals(buffer, unitStart + valueStart, valueLength, XML_NAMESPACE);
        if ((prefixLength > 0 && valueLength == 0) || isXmlns(array, prefixAt, prefixLength) ||
            isXml(array, prefixAt, prefixLength) != xmlNamespace ||
            Bytes.equals(buffer, unitStart + valueStart, valueLength, XMLNS_NAMESPACE))
        {
            fail(NOT_WELL_FORMED, "illegal namespace declaration");
            return false;
        }
        if (!scope.declare(prefixStart, prefixLength, valueStart, valueLength))
        {
            fail(POLICY_VIOLATION, "more namespace declarations than the limit");
            return false;
        }
        return true;
    }

    private static boolean isXmlns(final byte[] array, final int at, final int length)
    {
        return length == 5 && array[at] == 'x' && array[at + 1] == 'm' && array[at + 2] == 'l' &&
            array[at + 3] == 'n' && array[at + 4] == 's';
    }

    /**
     * The prefix {@code xml} is bound by definition (XML Names §3), and {@code xml:lang} is on most messages: it
     * needs no search of the scope.
     */
    private static boolean isXml(final byte[] array, final int at, final int length)
    {
        return length == 3 && array[at] == 'x' && array[at + 1] == 'm' && array[at + 2] == 'l';
    }

    /**
     * Resolve each prefix the tag uses, once. An undeclared one is not well-formed (XML Names §5). One bound only
     * on the stream header may not be used inside a top-level element (RFC 6120 §4.9.3.2): stanzas are delivered
     * byte for byte into other streams, whose headers do not declare this stream's prefixes, so the recipient
     * could not read it. A top-level element other than a stanza (stream features, errors, dialback) may carry
     * one in its own name.
     */
    private boolean checkPrefixes(final DirectBuffer buffer)
    {
        boolean undeclared = false;
        boolean headerPrefixInside = false;
        if (tagNameColon != -1)
        {
            final int resolved = scope.resolve(buffer, unitStart, tagNameStart, tagNameColon - tagNameStart);
            undeclared = resolved == NamespaceScope.NOT_FOUND;
            headerPrefixInside = NamespaceScope.isHeaderDeclaration(resolved) && (depth > 1 ||
                (depth == 1 && XmppNamespaces.isStanzaNamespace(scope.uriBuffer(resolved, buffer),
                    scope.uriOffset(resolved, unitStart), scope.uriLength(resolved))));
        }
        for (int k = 0; k < attributeCount; k++)
        {
            final int resolved = attributePrefixBinding(buffer, k);
            undeclared |= resolved == NamespaceScope.NOT_FOUND;
            headerPrefixInside |= depth > 0 && NamespaceScope.isHeaderDeclaration(resolved);
        }
        if (undeclared)
        {
            fail(NOT_WELL_FORMED, "undeclared namespace prefix");
            return false;
        }
        if (headerPrefixInside)
        {
            fail(BAD_NAMESPACE_PREFIX, "a prefix declared on the stream header used inside a stanza");
            return false;
        }
        return true;
    }

    /**
     * @return where the attribute's prefix is bound ({@link NamespaceScope#resolve}), {@link NamespaceScope#XML_PREFIX}
     * for {@code xml}, bound by definition, or {@link #NO_PREFIX} for a name without one or a declaration.
     */
    private int attributePrefixBinding(final DirectBuffer buffer, final int attribute)
    {
        if (!isPrefixedName(buffer, attribute))
        {
            return NO_PREFIX;
        }
        final int nameStart = tag.attributeNameStart[attribute];
        final int prefixLength = tag.attributeColon[attribute] - nameStart;
        return isXml(buffer.byteArray(), unitStart + buffer.wrapAdjustment() + nameStart, prefixLength) ?
            NamespaceScope.XML_PREFIX : scope.resolve(buffer, unitStart, nameStart, prefixLength);
    }

    /**
     * XML Names §6.3: two attributes with the same local name and prefixes bound to the same namespace name are
     * duplicates too. Only tags with two prefixed attributes (besides declarations) get here.
     */
    private boolean hasDuplicateExpandedName(final DirectBuffer buffer)
    {
        for (int k = 1; k < attributeCount; k++)
        {
            if (isPrefixedName(buffer, k))
            {
                for (int j = 0; j < k; j++)
                {
                    if (isPrefixedName(buffer, j) && localNamesEqual(buffer, j, k) && prefixesBoundAlike(buffer, j, k))
                    {
                        return true;
                    }
                }
            }
        }
        return false;
    }

    private boolean isPrefixedName(final DirectBuffer buffer, final int attribute)
    {
        final int colon = tag.attributeColon[attribute];
        final int nameStart = tag.attributeNameStart[attribute];
        return colon != -1 &&
            !isXmlns(buffer.byteArray(), unitStart + buffer.wrapAdjustment() + nameStart, colon - nameStart);
    }

    private boolean localNamesEqual(final DirectBuffer buffer, final int left, final int right)
    {
        final int length = tag.attributeNameEnd[left] - tag.attributeColon[left];
        return length == tag.attributeNameEnd[right] - tag.attributeColon[right] && Bytes.regionEquals(
            buffer, unitStart + tag.attributeColon[left], buffer, unitStart + tag.attributeColon[right], length);
    }

    private boolean prefixesBoundAlike(final DirectBuffer buffer, final int left, final int right)
    {
        final int leftNamespace = resolvePrefix(buffer, left);
        final int rightNamespace = resolvePrefix(buffer, right);
        final int length = scope.uriLength(leftNamespace);
        return leftNamespace == rightNamespace || (length == scope.uriLength(rightNamespace) && Bytes.regionEquals(
            scope.uriBuffer(leftNamespace, buffer), scope.uriOffset(leftNamespace, unitStart),
            scope.uriBuffer(rightNamespace, buffer), scope.uriOffset(rightNamespace, unitStart), length));
    }

    private int resolvePrefix(final DirectBuffer buffer, final int attribute)
    {
        final int nameStart = tag.attributeNameStart[attribute];
        return scope.resolve(buffer, unitStart, nameStart, tag.attributeColon[attribute] - nameStart);
    }

    private boolean hasDuplicateAttribute(final DirectBuffer buffer)
    {
        for (int k = 1; k < attributeCount; k++)
        {
            final int nameStart = tag.attributeNameStart[k];
            final int nameLength = tag.attributeNameEnd[k] - nameStart;
            for (int j = 0; j < k; j++)
            {
                if (tag.attributeNameEnd[j] - tag.attributeNameStart[j] == nameLength &&
                    Bytes.regionEquals(buffer, unitStart + tag.attributeNameStart[j], buffer, unitStart + nameStart,
                        nameLength))
                {
                    return true;
                }
            }
        }
        return false;
    }

    private int streamHeader(final DirectBuffer buffer, final boolean empty, final int i)
    {
        final int localStart = tagNameColon == -1 ? tagNameStart : tagNameColon + 1;
        final int resolved = tagNameColon == -1 ?
            scope.resolve(buffer, unitStart, 0, 0) :
            scope.resolve(buffer, unitStart, tagNameStart, tagNameColon - tagNameStart);
        final boolean streamsNamespace = resolved != NamespaceScope.NOT_FOUND && Bytes.equals(
            scope.uriBuffer(resolved, buffer), scope.uriOffset(resolved, unitStart), scope.uriLength(resolved),
            XmppNamespaces.STREAMS_BYTES);
        if (!streamsNamespace || !Bytes.equals(buffer, unitStart + localStart, tagNameEnd - localStart, STREAM))
        {
            // RFC 6120 §4.9.3.10: the stream element must be <stream> in the streams namespace.
            return failAt(INVALID_NAMESPACE, "stream element not in the streams namespace", i);
        }
        header.wrap(buffer, unitStart, i + 1 - unitStart);
        scope.captureHeader(buffer, unitStart, tagNameStart, tagNameEnd - tagNameStart);
        depth = 1;
        unitStart = -1;
        state = TEXT;
        inCallback = true;
        listener.onStreamOpen(header);
        inCallback = false;
        if (empty && status == OK)
        {
            status = CLOSED;
            listener.onStreamClose();
        }
        applyRequestedReset();
        return i + 1;
    }

    private int endTag(final DirectBuffer buffer, final int i)
    {
        final int nameLength = endNameEnd - endNameStart;
        if (depth == 1)
        {
            if (!scope.rootNameEquals(buffer, unitStart + endNameStart, nameLength))
            {
                return failAt(NOT_WELL_FORMED, "end tag does not match the start tag", i);
            }
            depth = 0;
            unitStart = -1;
            status = CLOSED;
            listener.onStreamClose();
            return i + 1;
        }
        if (nameLength != elementNameLength[depth] ||
            !Bytes.regionEquals(buffer, unitStart + elementNameStart[depth], buffer, unitStart + endNameStart,
                nameLength))
        {
            return failAt(NOT_WELL_FORMED, "end tag does not match the start tag", i);
        }
        state = TEXT;
        return closeElement(buffer, i);
    }

    private int closeElement(final DirectBuffer buffer, final int i)
    {
        final boolean topLevel = depth == 2;
        if (topLevel)
        {
            wrapElement(buffer, i + 1 - unitStart);
        }
        popElement();
        if (topLevel)
        {
            if (deliver())
            {
                unitStart = -1;
            }
            else
            {
                deliveryPending = true;
                deliveryLength = i + 1 - unitStart;
            }
        }
        return i + 1;
    }

    private void popElement()
    {
        scope.truncate(elementScopeMark[depth]);
        depth--;
    }

    private void wrapElement(final DirectBuffer buffer, final int length)
    {
        final int resolved = elementNamespace;
        if (resolved == NamespaceScope.NOT_FOUND)
        {
            element.wrapFramed(buffer, unitStart, length, topLevelTag, buffer, unitStart, 0);
        }
        else
        {
            element.wrapFramed(buffer, unitStart, length, topLevelTag, scope.uriBuffer(resolved, buffer),
                scope.uriOffset(resolved, unitStart), scope.uriLength(resolved));
        }
        final int defaultResolved = elementDefaultNamespace;
        if (defaultResolved != resolved)
        {
            if (defaultResolved == NamespaceScope.NOT_FOUND)
            {
                element.defaultNamespace(buffer, unitStart, 0);
            }
            else
            {
                element.defaultNamespace(scope.uriBuffer(defaultResolved, buffer),
                    scope.uriOffset(defaultResolved, unitStart), scope.uriLength(defaultResolved));
            }
        }
    }

    /**
     * The scope entries an in-element namespace refers to stay in place while delivery is pending, because
     * scanning does not go on until it succeeds.
     */
    private boolean deliver()
    {
        inCallback = true;
        final boolean accepted = listener.onElement(element);
        inCallback = false;
        if (!accepted)
        {
            status = BACK_PRESSURED;
            if (resetRequested)
            {
                resetRequested = false;
                discardInput = true;
            }
            return false;
        }
        applyRequestedReset();
        return true;
    }

    private void applyRequestedReset()
    {
        if (resetRequested)
        {
            resetRequested = false;
            final int keepStatus = status;
            reset();
            if (keepStatus == CLOSED)
            {
                status = CLOSED;
            }
            discardInput = true;
        }
    }

    private int failAt(final StreamErrorCondition condition, final String reason, final int i)
    {
        fail(condition, reason);
        return i;
    }

    private void fail(final StreamErrorCondition condition, final String reason)
    {
        status = FAILED;
        errorCondition = condition;
        errorReason = reason;
        listener.onStreamError(condition, reason);
    }
}
