package org.stanzaswitch.switching;

import com.lmax.disruptor.EventHandler;
import com.lmax.disruptor.TimeoutException;
import org.agrona.DirectBuffer;
import org.agrona.ExpandableArrayBuffer;
import org.agrona.concurrent.UnsafeBuffer;
import org.stanzaswitch.codec.Bytes;
import org.stanzaswitch.codec.ElementFlyweight;
import org.stanzaswitch.codec.Jid;
import org.stanzaswitch.codec.JidCache;
import org.stanzaswitch.codec.StanzaErrorCondition;
import org.stanzaswitch.codec.StanzaErrorEncoder;
import org.stanzaswitch.codec.StanzaKind;
import org.stanzaswitch.codec.StartTagFlyweight;
import org.stanzaswitch.codec.XmppNamespaces;
import org.stanzaswitch.journal.EventRecord;
import org.stanzaswitch.journal.Journal;
import org.stanzaswitch.switching.account.Accounts;
import org.stanzaswitch.switching.archive.ArchiveService;
import org.stanzaswitch.switching.archive.LegacyArchiveService;
import org.stanzaswitch.switching.archive.MessageArchive;
import org.stanzaswitch.switching.archive.StanzaIds;
import org.stanzaswitch.switching.offline.OfflineStore;

import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;


/**
 * The single writer of session and presence state: takes stanzas off the inbound ring and routes them by the
 * rules of RFC 6121 §8 to local sessions, the server's own services, or back as errors. Also applies the state
 * journal's commands, so accounts added by the CLI while the server runs take effect within one poll.
 */
public final class Router implements EventHandler<StanzaEvent>
{
    private static final UnsafeBuffer CLIENT_NS = new UnsafeBuffer(Bytes.ascii(XmppNamespaces.CLIENT));
    private static final byte[] ERROR = Bytes.ascii("error");
    private static final byte[] BODY_START = Bytes.ascii("<body");
    private static final byte[] UNAVAILABLE = Bytes.ascii("unavailable");
    private static final byte[] GET = Bytes.ascii("get");
    private static final byte[] SET = Bytes.ascii("set");
    private static final int JOURNAL_POLL_LIMIT = 256;
    /** What a deleted account's session never acknowledged: kept, it would go to the next account of its name. */
    private static final Session.UnacknowledgedHandler DROPPED = (buffer, offset, length) -> { };
    private static final UnsafeBuffer BLOCKED = new UnsafeBuffer(
        Bytes.ascii("<blocked xmlns='urn:xmpp:blocking:errors'/>"));

    private static final byte[] SUBSCRIBE = Bytes.ascii("subscribe");
    private static final byte[] SUBSCRIBED = Bytes.ascii("subscribed");
    private static final byte[] UNSUBSCRIBE = Bytes.ascii("unsubscribe");
    private static final byte[] UNSUBSCRIBED = Bytes.ascii("unsubscribed");

    private static final long RETENTION_CHECK_MILLIS = 60_000;

    private final Jid domain;
    private final Accounts accounts;
    private final StateMachine state;
    private final Journal journal;
    private final ServerServices services;
    private final ExternalServices externalServices;
    private final SessionRegistry sessions = new SessionRegistry();
    private final RosterService roster;
    private final PresenceService presence;
    private final UserDataService userData;
    private final PepService pep;
    private final AvatarConversion avatars;
    /** XEP-0363's store, or null when the server runs none. */
    private final FileShare fileShare;
    private final ExpandableArrayBuffer presenceWithAvatar = new ExpandableArrayBuffer(1024);
    private final MucService muc;
    private final PubSubService pubsub;
    /** Accounts deleted while the journal was applied, to be forgotten by the services once it is done. */
    private final List<Jid> deletedAccounts = new ArrayList<>();
    /** XEP-0060's service, and XEP-0065's and XEP-0363's if the transport runs them. */
    private final List<SubdomainService> subdomainServices = new ArrayList<>();
    private final BlockingService blocking;
    private final MessageDelivery messages;
    private final MessageArchive archive;
    private final ArchiveService archiveService;
    private final LegacyArchiveService legacyArchive;
    private final Carbons carbons;
    private final ArchivePreferencesService archivePreferences;
    private final OfflineStore offline;
    private final Journal events;
    private final ExpandableArrayBuffer eventRecord = new ExpandableArrayBuffer(256);
    private final Map<String, SessionState> resumable = new HashMap<>();
    private final Map<SessionState, PendingResume> pendingResumes = new HashMap<>();
    private final SecureRandom random = new SecureRandom();
    private final int resumeSeconds;
    private final boolean refuseResourceConflicts;
    private final LastActivityService lastActivity;
    private final PushNotifications push;
    /** XEP-0114: the connected external components, by the domain each serves. */
    private final Map<String, Session> components = new HashMap<>();
    private final ElementFlyweight returned = new ElementFlyweight(64);
    private final Session.UnacknowledgedHandler returnedHandler = this::returnToOffline;
    private final Session.UnacknowledgedHandler waitingCounter = this::countWaitingMessage;
    private int waitingMessages;
    private Jid lastWaitingSender;
    private Jid returnedOwner;
    private final long archiveRetentionMillis;
    private long nextRetentionCheck;
    private final ElementFlyweight stanza = new ElementFlyweight(64);
    private final JidCache jids = new JidCache(16 * 1024);
    private final StanzaErrorEncoder errorEncoder = new StanzaErrorEncoder();
    private final ExpandableArrayBuffer scratch = new ExpandableArrayBuffer(4096);
    private final ExpandableArrayBuffer decoded = new ExpandableArrayBuffer(3072);

    /**
     * @param settings the domain served and the stores' policies.
     * @param state    the state machine this router keeps current.
     * @param journal  the state journal to apply; polled on this router's thread.
     * @param archive  the message archive, replayed.
     * @param offline  the offline store, replayed.
     * @param ids      the node's archive ids.
     * @param events   the event journal, written only here.
     */
    public Router(
        final SwitchSettings settings,
        final StateMachine state,
        final Journal journal,
        final MessageArchive archive,
        final OfflineStore offline,
        final StanzaIds ids,
        final Journal events)
    {
        this.events = events;
        this.domain = settings.domain;
        this.state = state;
        this.accounts = state.accounts();
        this.journal = journal;
        this.archive = archive;
        this.offline = offline;
        this.archiveRetentionMillis = settings.archiveRetentionMillis;
        this.resumeSeconds = settings.resumeSeconds;
        this.refuseResourceConflicts = settings.refuseResourceConflicts;
        if (settings.bytestreamProxy != null)
        {
            subdomainServices.add(new ProxyService(domain, settings.bytestreamProxy));
        }
        this.fileShare = settings.fileShare;
        if (fileShare != null)
        {
            subdomainServices.add(new UploadService(domain, fileShare, System::currentTimeMillis));
        }
        this.externalServices = new ExternalServices(domain, settings.externalServices, System::currentTimeMillis);
        this.services = new ServerServices(domain, subdomainServices, !externalServices.isEmpty());
        final StateWriter writer = new StateWriter(journal, state);
        this.roster = new RosterService(writer, sessions);
        this.blocking = new BlockingService(writer, sessions);
        this.pep = new PepService(domain, writer, blocking.blockLists(), sessions);
        this.avatars = new AvatarConversion(pep);
        this.userData = new UserDataService(writer, avatars);
        this.pubsub = new PubSubService(domain, writer, sessions);
        subdomainServices.add(pubsub);
        this.lastActivity = new LastActivityService(writer, sessions, services);
        this.presence = new PresenceService(accounts, roster, sessions, blocking.blockLists());
        final ArchivePreferences preferences = state.archivePreferences();
        preferences.serverDefault(settings.archiveDefault);
        this.archivePreferences = new ArchivePreferencesService(writer, preferences);
        this.archiveService = new ArchiveService(archive, ids, settings.archiveMaxPage);
        this.muc = new MucService(domain, sessions, writer, new MucArchive(archive, ids, archiveService),
            new OccupantIds(settings.dataDir.resolve("occupant-id.key")));
        this.legacyArchive = new LegacyArchiveService(archive, settings.archiveMaxPage);
        this.carbons = new Carbons(sessions);
        this.push = new PushNotifications(writer, state.pushRegistrations(), components::get);
        final Amp amp = new Amp(domain);
        offline.expireWith(amp::expiredWhileStored);
        this.messages = new MessageDelivery(
            domain, accounts, sessions, archive, preferences, ids, offline, carbons, push, amp);
    }

    /**
     * Rebuild the state from its snapshot and the journal after it; called once before the ring starts.
     *
     * @param snapshot where the state snapshot lives.
     * @return journal commands replayed after the snapshot.
     */
    int recoverState(final Path snapshot)
    {
        final Set<String> deletedInReplay = new LinkedHashSet<>();
        state.onAccountDeleted(deletedInReplay::add);
        final int replayed = state.recover(snapshot, journal);
        state.onAccountDeleted(this::onAccountDeleted);
        // A deletion the router never saw applied (the CLI deletes while the server is stopped; a crash can fall
        // between a deletion and what follows it) has left the account's archive, offline messages, files,
        // affiliations and room memberships behind: they go now. Each step finds nothing where it ran before. An
        // account created again since is left alone: its name's data is no longer only the deleted account's.
        for (final String username : deletedInReplay)
        {
            if (!accounts.exists(username))
            {
                onAccountDeleted(username);
            }
        }
        return replayed;
    }

    private void onAccountDeleted(final String username)
    {
        final Jid bare = Jid.of(username + "@" + domain);
        archive.deleteOwner(bare.toString());
        offline.deleteOwner(bare);
        avatars.forget(bare);
        if (fileShare != null)
        {
            fileShare.deleteFilesOf(bare.toString());
        }
        // The pubsub and MUC services journal what they change, which they may not do while the journal is applied.
        deletedAccounts.add(bare);
    }

    @Override
    public void onEvent(final StanzaEvent event, final long sequence, final boolean endOfBatch)
    {
        switch (event.type)
        {
            case StanzaEvent.STANZA:
                onStanza(event.session, event.stanza, event.length);
                break;
            case StanzaEvent.SESSION_OPENED:
                onSessionOpened(event.session);
                break;
            case StanzaEvent.CONNECTION_EVENT:
                events.append(event.stanza, 0, event.length);
                break;
            case StanzaEvent.SM_ENABLE:
                onStreamManagementEnabled(event.session, event.handledCount == 1);
                break;
            case StanzaEvent.SM_ACK:
                event.session.acknowledge(event.handledCount);
                break;
            case StanzaEvent.SM_RESUME:
                onResume(event.session, event.stanza.getStringWithoutLengthUtf8(0, event.length), event.handledCount);
                break;
            case StanzaEvent.CLIENT_STATE:
                event.session.clientActive(event.handledCount == 1);
                break;
            case StanzaEvent.ANSWER:
                event.session.deliver(event.stanza, 0, event.length);
                if (event.afterAnswer != null)
                {
                    event.afterAnswer.run();
                }
                break;
            case StanzaEvent.SESSION_DETACHED:
                onSessionDetached(event.session);
                break;
            case StanzaEvent.ACK_REQUEST:
                // Everything the session sent before asking is handled by now: durable or delivered.
                event.session.handled(event.handledCount);
                break;
            default:
                onSessionClosed(event.session);
                break;
        }
        event.clear();
        if (endOfBatch)
        {
            onIdle();
        }
    }

    @Override
    public void onTimeout(final long sequence) throws TimeoutException
    {
        onIdle();
    }

    private void onIdle()
    {
        journal.poll(state, JOURNAL_POLL_LIMIT);
        for (int i = 0; i < deletedAccounts.size(); i++)
        {
            pubsub.forget(deletedAccounts.get(i));
            muc.forget(deletedAccounts.get(i));
            forgetSessionsOf(deletedAccounts.get(i));
        }
        deletedAccounts.clear();
        offline.continueDelivery();
        expireDetachedSessions(System.currentTimeMillis());
        if (archiveRetentionMillis > 0)
        {
            final long now = System.currentTimeMillis();
            if (now >= nextRetentionCheck)
            {
                nextRetentionCheck = now + RETENTION_CHECK_MILLIS;
                archive.expire(now - archiveRetentionMillis);
            }
        }
    }

    private void onSessionOpened(final Session session)
    {
        if (session.isComponent())
        {
            final Session previous = components.put(session.jid().domain(), session);
            if (previous != null && previous != session)
            {
                // The newest connection for a component's domain wins, as a resource does.
                previous.replaced();
            }
            return;
        }
        final SessionState current = sessions.full(session.jid());
        if (current != null && refuseResourceConflicts && current.detachedAtMillis < 0)
        {
            // RFC 6120 §7.7.2.2, by policy: the resource stays with the connected session that has it. One
            // that waits to be resumed is not kept from a client that reconnected without resuming.
            session.bindDecided(false);
            return;
        }
        final SessionState previous = sessions.add(session);
        if (previous != null)
        {
            previous.session.replaced();
        }
        push.userConnected(session.jid().bare());
        session.bindDecided(true);
    }

    private void onSessionClosed(final Session session)
    {
        if (session.isComponent())
        {
            components.remove(session.jid().domain(), session);
            return;
        }
        offline.sessionClosed(session);
        final SessionState closed = sessions.full(session.jid());
        if (closed != null && closed.session == session)
        {
            final PendingResume pending = pendingResumes.remove(closed);
            if (pending != null)
            {
                // The old stream ended cleanly after all: there is nothing left to resume.
                pending.session.resumeFailed();
            }
            endSession(closed);
        }
    }

    private void endSession(final SessionState closed)
    {
        final Session session = closed.session;
        offline.sessionClosed(session);
        sessions.remove(closed);
        if (closed.resumptionId != null)
        {
            resumable.remove(closed.resumptionId);
        }
        lastActivity.sessionEnded(closed);
        muc.onGone(session.jid());
        // XEP-0198 §5: what the client never acknowledged is not lost with the stream, unless its account is.
        returnedOwner = session.jid().bare();
        session.drainUnacknowledged(closed.accountDeleted ? DROPPED : returnedHandler);
        if (closed.available)
        {
            presenceEvent(EventRecord.Kind.UNAVAILABLE, session, "disconnected");
            // RFC 6121 §4.5: a session that ends without saying so has gone unavailable all the same.
            final int length = services.unavailablePresence(session.jid(), scratch);
            deliverToOtherResources(closed, scratch, length);
            presence.unavailable(session.jid().bare(), scratch, length);
        }
    }

    /**
     * XEP-0198 §3: counting starts; a resumable stream gets an unguessable id, bound to its account.
     */
    private void onStreamManagementEnabled(final Session session, final boolean resume)
    {
        final SessionState state = sessions.full(session.jid());
        if (state == null || state.session != session)
        {
            return;
        }
        if (resume && state.resumptionId == null)
        {
            final byte[] id = new byte[18];
            random.nextBytes(id);
            state.resumptionId = Base64.getUrlEncoder().withoutPadding().encodeToString(id);
            resumable.put(state.resumptionId, state);
        }
        session.enableStreamManagement(resume ? state.resumptionId : null, resumeSeconds);
    }

    private void onSessionDetached(final Session session)
    {
        final SessionState state = sessions.full(session.jid());
        if (state != null && state.session == session)
        {
            if (state.resumptionId == null || state.accountDeleted)
            {
                onSessionClosed(session);
                return;
            }
            // XEP-0198 §5: the session, its presence and what it is sent wait for the client to come back.
            offline.sessionDetached(session);
            state.detachedAtMillis = System.currentTimeMillis();
            pushUnacknowledged(state);
            final PendingResume pending = pendingResumes.remove(state);
            if (pending != null)
            {
                completeResume(state, pending.session, pending.h);
            }
        }
    }

    /**
     * XEP-0198 §5: the stream of the same account comes back on a new connection, which takes the session's
     * place. A stream still open is closed with conflict first, and the resumption completes when it is gone,
     * so that nothing it was still reading is counted after the count is handed over.
     */
    private void onResume(final Session session, final String request, final long h)
    {
        final int separator = request.indexOf('\n');
        final String username = request.substring(0, separator);
        final SessionState state = resumable.get(request.substring(separator + 1));
        if (state == null || !username.equals(state.session.jid().local()) || pendingResumes.containsKey(state))
        {
            session.resumeFailed();
            return;
        }
        if (state.detachedAtMillis < 0)
        {
            pendingResumes.put(state, new PendingResume(session, h));
            state.session.replaced();
            return;
        }
        completeResume(state, session, h);
    }

    private void completeResume(final SessionState state, final Session session, final long h)
    {
        session.resume(state.session, state.resumptionId, h);
        state.session = session;
        push.userConnected(session.jid().bare());
        state.detachedAtMillis = -1;
        offline.sessionResumed(session);
    }

    /** A resumption waiting for the stream it resumes to close. */
    private record PendingResume(Session session, long h)
    {
    }

    /**
     * A deleted account's sessions end and leave nothing behind: a live one is closed (in band, its stream ends a
     * moment after the answer) and what it never acknowledged is dropped, and a detached one ends now, since no one
     * can resume it (a resumption authenticates as the account first).
     */
    private void forgetSessionsOf(final Jid bare)
    {
        for (final SessionState state : List.copyOf(sessions.bare(bare)))
        {
            state.accountDeleted = true;
            if (state.detachedAtMillis >= 0)
            {
                endSession(state);
            }
            else
            {
                state.session.accountDeleted();
            }
        }
    }

    private void expireDetachedSessions(final long now)
    {
        if (resumable.isEmpty())
        {
            return;
        }
        for (final SessionState state : List.copyOf(resumable.values()))
        {
            if (state.detachedAtMillis >= 0 && now - state.detachedAtMillis >= resumeSeconds * 1000L)
            {
                endSession(state);
            }
        }
    }

    /**
     * XEP-0357 §7 for a connection that died under its messages: what it was sent and never acknowledged waits for
     * the user now, so if no other stream of theirs is connected their devices hear of it, as of any message
     * that arrives while they are away.
     */
    private void pushUnacknowledged(final SessionState detached)
    {
        final Jid user = detached.session.jid().bare();
        final List<SessionState> resources = sessions.bare(user);
        for (int i = 0; i < resources.size(); i++)
        {
            if (resources.get(i).detachedAtMillis < 0)
            {
                return;
            }
        }
        waitingMessages = 0;
        lastWaitingSender = null;
        detached.session.peekUnacknowledged(waitingCounter);
        if (waitingMessages > 0)
        {
            push.messagesWaiting(user, lastWaitingSender, waitingMessages);
        }
    }

    private void countWaitingMessage(final DirectBuffer buffer, final int offset, final int length)
    {
        returned.wrap(buffer, offset, length, CLIENT_NS, 0, CLIENT_NS.capacity());
        if (returned.kind() == StanzaKind.MESSAGE && Bytes.contains(buffer, offset, length, BODY_START) &&
            returned.fromIndex() != StartTagFlyweight.MISSING)
        {
            waitingMessages++;
            lastWaitingSender = resolve(returned, returned.fromIndex());
        }
    }

    private void returnToOffline(final DirectBuffer buffer, final int offset, final int length)
    {
        returned.wrap(buffer, offset, length, CLIENT_NS, 0, CLIENT_NS.capacity());
        if (returned.kind() == StanzaKind.MESSAGE)
        {
            messages.returnToOffline(returnedOwner, returned);
        }
    }

    private void deliverToOtherResources(final SessionState self, final DirectBuffer buffer, final int length)
    {
        for (final SessionState sibling : sessions.bare(self.session.jid().bare()))
        {
            if (sibling != self && sibling.available)
            {
                sibling.session.deliver(buffer, 0, length);
            }
        }
    }

    private void onStanza(final Session sender, final DirectBuffer received, final int receivedLength)
    {
        // The gateway lets only jabber:client stanzas onto the ring.
        stanza.wrap(received, 0, receivedLength, CLIENT_NS, 0, CLIENT_NS.capacity());
        final StanzaKind kind = stanza.kind();
        DirectBuffer buffer = received;
        int length = receivedLength;
        if (kind == StanzaKind.PRESENCE && !sender.isComponent())
        {
            // XEP-0398 §5: every available presence, directed ones and room joins too, names the user's avatar.
            presenceWithAvatar.checkLimit(receivedLength + 256);
            final int rewritten = avatars.withPhotoHash(sender.jid(), stanza, presenceWithAvatar);
            if (rewritten > 0)
            {
                buffer = presenceWithAvatar;
                length = rewritten;
                stanza.wrap(buffer, 0, length, CLIENT_NS, 0, CLIENT_NS.capacity());
            }
        }
        final int toIndex = stanza.toIndex();
        final Jid to = toIndex == StartTagFlyweight.MISSING ? null : resolve(toIndex);
        if (toIndex != StartTagFlyweight.MISSING && to == null)
        {
            bounce(sender, StanzaErrorCondition.JID_MALFORMED);
            return;
        }
        if (to != null && !isLocal(to))
        {
            final Session component = components.get(to.domain());
            if (component != null)
            {
                component.deliver(buffer, 0, length);
                return;
            }
            // The services on subdomains; a stanza to a local user never gets this far.
            if (muc.serves(to) && !sender.isComponent())
            {
                muc.onStanza(sender, to, stanza);
                return;
            }
            final SubdomainService service = sender.isComponent() ? null : subdomainService(to);
            if (service != null)
            {
                toSubdomainService(service, sender, kind);
                return;
            }
        }
        if (to != null && isLocal(to) && isBlocked(sender, to, kind))
        {
            return;
        }
        if (sender.isComponent())
        {
            routeFromComponent(sender, to, kind, buffer, length);
            return;
        }
        switch (kind)
        {
            case MESSAGE:
                routeMessage(sender, to, buffer, length);
                break;
            case PRESENCE:
                routePresence(sender, to, buffer, length);
                break;
            default:
                routeIq(sender, to, buffer, length);
                break;
        }
    }

    /**
     * XEP-0114: what a component sends to this server's domain and its users. Requests to the server are
     * answered like a user's; to a user, messages are delivered as any message, IQs to a connected resource and
     * directed presence to the user's resources. A component is no account: no roster, subscriptions or data.
     */
    private void routeFromComponent(
        final Session sender, final Jid to, final StanzaKind kind, final DirectBuffer buffer, final int length)
    {
        final int type = stanza.typeIndex();
        final boolean request = kind == StanzaKind.IQ &&
            (stanza.attributeValueEquals(type, GET) || stanza.attributeValueEquals(type, SET));
        if (to == null || to.equals(domain))
        {
            if (request)
            {
                answerService(sender, to);
            }
            return;
        }
        if (!isLocal(to) || to.local() == null)
        {
            bounceUnlessResult(sender, request, StanzaErrorCondition.REMOTE_SERVER_NOT_FOUND);
            return;
        }
        switch (kind)
        {
            case MESSAGE:
                routeMessage(sender, to, buffer, length);
                break;
            case IQ:
                final SessionState resource = to.isBare() ? null : sessions.full(to);
                if (resource != null)
                {
                    resource.session.deliver(buffer, 0, length);
                }
                else if (stanza.attributeValueEquals(type, ERROR))
                {
                    // Perhaps an app server refusing a push notification sent on the user's behalf.
                    push.onPublishError(sender, to, stanza);
                }
                else
                {
                    bounceUnlessResult(sender, request, StanzaErrorCondition.SERVICE_UNAVAILABLE);
                }
                break;
            default:
                if (type == StartTagFlyweight.MISSING || stanza.attributeValueEquals(type, UNAVAILABLE))
                {
                    deliverDirectedPresence(to, buffer, length);
                }
                break;
        }
    }

    /**
     * XEP-0191 §3.4: nothing goes to an address the sender blocks (not-acceptable with {@code <blocked/>}) and
     * nothing comes from an address the addressee blocks (service-unavailable, as if the user were not there);
     * presence and replies are dropped without an answer.
     */
    private boolean isBlocked(final Session sender, final Jid to, final StanzaKind kind)
    {
        final BlockLists lists = blocking.blockLists();
        final boolean outbound = lists.isBlocked(sender.jid().local(), to);
        final boolean inbound = !outbound && lists.isBlocked(to.local(), sender.jid());
        if (!outbound && !inbound)
        {
            return false;
        }
        final int type = stanza.typeIndex();
        final boolean answerable = kind == StanzaKind.MESSAGE ? !stanza.attributeValueEquals(type, ERROR) :
            kind == StanzaKind.IQ && (stanza.attributeValueEquals(type, GET) || stanza.attributeValueEquals(type, SET));
        if (answerable)
        {
            final int length = errorEncoder.encode(stanza, to, outbound ? StanzaErrorCondition.NOT_ACCEPTABLE :
                StanzaErrorCondition.SERVICE_UNAVAILABLE, null, outbound ? BLOCKED : null, scratch, 0);
            sender.deliver(scratch, 0, length);
        }
        return true;
    }

    private Jid resolve(final int attributeIndex)
    {
        return resolve(stanza, attributeIndex);
    }

    private Jid resolve(final ElementFlyweight element, final int attributeIndex)
    {
        final int offset = element.attributeValueOffset(attributeIndex);
        final int length = element.attributeValueLength(attributeIndex);
        if (!element.attributeValueNeedsDecoding(attributeIndex))
        {
            return jids.lookup(element.buffer(), offset, length);
        }
        final int decodedLength = element.decodeAttributeValue(attributeIndex, decoded, 0);
        return jids.lookup(decoded, 0, decodedLength);
    }

    private void routeMessage(final Session sender, final Jid to, final DirectBuffer buffer, final int length)
    {
        final int type = stanza.typeIndex();
        if (stanza.attributeValueEquals(type, ERROR) && to == null)
        {
            return;
        }
        final Jid target = to == null ? sender.jid().bare() : to;
        if (!isLocal(target))
        {
            bounce(sender, StanzaErrorCondition.REMOTE_SERVER_NOT_FOUND);
            return;
        }
        if (target.local() == null)
        {
            // RFC 6121 §8.5.1: a message to the server itself; there is nothing here that takes one.
            bounceUnlessError(sender, type, StanzaErrorCondition.SERVICE_UNAVAILABLE);
            return;
        }
        final StanzaErrorCondition error = messages.deliver(sender, target, stanza);
        if (error != null)
        {
            bounce(sender, error);
        }
    }

    private void routePresence(final Session sender, final Jid to, final DirectBuffer buffer, final int length)
    {
        if (to == null)
        {
            broadcastPresence(sender, buffer, length);
            return;
        }
        if (!isLocal(to) || to.local() == null)
        {
            return;
        }
        final int type = stanza.typeIndex();
        final Jid user = sender.jid().bare();
        if (stanza.attributeValueEquals(type, SUBSCRIBE))
        {
            if (presence.subscribe(user, to.bare()))
            {
                pep.onNewSubscriber(to.bare(), user);
            }
        }
        else if (stanza.attributeValueEquals(type, SUBSCRIBED))
        {
            if (presence.subscribed(user, to.bare()))
            {
                pep.onNewSubscriber(user, to.bare());
            }
        }
        else if (stanza.attributeValueEquals(type, UNSUBSCRIBE))
        {
            presence.unsubscribe(user, to.bare());
        }
        else if (stanza.attributeValueEquals(type, UNSUBSCRIBED))
        {
            presence.unsubscribed(user, to.bare());
        }
        else if (type == StartTagFlyweight.MISSING || stanza.attributeValueEquals(type, UNAVAILABLE))
        {
            deliverDirectedPresence(to, buffer, length);
        }
    }

    /**
     * RFC 6121 §4.6: directed presence to a local user's resources.
     */
    private void deliverDirectedPresence(final Jid to, final DirectBuffer buffer, final int length)
    {
        final List<SessionState> resources = sessions.bare(to.bare());
        for (int i = 0; i < resources.size(); i++)
        {
            final SessionState resource = resources.get(i);
            if (to.isBare() || resource.session.jid().equals(to))
            {
                resource.session.deliver(buffer, 0, length);
            }
        }
    }

    /**
     * RFC 6121 §4.2 and §4.4: broadcast presence updates the session and goes to the user's other available
     * resources; a session's first available presence is answered with theirs.
     */
    private void broadcastPresence(final Session sender, final DirectBuffer buffer, final int length)
    {
        final SessionState session = sessions.full(sender.jid());
        if (session == null)
        {
            return;
        }
        final boolean wasAvailable = session.available;
        final int type = stanza.typeIndex();
        if (type == StartTagFlyweight.MISSING)
        {
            if (!wasAvailable)
            {
                presenceEvent(EventRecord.Kind.AVAILABLE, sender, null);
            }
            session.available = true;
            session.unavailableStatus = null;
            session.priority = services.priorityOf(stanza);
            session.rememberPresence(buffer, length);
            pep.onAvailable(session, stanza, !wasAvailable);
            // RFC 6121 §4.2.2 and §4.4.2: to all the user's available resources, the one that sent it included
            // (an entity is implicitly subscribed to its own presence).
            sender.deliver(buffer, 0, length);
            deliverToOtherResources(session, buffer, length);
            presence.available(session, !wasAvailable, buffer, length);
            messages.onAvailable(session);
            if (!wasAvailable)
            {
                final List<SessionState> siblings = sessions.bare(sender.jid().bare());
                for (int i = 0; i < siblings.size(); i++)
                {
                    final SessionState sibling = siblings.get(i);
                    if (sibling != session && sibling.available)
                    {
                        sender.deliver(sibling.lastPresence(), 0, sibling.lastPresenceLength());
                    }
                }
            }
        }
        else if (stanza.attributeValueEquals(type, UNAVAILABLE))
        {
            if (wasAvailable)
            {
                presenceEvent(EventRecord.Kind.UNAVAILABLE, sender, null);
            }
            session.available = false;
            session.unavailableStatus = services.statusOf(stanza);
            muc.onGone(sender.jid());
            deliverToOtherResources(session, buffer, length);
            presence.unavailable(sender.jid().bare(), buffer, length);
        }
    }

    /**
     * Availability changes go on the event journal for analytics consumers; updates of an available session's
     * presence (status, show) do not, they are not events of coming or going.
     */
    private void presenceEvent(final EventRecord.Kind kind, final Session session, final String detail)
    {
        events.append(eventRecord, 0, EventRecord.encode(
            eventRecord, 0, System.currentTimeMillis(), kind, session.jid().toString(), null, detail));
    }

    private void routeIq(final Session sender, final Jid to, final DirectBuffer buffer, final int length)
    {
        final int type = stanza.typeIndex();
        final boolean request = stanza.attributeValueEquals(type, GET) || stanza.attributeValueEquals(type, SET);
        final boolean toAccount = to != null && to.isBare() && to.local() != null && isLocal(to);
        if (request && (to == null || toAccount) && answerForAccount(sender, to))
        {
            return;
        }
        if (to == null || to.equals(domain))
        {
            if (request)
            {
                answerService(sender, to);
            }
            else
            {
                pep.onResponse(sender, stanza);
            }
            return;
        }
        if (!isLocal(to))
        {
            bounceUnlessResult(sender, request, StanzaErrorCondition.REMOTE_SERVER_NOT_FOUND);
            return;
        }
        final SessionState session = to.isBare() ? null : sessions.full(to);
        if (session != null)
        {
            if (request && lastActivity.forbids(sender, to, stanza, buffer, length))
            {
                bounce(sender, StanzaErrorCondition.FORBIDDEN);
                return;
            }
            session.session.deliver(buffer, 0, length);
            return;
        }
        // RFC 6121 §8.5.3.2.1 and §8.5.2.1.3: an IQ to an unavailable resource or another user's bare JID.
        bounceUnlessResult(sender, request, StanzaErrorCondition.SERVICE_UNAVAILABLE);
    }

    private SubdomainService subdomainService(final Jid to)
    {
        for (int i = 0; i < subdomainServices.size(); i++)
        {
            final SubdomainService service = subdomainServices.get(i);
            if (service.address().equals(to))
            {
                return service;
            }
        }
        return null;
    }

    /**
     * XEP-0060, XEP-0065, XEP-0363: requests to the pubsub, proxy or upload service are answered here; nothing
     * else goes there.
     */
    private void toSubdomainService(final SubdomainService service, final Session sender, final StanzaKind kind)
    {
        final int type = stanza.typeIndex();
        if (kind == StanzaKind.IQ && (stanza.attributeValueEquals(type, GET) || stanza.attributeValueEquals(type, SET)))
        {
            final StanzaErrorCondition error = service.onIq(sender, stanza);
            if (error != null)
            {
                bounce(sender, error);
            }
        }
    }

    /**
     * RFC 6120 §10.3.3, RFC 6121 §2.1.3, XEP-0054, XEP-0049: IQs the server answers on behalf of an account,
     * the requester's own (no 'to', or its bare JID) or, for a vCard, another's.
     *
     * @return true if answered.
     */
    private boolean answerForAccount(final Session sender, final Jid to)
    {
        final Jid user = sender.jid().bare();
        final Jid owner = to == null ? user : to;
        final String namespace = services.payloadNamespace(stanza);
        final StanzaErrorCondition error;
        final String node;
        if (RosterService.ROSTER_NS.equals(namespace) && owner.equals(user))
        {
            error = roster.onRosterIq(sessions.full(sender.jid()), stanza);
        }
        else if (UserDataService.VCARD_NS.equals(namespace) && accounts.exists(owner.local()))
        {
            error = userData.onVCard(sender, owner, to != null, stanza);
        }
        else if ((PepService.PUBSUB_NS.equals(namespace) || PepService.OWNER_NS.equals(namespace)) &&
            accounts.exists(owner.local()))
        {
            error = pep.onIq(sender, owner, stanza);
        }
        else if (ServerServices.DISCO_INFO.equals(namespace) && accounts.exists(owner.local()) &&
            (node = pep.queryNode(stanza)) != null)
        {
            error = pep.onDiscoInfo(sender, owner, stanza, node);
        }
        else if (ServerServices.DISCO_ITEMS.equals(namespace) && accounts.exists(owner.local()))
        {
            error = pep.onDiscoItems(sender, owner, stanza);
        }
        else if (PushNotifications.NS.equals(namespace) && owner.equals(user))
        {
            error = push.onIq(sender, stanza, stanza.attributeValueEquals(stanza.typeIndex(), SET));
        }
        else if (ServerServices.LAST.equals(namespace) && accounts.exists(owner.local()))
        {
            error = lastActivity.onIq(sender, owner, stanza);
        }
        else if (UserDataService.PRIVATE_NS.equals(namespace))
        {
            error = userData.onPrivate(sender, owner, stanza);
        }
        else if (BlockingService.BLOCKING_NS.equals(namespace) && owner.equals(user))
        {
            error = blocking.onIq(sessions.full(sender.jid()), stanza);
        }
        else if (ArchiveService.MAM_NS.equals(namespace) && owner.equals(user))
        {
            final boolean set = stanza.attributeValueEquals(stanza.typeIndex(), SET);
            error = "prefs".equals(services.payloadName(stanza)) ?
                archivePreferences.onIq(sender, stanza, set) : archiveService.onIq(sender, stanza, set);
        }
        else if (Carbons.CARBONS_NS.equals(namespace) && owner.equals(user))
        {
            error = carbons.onIq(sessions.full(sender.jid()), stanza,
                stanza.attributeValueEquals(stanza.typeIndex(), SET));
        }
        else if (LegacyArchiveService.ARCHIVE_NS.equals(namespace) && owner.equals(user))
        {
            error = legacyArchive.onIq(sender, stanza, stanza.attributeValueEquals(stanza.typeIndex(), SET));
        }
        else if (owner.equals(user))
        {
            answerService(sender, to);
            return true;
        }
        else
        {
            return false;
        }
        if (error != null)
        {
            bounce(sender, error);
        }
        return true;
    }

    private void answerService(final Session sender, final Jid to)
    {
        if (!externalServices.isEmpty() && ExternalServices.NS.equals(services.payloadNamespace(stanza)))
        {
            final StanzaErrorCondition error = externalServices.onIq(sender, stanza);
            if (error != null)
            {
                bounce(sender, error);
            }
            return;
        }
        final int replyLength = services.handle(sender.jid(), to, stanza, scratch);
        if (replyLength > 0)
        {
            sender.deliver(scratch, 0, replyLength);
        }
        else
        {
            bounce(sender, StanzaErrorCondition.SERVICE_UNAVAILABLE);
        }
    }

    private boolean isLocal(final Jid jid)
    {
        return jid.domain().equals(domain.domain());
    }

    private void bounceUnlessError(final Session sender, final int type, final StanzaErrorCondition condition)
    {
        // RFC 6120 §8.3.1: never answer an error with an error.
        if (!stanza.attributeValueEquals(type, ERROR))
        {
            bounce(sender, condition);
        }
    }

    private void bounceUnlessResult(final Session sender, final boolean request, final StanzaErrorCondition condition)
    {
        if (request)
        {
            bounce(sender, condition);
        }
    }

    private void bounce(final Session sender, final StanzaErrorCondition condition)
    {
        final int toIndex = stanza.toIndex();
        final Jid from = toIndex == StartTagFlyweight.MISSING ? domain : resolve(toIndex);
        final int length = errorEncoder.encode(stanza, from == null ? domain : from, condition, null, scratch, 0);
        sender.deliver(scratch, 0, length);
    }
}
