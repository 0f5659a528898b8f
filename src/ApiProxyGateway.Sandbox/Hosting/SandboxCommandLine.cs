using System.Globalization;

namespace ApiProxyGateway.Sandbox.Hosting;

/// <summary>The sandbox's command line: <c>[--state-dir DIR] [--scenario FILE] [--address-block B] [--no-gateway] [--print-default-scenario]</c>.</summary>
internal sealed record SandboxCommandLine(SandboxOptions Options, bool PrintDefaultScenario, bool Help, string? Error)
{
    public const string Usage = """
        usage: dotnet run --project src/ApiProxyGateway.Sandbox -- [options]
          --state-dir DIR            PKI, kubeconfigs and logs (default .sandbox)
          --scenario FILE            scenario YAML (default: the built-in scenario)
          --address-block B          use 127.B.0.0/16 (default 10)
          --no-gateway               run the control plane only, without the gateway
          --print-default-scenario   print the built-in scenario (an example scenario file) and exit
        """;

    public static SandboxCommandLine Parse(IReadOnlyList<string> args)
    {
        var options = new SandboxOptions();
        var print = false;
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

        return new SandboxCommandLine(options, print, false, null);
    }
}
