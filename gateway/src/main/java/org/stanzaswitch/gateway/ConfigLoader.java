package org.stanzaswitch.gateway;

import org.stanzaswitch.gateway.tls.TlsProvider;
import org.agrona.SystemUtil;
import org.stanzaswitch.switching.ExternalService;
import org.stanzaswitch.switching.RouterWaitStrategy;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;

import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

/**
 * Maps the YAML configuration file (annotated example: {@code docs/stanzaswitch.example.yaml}) onto a
 * {@link ServerContext}. Nested keys are read as dotted paths; an unknown key, or a value of the wrong kind,
 * fails with the key and the value named. Only this class sees YAML.
 */
public final class ConfigLoader
{
    private static final String COMPONENTS = "components.";
    private static final List<String> EXTERNAL_SERVICE_KEYS =
        List.of("type", "host", "port", "transport", "name", "username", "password", "secret", "ttl");

    private ConfigLoader()
    {
    }

    /**
     * @param file    the YAML file.
     * @param context to apply the settings to.
     * @return the context.
     * @throws IOException if the file cannot be read.
     * @throws IllegalArgumentException naming the bad key and value.
     */
    public static ServerContext load(final Path file, final ServerContext context) throws IOException
    {
        final Object root;
        try (Reader reader = Files.newBufferedReader(file))
        {
            root = new Yaml(new SafeConstructor(new LoaderOptions())).load(reader);
        }
        if (root == null)
        {
            return context;
        }
        if (!(root instanceof Map))
        {
            throw new IllegalArgumentException(file + ": the top level must be a mapping of settings");
        }
        final Map<String, Object> flat = new LinkedHashMap<>();
        flatten("", (Map<?, ?>)root, flat);
        for (final Map.Entry<String, Object> entry : flat.entrySet())
        {
            apply(file, entry.getKey(), entry.getValue(), context);
        }
        return context;
    }

    private static void flatten(final String prefix, final Map<?, ?> map, final Map<String, Object> flat)
    {
        for (final Map.Entry<?, ?> entry : map.entrySet())
        {
            final String key = prefix + entry.getKey();
            if (entry.getValue() instanceof Map)
            {
                flatten(key + ".", (Map<?, ?>)entry.getValue(), flat);
            }
            else
            {
                flat.put(key, entry.getValue());
            }
        }
    }

    private static void apply(final Path file, final String key, final Object value, final ServerContext context)
    {
        try
        {
            switch (key)
            {
                case "domain" -> context.domain(text(value));
                case "data_dir" -> context.dataDir(file.toAbsolutePath().getParent().resolve(text(value)));
                case "listen.address" -> context.bindAddress(text(value));
                case "listen.c2s_port" -> context.c2sPort(integer(value));
                case "listen.direct_tls_port" -> context.directTlsPort(integer(value));
                case "listen.component_port" -> context.componentPort(integer(value));
                case "listen.proxy_port" -> context.proxyPort(integer(value));
                case "listen.web_port" -> context.webPort(integer(value));
                case "listen.upload_port" -> context.upload().port(integer(value));
                case "web.behind_proxy" -> context.webBehindProxy(bool(value));
                case "upload.url" -> context.upload().url(text(value));
                case "upload.max_file_size" -> context.upload().maxFileSize(bytes(value));
                case "upload.daily_quota" -> context.upload().dailyQuota(bytes(value));
                case "upload.expire_days" -> context.upload().expireDays(integer(value));
                case "tls.required" -> context.tlsRequired(bool(value));
                case "tls.certificate" -> context.tlsCertificate(text(value));
                case "tls.key" -> context.tlsKey(text(value));
                case "tls.provider" -> context.tlsProvider(TlsProvider.of(text(value)));
                case "sasl.mechanisms" -> context.saslMechanisms(list(value));
                case "sasl.scram_iterations" -> context.scramIterations(integer(value));
                case "sasl.max_failures_per_minute" -> context.maxAuthFailuresPerMinute(integer(value));
                case "timeouts.header" -> context.headerTimeoutNs(duration(value));
                case "timeouts.auth" -> context.authTimeoutNs(duration(value));
                case "timeouts.idle" -> context.idleTimeoutNs(duration(value));
                case "timeouts.trim" -> context.trimAfterNs(duration(value));
                case "timeouts.heap_reclaim" -> context.heapReclaimAfterNs(duration(value));
                case "limits.max_stanza_size" -> context.decoderLimits().maxStanzaSize(size(value));
                case "limits.max_depth" -> context.decoderLimits().maxDepth(integer(value));
                case "limits.max_attributes" -> context.decoderLimits().maxAttributes(integer(value));
                case "limits.max_attribute_value_length" -> context.decoderLimits()
                    .maxAttributeValueLength(size(value));
                case "limits.max_outbound_bytes" -> context.maxOutboundBytes(size(value));
                case "limits.c2s_rate" -> context.c2sRate(size(value));
                case "limits.c2s_burst" -> context.c2sBurst(size(value));
                case "tuning.ring_size" -> context.ringSize(integer(value));
                case "tuning.wait_strategy" -> context.waitStrategy(RouterWaitStrategy.of(text(value)));
                case "tuning.router_cpu" -> context.routerCpu(integer(value));
                case "tuning.io_threads" -> context.ioThreads(integer(value));
                case "tuning.transport" -> context.transport(Transport.of(text(value)));
                case "registration.open" -> context.registrationOpen(bool(value));
                case "stream_management.resume_timeout" -> context.resumeTimeoutSeconds(integer(value));
                case "stream_management.max_unacked_bytes" -> context.maxUnackedBytes(size(value));
                case "offline.quota" -> context.offlineQuota(integer(value));
                case "state.snapshot_after" -> context.snapshotAfter(integer(value));
                case "resources.conflict" -> context.resourceConflict(text(value));
                case "archive.default" -> context.archiveDefault(text(value));
                case "archive.max_page" -> context.archiveMaxPage(integer(value));
                case "archive.retention_days" -> context.archiveRetentionDays(integer(value));
                case "external_services" -> externalServices(value).forEach(context::externalService);
                default ->
                {
                    if (!key.startsWith(COMPONENTS))
                    {
                        throw new IllegalArgumentException("unknown setting");
                    }
                    // components: {push.example.org: secret}; the domain's own dots end up in the key.
                    context.componentSecret(key.substring(COMPONENTS.length()), text(value));
                }
            }
        }
        catch (final IllegalArgumentException | ClassCastException ex)
        {
            throw new IllegalArgumentException(file + ": " + key + ": " + value + ": " + ex.getMessage(), ex);
        }
    }

    /**
     * XEP-0215: a list of services, each a mapping of {@code type}, {@code host}, and optionally {@code port},
     * {@code transport}, {@code name}, and either {@code username} and {@code password} or a TURN {@code secret}
     * with its credentials' {@code ttl}.
     */
    private static List<ExternalService> externalServices(final Object value)
    {
        if (!(value instanceof List))
        {
            throw new IllegalArgumentException("expected a list of services");
        }
        final List<ExternalService> services = new ArrayList<>();
        for (final Object item : (List<?>)value)
        {
            if (!(item instanceof Map))
            {
                throw new IllegalArgumentException("expected each service as a mapping");
            }
            final Map<?, ?> service = (Map<?, ?>)item;
            for (final Object key : service.keySet())
            {
                if (!EXTERNAL_SERVICE_KEYS.contains(key.toString()))
                {
                    throw new IllegalArgumentException("unknown service setting " + key);
                }
            }
            services.add(new ExternalService(
                optionalText(service.get("type")),
                optionalText(service.get("host")),
                service.containsKey("port") ? integer(service.get("port")) : 0,
                optionalText(service.get("transport")),
                optionalText(service.get("name")),
                optionalText(service.get("username")),
                optionalText(service.get("password")),
                optionalText(service.get("secret")),
                service.containsKey("ttl") ? TimeUnit.NANOSECONDS.toSeconds(duration(service.get("ttl"))) :
                    ExternalService.DEFAULT_TTL_SECONDS));
        }
        return services;
    }

    private static String optionalText(final Object value)
    {
        return value == null ? null : text(value);
    }

    private static String text(final Object value)
    {
        if (value instanceof Map || value instanceof List || value == null)
        {
            throw new IllegalArgumentException("expected a single value");
        }
        return value.toString();
    }

    private static int integer(final Object value)
    {
        if (value instanceof Integer)
        {
            return (Integer)value;
        }
        throw new IllegalArgumentException("expected a whole number");
    }

    private static boolean bool(final Object value)
    {
        if (value instanceof Boolean)
        {
            return (Boolean)value;
        }
        throw new IllegalArgumentException("expected true or false");
    }

    private static int size(final Object value)
    {
        return value instanceof Integer ? (Integer)value : (int)SystemUtil.parseSize("size", text(value));
    }

    private static long bytes(final Object value)
    {
        return value instanceof Number ? ((Number)value).longValue() : SystemUtil.parseSize("size", text(value));
    }

    private static long duration(final Object value)
    {
        return SystemUtil.parseDuration("duration", text(value));
    }

    private static List<String> list(final Object value)
    {
        if (value instanceof List)
        {
            return ((List<?>)value).stream().map(Object::toString).collect(Collectors.toList());
        }
        return Arrays.asList(text(value).split("\\s*,\\s*"));
    }
}
