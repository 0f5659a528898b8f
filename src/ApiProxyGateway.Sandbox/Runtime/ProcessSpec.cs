using ApiProxyGateway.Protocols.Kubernetes;
using ApiProxyGateway.Sandbox.Network;

namespace ApiProxyGateway.Sandbox.Runtime;

/// <summary>What to start: the argv (already resolved), where, with which environment, and how its stdio is wired.</summary>
internal sealed record ProcessSpec(IReadOnlyList<string> Command, string WorkingDirectory, IReadOnlyDictionary<string, string> Environment)
{
    /// <summary>Run on a new pseudo-terminal (stdin, stdout and stderr all on it).</summary>
    public bool Tty { get; init; }

    /// <summary>Keep stdin open for the caller to write; otherwise the process sees end-of-file at once.</summary>
    public bool Stdin { get; init; }

    public TerminalSize? InitialSize { get; init; }

    /// <summary>The network the process runs in: a pod's processes run in its node's network. Default: the host's.</summary>
    public NodeNetwork Network { get; init; } = NodeNetwork.Host;
}
