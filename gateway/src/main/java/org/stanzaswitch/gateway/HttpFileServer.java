package org.stanzaswitch.gateway;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.DefaultHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpChunkedInput;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpDecoderConfig;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.handler.codec.http.QueryStringDecoder;
import io.netty.handler.stream.ChunkedNioFile;
import io.netty.handler.stream.ChunkedWriteHandler;
import io.netty.handler.timeout.IdleStateEvent;
import io.netty.handler.timeout.IdleStateHandler;
import io.netty.util.ReferenceCountUtil;
import org.stanzaswitch.gateway.tls.TlsSupport;

import java.io.IOException;
import java.io.Reader;
import java.io.Writer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.Locale;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * XEP-0363's HTTP side, over TLS only (§4): a PUT to a signed slot streams its body to a file, made durable before
 * the 201 (§6) and never held in memory; a GET or HEAD serves it with the headers §8 recommends (a content
 * security policy that runs nothing, no sniffing) and §7's CORS headers for web clients. Runs on an event loop of
 * its own, so that disk waits never hold up stanzas. Netty's HTTP codec does the framing; one connection handles
 * one request at a time, as HTTP/1.1 clients send them.
 */
final class HttpFileServer extends ChannelInboundHandlerAdapter
{
    private static final Logger LOG = Logger.getLogger(HttpFileServer.class.getName());
    private static final int IDLE_SECONDS = 60;
    private static final int CHUNK_SIZE = 64 * 1024;
    /** Space left free on the store's disk after an upload, for the journals beside it. */
    private static final long DISK_RESERVE = 64L << 20;
    private static final String PREFIX = "/upload/";
    private static final long DRAINED_BODY_BYTES = 64 * 1024;
    private static final String METHODS = "OPTIONS, HEAD, GET, PUT";
    private static final String NAME = "name";
    private static final String TYPE = "type";

    /** The PUT whose body is arriving. */
    private static final class Upload
    {
        final Path directory;
        final Properties meta;
        final long size;
        final boolean keepAlive;
        final FileChannel file;
        long received;

        Upload(final Path directory, final Properties meta, final long size, final boolean keepAlive)
            throws IOException
        {
            this.directory = directory;
            this.meta = meta;
            this.size = size;
            this.keepAlive = keepAlive;
            this.file = FileChannel.open(directory.resolve(HttpFileShare.PART),
                StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
        }
    }

    private final HttpFileShare share;
    private Upload upload;
    /** The request being handled has a body small enough to read and drop if it is refused. */
    private boolean bodyDrainable;
    /** A refused request's body is being dropped; the connection closes at its end. */
    private boolean closeAtBodyEnd;

    private HttpFileServer(final HttpFileShare share)
    {
        this.share = share;
    }

    static ChannelInitializer<SocketChannel> initializer(final TlsSupport tls, final HttpFileShare share)
    {
        return new ChannelInitializer<>()
        {
            @Override
            protected void initChannel(final SocketChannel channel)
            {
                channel.pipeline()
                    .addLast("tls", tls.newHandler(channel.alloc()))
                    .addLast("idle", new IdleStateHandler(false, 0, 0, IDLE_SECONDS, TimeUnit.SECONDS))
                    // Body chunks as large as TLS hands them over, not Netty's 8 KiB: one file write per chunk.
                    .addLast("http", new HttpServerCodec(new HttpDecoderConfig().setMaxChunkSize(CHUNK_SIZE)))
                    .addLast("chunked", new ChunkedWriteHandler())
                    .addLast("files", new HttpFileServer(share));
            }
        };
    }

    @Override
    public void channelRead(final ChannelHandlerContext ctx, final Object message)
    {
        try
        {
            if (message instanceof HttpRequest request)
            {
                onRequest(ctx, request);
            }
            if (message instanceof HttpContent content)
            {
                if (upload != null)
                {
                    onBody(ctx, content);
                }
                else if (closeAtBodyEnd && content instanceof LastHttpContent)
                {
                    ctx.close();
                }
            }
        }
        finally
        {
            ReferenceCountUtil.release(message);
        }
    }

    private void onRequest(final ChannelHandlerContext ctx, final HttpRequest request)
    {
        bodyDrainable = !request.decoderResult().isFailure() && !HttpUtil.isTransferEncodingChunked(request) &&
            HttpUtil.getContentLength(request, 0L) <= DRAINED_BODY_BYTES;
        if (request.decoderResult().isFailure())
        {
            refuse(ctx, HttpResponseStatus.BAD_REQUEST, "malformed request: " + request.decoderResult().cause());
            return;
        }
        final String path = new QueryStringDecoder(request.uri()).rawPath();
        final int slash = path.indexOf('/', PREFIX.length());
        final Path directory = !path.startsWith(PREFIX) || slash < 0 ? null :
            share.directory(path.substring(PREFIX.length(), slash));
        final String name = slash < 0 ? "" : path.substring(slash + 1);
        final HttpMethod method = request.method();
        if (HttpMethod.OPTIONS.equals(method))
        {
            final FullHttpResponse response = response(HttpResponseStatus.NO_CONTENT, request);
            response.headers().set(HttpHeaderNames.ACCESS_CONTROL_ALLOW_METHODS, METHODS)
                .set(HttpHeaderNames.ACCESS_CONTROL_ALLOW_HEADERS, "Authorization, Content-Type")
                .set(HttpHeaderNames.ACCESS_CONTROL_MAX_AGE, "86400");
            send(ctx, response, HttpUtil.isKeepAlive(request));
        }
        else if (directory == null || name.isEmpty() || name.indexOf('/') >= 0)
        {
            refuse(ctx, HttpResponseStatus.NOT_FOUND, "no such file: " + path);
        }
        else if (HttpMethod.GET.equals(method) || HttpMethod.HEAD.equals(method))
        {
            download(ctx, request, directory, name);
        }
        else if (HttpMethod.PUT.equals(method))
        {
            startUpload(ctx, request, directory, name);
        }
        else
        {
            final FullHttpResponse response = response(HttpResponseStatus.METHOD_NOT_ALLOWED, request);
            response.headers().set(HttpHeaderNames.ALLOW, METHODS).set(HttpHeaderNames.CONNECTION, "close");
            send(ctx, response, false);
        }
    }

    private void download(final ChannelHandlerContext ctx, final HttpRequest request, final Path directory,
        final String name)
    {
        final Properties meta = new Properties();
        final FileChannel file;
        try
        {
            try (Reader reader = Files.newBufferedReader(directory.resolve(HttpFileShare.META)))
            {
                meta.load(reader);
            }
            if (!name.equals(meta.getProperty(NAME)))
            {
                throw new NoSuchFileException(name);
            }
            file = FileChannel.open(directory.resolve(HttpFileShare.FILE), StandardOpenOption.READ);
        }
        catch (final IOException ex)
        {
            // Not there, being uploaded, or expired: all the same to the client.
            refuse(ctx, HttpResponseStatus.NOT_FOUND, "no such file: " + directory.getFileName() + "/" + name);
            return;
        }
        final boolean keepAlive = HttpUtil.isKeepAlive(request);
        try
        {
            final long length = file.size();
            final String type = meta.getProperty(TYPE, "application/octet-stream");
            final HttpResponse response = new DefaultHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK);
            response.headers()
                .set(HttpHeaderNames.CONTENT_LENGTH, length)
                .set(HttpHeaderNames.CONTENT_TYPE, type)
                .set(HttpHeaderNames.CONTENT_DISPOSITION, (inline(type) ? "inline" : "attachment") +
                    "; filename*=UTF-8''" + name)
                .set(HttpHeaderNames.CONTENT_SECURITY_POLICY, "default-src 'none'; frame-ancestors 'none'")
                .set("X-Content-Type-Options", "nosniff")
                .set(HttpHeaderNames.CACHE_CONTROL, "public, max-age=604800, immutable")
                .set(HttpHeaderNames.ACCESS_CONTROL_ALLOW_ORIGIN, "*");
            HttpUtil.setKeepAlive(response, keepAlive);
            ctx.write(response);
            final Object body;
            if (HttpMethod.HEAD.equals(request.method()))
            {
                file.close();
                body = LastHttpContent.EMPTY_LAST_CONTENT;
            }
            else
            {
                body = new HttpChunkedInput(new ChunkedNioFile(file, 0, length, CHUNK_SIZE));
            }
            ctx.writeAndFlush(body).addListener(keepAlive ? ChannelFutureListener.CLOSE_ON_FAILURE :
                ChannelFutureListener.CLOSE);
        }
        catch (final IOException ex)
        {
            closeQuietly(file);
            LOG.log(Level.WARNING, "upload store: cannot read " + directory, ex);
            ctx.close();
        }
    }

    /**
     * §8: a file the browser may show is shown; the rest are saved, so that nothing it would run opens in the
     * service's origin.
     */
    private static boolean inline(final String type)
    {
        final String lower = type.toLowerCase(Locale.ROOT);
        return (lower.startsWith("image/") && !lower.startsWith("image/svg")) || lower.startsWith("audio/") ||
            lower.startsWith("video/");
    }

    private void startUpload(final ChannelHandlerContext ctx, final HttpRequest request, final Path directory,
        final String name)
    {
        final HttpHeaders headers = request.headers();
        final long length = HttpUtil.getContentLength(request, -1L);
        if (length < 0)
        {
            refuse(ctx, HttpResponseStatus.LENGTH_REQUIRED, "PUT without a Content-Length");
            return;
        }
        final String type = headers.get(HttpHeaderNames.CONTENT_TYPE, "application/octet-stream").trim();
        switch (share.check(directory.getFileName().toString(), name, headers.get(HttpHeaderNames.AUTHORIZATION),
            length, type, System.currentTimeMillis()))
        {
            case NOT_SIGNED -> refuse(ctx, HttpResponseStatus.FORBIDDEN,
                "no slot for this file, its size and content type: " + directory.getFileName() + "/" + name);
            case EXPIRED -> refuse(ctx, HttpResponseStatus.FORBIDDEN, "the slot has expired; ask for another");
            case SIZE_MISMATCH -> refuse(ctx, HttpResponseStatus.BAD_REQUEST,
                "Content-Length " + length + " is not the size the slot was given for");
            case ACCEPTED -> accept(ctx, request, directory, name, type, length);
            default -> throw new IllegalStateException();
        }
    }

    private void accept(final ChannelHandlerContext ctx, final HttpRequest request, final Path directory,
        final String name, final String type, final long length)
    {
        try
        {
            if (Files.getFileStore(directory.getParent()).getUsableSpace() < length + DISK_RESERVE)
            {
                refuse(ctx, HttpResponseStatus.INSUFFICIENT_STORAGE, "the disk is too full for " + length + " bytes");
                return;
            }
            // One upload per slot: the directory is its lock, and stays for the file.
            Files.createDirectory(directory);
        }
        catch (final FileAlreadyExistsException ex)
        {
            refuse(ctx, HttpResponseStatus.CONFLICT, "the slot was used already: " + directory.getFileName());
            return;
        }
        catch (final IOException ex)
        {
            failUpload(ctx, ex);
            return;
        }
        final Properties meta = new Properties();
        meta.setProperty(NAME, name);
        meta.setProperty(TYPE, type);
        try
        {
            upload = new Upload(directory, meta, length, HttpUtil.isKeepAlive(request));
        }
        catch (final IOException ex)
        {
            failUpload(ctx, ex);
            return;
        }
        if (HttpUtil.is100ContinueExpected(request))
        {
            ctx.writeAndFlush(new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.CONTINUE));
        }
    }

    private void onBody(final ChannelHandlerContext ctx, final HttpContent content)
    {
        final Upload current = upload;
        try
        {
            final ByteBuf bytes = content.content();
            while (bytes.isReadable())
            {
                current.received += bytes.readBytes(current.file, current.received, bytes.readableBytes());
            }
            if (content instanceof LastHttpContent)
            {
                finish(ctx, current);
            }
        }
        catch (final IOException ex)
        {
            failUpload(ctx, ex);
        }
    }

    /**
     * §6: the 201 says the file can be fetched, so it is on disk first: the data forced, the name and type beside
     * it, then the file moved into place in one step and the directory forced.
     */
    private void finish(final ChannelHandlerContext ctx, final Upload current) throws IOException
    {
        if (current.received != current.size)
        {
            failUpload(ctx, new IOException("the body held " + current.received + " of " + current.size + " bytes"));
            return;
        }
        current.file.force(true);
        current.file.close();
        try (Writer writer = Files.newBufferedWriter(current.directory.resolve(HttpFileShare.META),
            StandardCharsets.UTF_8, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE,
            StandardOpenOption.SYNC))
        {
            current.meta.store(writer, null);
        }
        Files.move(current.directory.resolve(HttpFileShare.PART), current.directory.resolve(HttpFileShare.FILE),
            StandardCopyOption.ATOMIC_MOVE);
        try (FileChannel directory = FileChannel.open(current.directory, StandardOpenOption.READ))
        {
            directory.force(true);
        }
        upload = null;
        LOG.fine(() -> "upload stored " + current.directory.getFileName() + ", " + current.size + " bytes");
        final FullHttpResponse response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1,
            HttpResponseStatus.CREATED);
        response.headers().set(HttpHeaderNames.CONTENT_LENGTH, 0)
            .set(HttpHeaderNames.ACCESS_CONTROL_ALLOW_ORIGIN, "*");
        send(ctx, response, current.keepAlive);
    }

    private void failUpload(final ChannelHandlerContext ctx, final IOException cause)
    {
        LOG.log(Level.WARNING, "upload from " + ctx.channel().remoteAddress() + " failed", cause);
        abandon();
        final HttpResponseStatus status = cause.getMessage() != null && cause.getMessage().contains("space") ?
            HttpResponseStatus.INSUFFICIENT_STORAGE : HttpResponseStatus.INTERNAL_SERVER_ERROR;
        send(ctx, text(status, status.reasonPhrase()), false);
    }

    /**
     * A cut-off upload leaves nothing behind, so the slot's id is never served half-written.
     */
    private void abandon()
    {
        final Upload current = upload;
        upload = null;
        if (current != null)
        {
            closeQuietly(current.file);
            try
            {
                HttpFileShare.delete(current.directory);
            }
            catch (final IOException ex)
            {
                LOG.warning(() -> "upload store: cannot delete " + current.directory + ": " + ex);
            }
        }
    }

    @Override
    public void channelInactive(final ChannelHandlerContext ctx)
    {
        abandon();
        ctx.fireChannelInactive();
    }

    @Override
    public void userEventTriggered(final ChannelHandlerContext ctx, final Object event)
    {
        if (event instanceof IdleStateEvent)
        {
            ctx.close();
        }
        ReferenceCountUtil.release(event);
    }

    @Override
    public void exceptionCaught(final ChannelHandlerContext ctx, final Throwable cause)
    {
        LOG.fine(() -> "upload connection " + ctx.channel().remoteAddress() + " closed: " + cause);
        ctx.close();
    }

    /**
     * A refused request gets its reason in the body and a log line, and the connection closes, since the body it
     * may still be sending is not wanted. A small body is read to its end first: closing a socket with unread
     * bytes resets it, and the client may lose the answer with them.
     */
    private void refuse(final ChannelHandlerContext ctx, final HttpResponseStatus status, final String reason)
    {
        LOG.info(() -> "upload service refused " + ctx.channel().remoteAddress() + ": " + status.code() + " " +
            reason);
        final FullHttpResponse response = text(status, reason);
        if (bodyDrainable)
        {
            HttpUtil.setKeepAlive(response, false);
            ctx.writeAndFlush(response).addListener(ChannelFutureListener.CLOSE_ON_FAILURE);
            closeAtBodyEnd = true;
        }
        else
        {
            send(ctx, response, false);
        }
    }

    private static FullHttpResponse text(final HttpResponseStatus status, final String text)
    {
        final FullHttpResponse response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, status,
            Unpooled.copiedBuffer(text + "\n", StandardCharsets.UTF_8));
        response.headers().set(HttpHeaderNames.CONTENT_TYPE, "text/plain; charset=utf-8")
            .set(HttpHeaderNames.CONTENT_LENGTH, response.content().readableBytes())
            .set(HttpHeaderNames.ACCESS_CONTROL_ALLOW_ORIGIN, "*");
        return response;
    }

    private static FullHttpResponse response(final HttpResponseStatus status, final HttpRequest request)
    {
        final FullHttpResponse response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, status);
        response.headers().set(HttpHeaderNames.ACCESS_CONTROL_ALLOW_ORIGIN, "*");
        HttpUtil.setKeepAlive(response, HttpUtil.isKeepAlive(request));
        return response;
    }

    private static void send(final ChannelHandlerContext ctx, final FullHttpResponse response, final boolean keepAlive)
    {
        HttpUtil.setKeepAlive(response, keepAlive);
        ctx.writeAndFlush(response).addListener(keepAlive ? ChannelFutureListener.CLOSE_ON_FAILURE :
            ChannelFutureListener.CLOSE);
    }

    private static void closeQuietly(final FileChannel file)
    {
        try
        {
            file.close();
        }
        catch (final IOException ignored)
        {
            // Closing a channel we only read or abandon: nothing to save.
        }
    }
}
