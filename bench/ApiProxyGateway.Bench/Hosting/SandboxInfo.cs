namespace ApiProxyGateway.Bench.Hosting;

/// <summary>What the sandbox child tells the driver once everything listens (written as JSON to a file).</summary>
internal sealed record SandboxInfo
{
    public required int Block { get; init; }

    public required int SandboxProcessId { get; init; }

    public required int GatewayProcessId { get; init; }

    public required string StateDirectory { get; init; }

    public required string Kubeconfig { get; init; }

    public required string ApiServerAddress { get; init; }

    public required string GatewayAddress { get; init; }

    public required string KubeletAddress { get; init; }

    public required string NodeName { get; init; }

    public required Dictionary<string, string> PodIps { get; init; }

    /// <summary>Loopback addresses in the sandbox's block for nginx and HAProxy to listen on.</summary>
    public string NginxAddress => $"127.{Block}.0.3";

    public string HaproxyAddress => $"127.{Block}.0.4";

    /// <summary>Where the aspnetcore arm (<see cref="Arms.BareForwarder"/>) listens.</summary>
    public string BareForwarderAddress => $"127.{Block}.0.5";

    public string Pki(string name) => Path.Combine(StateDirectory, "pki", name);
}
