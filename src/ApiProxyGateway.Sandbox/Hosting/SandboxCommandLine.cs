using System.Globalization;
using ApiProxyGateway.Sandbox.Konnectivity;

namespace ApiProxyGateway.Sandbox.Hosting;

/// <summary>
/// The sandbox's command line: <c>[--state-dir DIR] [--scenario FILE] [--address-block B] [--no-gateway]
/// [--egress grpc|http-connect [--egress-transport uds|tcp]] [--gateway-replicas N [--roll]] [--print-default-scenario]</c>.
/// </summary>
internal sealed record SandboxCommandLine(SandboxOptions Options, bool PrintDefaultScenario, bool Help, string? Error)
{
    /// <summary>How long <c>--roll</c> waits between rolling restarts (and before the first), so streams can be started in between.</summary>
    public static readonly TimeSpan RollPause = TimeSpan.FromSeconds(20);

    /// <summary><c>--roll</c>: replace every replica in turn, again and again, while the sandbox runs.</summary>
    public bool Roll { get; init; }

    public const string Usage = """
        usage: dotnet run --project src/ApiProxyGateway.Sandbox -- [options]
          --state-dir DIR            PKI, kubeconfigs and logs (default: .sandbox in the repository root)
          --scenario FILE            scenario YAML (default: the built-in scenario)
          --address-block B          use 127.B.0.0/16 (default 10)
          --no-gateway               run the control plane only, without the gateway
          --egress grpc|http-connect put every node behind a konnectivity-agent (kubelets and pods in a network
                                     namespace of their own; needs root) and start the gateway with an
                                     --egress-selector-config-file for konnectivity-server with this protocol
          --egress-transport uds|tcp how the gateway reaches konnectivity-server (default uds; tcp: mutual TLS,
                                     http-connect only, as kube-apiserver allows)
          --gateway-replicas N       run N gateways (2–8) behind HAProxy in TCP mode on the gateway address,
                                     health-checked on each one's /readyz (needs Debian's haproxy)
          --roll                     with --gateway-replicas: a rolling restart every 20 s, one replica at a time
                                     (a new one starts and enters rotation, then the old one gets SIGTERM and drains)
          --print-default-scenario   print the built-in scenario (an example scenario file) and exit
        """;

    public static SandboxCommandLine Parse(IReadOnlyList<string> args)
    {
        var options = new SandboxOptions { StateDirectory = DefaultStateDirectory(AppContext.BaseDirectory) };
        var print = false;
        var roll = false;
        EgressTransport? transport = null;
        for (var i = 0; i < args.Count; i++)
        {
            string Value() => i + 1 < args.Count ? args[++i] : throw new FormatException($"{args[i]} needs a value");
            try
            {
                switch (args[i])
                {
                    case "--state-dir":
                        options = options with { StateDirectory = Value() };
                        break;
                    case "--scenario":
                        options = options with { ScenarioFile = Value() };
                        break;
                    case "--address-block":
                        options = options with { AddressBlock = int.Parse(Value(), NumberStyles.None, CultureInfo.InvariantCulture) };
                        break;
                    case "--no-gateway":
                        options = options with { StartGateway = false };
                        break;
                    case "--egress":
                        options = options with { Egress = Value() switch
                        {
                            "grpc" => EgressProtocol.Grpc,
                            "http-connect" => EgressProtocol.HttpConnect,
                            var other => throw new FormatException($"--egress must be grpc or http-connect, not '{other}'"),
                        } };
                        break;
                    case "--egress-transport":
                        transport = Value() switch
                        {
                            "uds" => EgressTransport.Uds,
                            "tcp" => EgressTransport.Tcp,
                            var other => throw new FormatException($"--egress-transport must be uds or tcp, not '{other}'"),
                        };
                        break;
                    case "--gateway-replicas":
                        options = options with { GatewayReplicas = int.Parse(Value(), NumberStyles.None, CultureInfo.InvariantCulture) };
                        break;
                    case "--roll":
                        roll = true;
                        break;
                    case "--print-default-scenario":
                        print = true;
                        break;
                    case "-h" or "--help":
                        return new SandboxCommandLine(options, false, true, null);
                    default:
                        return new SandboxCommandLine(options, false, false, $"unknown argument '{args[i]}'");
                }
            }
            catch (FormatException e)
            {
                return new SandboxCommandLine(options, false, false, e.Message);
            }
        }

        if (roll && options.GatewayReplicas < 2)
        {
            return new SandboxCommandLine(options, false, false, "--roll needs --gateway-replicas 2 or more");
        }

        return transport switch
        {
            null => new SandboxCommandLine(options, print, false, null) { Roll = roll },
            _ when options.Egress is null => new SandboxCommandLine(options, false, false, "--egress-transport needs --egress"),
            EgressTransport.Tcp when options.Egress == EgressProtocol.Grpc =>
                new SandboxCommandLine(options, false, false, "--egress-transport tcp needs --egress http-connect: kube-apiserver allows GRPC over a Unix domain socket only"),
            { } chosen => new SandboxCommandLine(options with { EgressTransport = chosen }, print, false, null) { Roll = roll },
        };
    }

    /// <summary>
    /// The <c>.sandbox</c> folder of the repository the sandbox was built in, whatever the working directory (the
    /// README's <c>export KUBECONFIG=$PWD/.sandbox/kubeconfig</c> is typed in the repository root); <c>.sandbox</c> in
    /// the working directory when the program runs outside a repository.
    /// </summary>
    internal static string DefaultStateDirectory(string programDirectory)
    {
        for (var directory = new DirectoryInfo(programDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "ApiProxyGateway.sln")))
            {
                return Path.Combine(directory.FullName, ".sandbox");
            }
        }

        return ".sandbox";
    }
}
