using ApiProxyGateway.Settings;
using Microsoft.Extensions.Options;

namespace ApiProxyGateway.Hosting;

internal static class GatewayHost
{
    /// <summary>
    /// Starts the gateway and waits for shutdown. Invalid configuration stops it before it listens, with one
    /// message that lists every problem and the setting it came from; the exit code is then 1.
    /// </summary>
    public static async Task<int> RunAsync(WebApplication app, string[] args)
    {
        ArgumentNullException.ThrowIfNull(app);
        try
        {
            if (GatewayFlags.Unknown(args) is { Count: > 0 } unknown)
            {
                throw new OptionsValidationException("command line", typeof(string), [.. unknown.Select(flag =>
                    $"unknown flag {flag}; the flags are {string.Join(", ", GatewayFlags.SwitchMappings.Keys)}, --environment, or any setting as --Section:Key=value")]);
            }

            // Validate every options section before anything is constructed from them, so all problems are
            // reported together rather than the first one a service happens to touch.
            app.Services.GetService<IStartupValidator>()?.Validate();
            await app.StartAsync();
        }
        catch (Exception e) when (ValidationFailures(e) is { Count: > 0 } failures)
        {
            var log = app.Services.GetRequiredService<ILoggerFactory>().CreateLogger("ApiProxyGateway");
            var message = $"invalid configuration, {failures.Count} problem(s):{Environment.NewLine}  - {string.Join($"{Environment.NewLine}  - ", failures)}";
            HostingLog.InvalidConfiguration(log, message);
            await Console.Error.WriteLineAsync($"ApiProxyGateway cannot start: {message}");
            return 1;
        }

        // Load the TLS material now that it is known to be valid, rather than on the first handshake.
        app.Services.GetRequiredService<Tls.ServingTlsProvider>();
        app.Services.GetRequiredService<Revocation.RevocationChecker>();
        app.Services.GetRequiredService<Kubelets.KubeletTlsProvider>();
        app.Services.GetRequiredService<Proxy.WorkloadTrust>();
        app.Services.GetRequiredService<Egress.EgressSelector>();
        RelaxedSettings.Log(app.Services);
        Tls.IdleTlsBuffers.LogAtStartup(app.Services.GetRequiredService<ILoggerFactory>().CreateLogger("ApiProxyGateway.Tls"));
        await app.WaitForShutdownAsync();
        return 0;
    }

    private static List<string> ValidationFailures(Exception exception) => exception switch
    {
        OptionsValidationException validation => [.. validation.Failures],
        AggregateException aggregate => [.. aggregate.InnerExceptions.SelectMany(ValidationFailures)],
        _ => [],
    };
}
