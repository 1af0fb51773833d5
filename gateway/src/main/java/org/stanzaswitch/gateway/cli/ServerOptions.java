package org.stanzaswitch.gateway.cli;

import org.stanzaswitch.gateway.ConfigLoader;
import org.stanzaswitch.gateway.ServerContext;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.nio.file.Path;

/**
 * The options every command takes to find the server's settings: a YAML file, or the embedded default with
 * the domain and data directory as shortcuts over it.
 */
final class ServerOptions
{
    @Option(names = "--config", description = "YAML configuration file (see docs/stanzaswitch.example.yaml)")
    Path config;

    @Option(names = "--domain", description = "domain to serve (default: localhost)")
    String domain;

    @Option(names = "--data", description = "data directory (default: ./data)")
    Path data;

    ServerContext context() throws IOException
    {
        final ServerContext context = new ServerContext();
        if (config != null)
        {
            ConfigLoader.load(config, context);
        }
        if (domain != null)
        {
            context.domain(domain);
        }
        if (data != null)
        {
            context.dataDir(data);
        }
        return context.conclude();
    }
}
