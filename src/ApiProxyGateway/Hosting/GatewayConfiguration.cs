using ApiProxyGateway.Settings;

namespace ApiProxyGateway.Hosting;

internal static class GatewayConfiguration
{
    /// <summary>
    /// Configuration sources, lowest precedence first: <c>appsettings/appsettings.json</c> and
    /// <c>appsettings/appsettings.{Environment}.json</c> next to the binary, environment variables prefixed
    /// <c>APIPROXYGATEWAY_</c>, then kube-apiserver-style command-line flags (list flags expanded first, see
    /// <see cref="GatewayFlags.ExpandLists"/>).
    /// </summary>
    public static WebApplicationBuilder AddGatewayConfiguration(this WebApplicationBuilder builder, string[] args)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var directory = Path.Combine(AppContext.BaseDirectory, "appsettings");
        var configuration = builder.Configuration;
        configuration.Sources.Clear();
        configuration
            .AddJsonFile(Path.Combine(directory, "appsettings.json"), optional: false, reloadOnChange: false)
            .AddJsonFile(Path.Combine(directory, $"appsettings.{builder.Environment.EnvironmentName}.json"), optional: true, reloadOnChange: false)
            .AddEnvironmentVariables(GatewayFlags.EnvironmentPrefix)
            .AddCommandLine(GatewayFlags.ExpandLists(args), GatewayFlags.SwitchMappings.ToDictionary(pair => pair.Key, pair => pair.Value, StringComparer.Ordinal));

        // Console lines escape control characters (the "gateway" formatter, chosen in appsettings.json).
        builder.Logging.AddConsoleFormatter<EscapingConsoleFormatter, Microsoft.Extensions.Logging.Console.SimpleConsoleFormatterOptions>();
        return builder;
    }
}
