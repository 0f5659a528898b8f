using System.Globalization;
using System.Text.RegularExpressions;
using ApiProxyGateway.Sandbox.Network;
using k8s.Models;

namespace ApiProxyGateway.Sandbox.Runtime;

/// <summary>
/// What every process of one pod shares: the pod as it was when it started, its IP and the network it is reachable
/// in, its directory under <c>DIR/pods/NS_POD/</c>, and the environment a container would see.
/// </summary>
internal sealed partial class PodContext(V1Pod pod, string ip, string hostIp, string directory, string apiServerAddress, NodeNetwork network)
{
    public V1Pod Pod { get; } = pod;

    public string Namespace => Pod.Metadata.NamespaceProperty;

    public string Name => Pod.Metadata.Name;

    public string Uid => Pod.Metadata.Uid;

    public string NodeName => Pod.Spec.NodeName;

    public string Ip { get; } = ip;

    public string HostIp { get; } = hostIp;

    /// <summary>Its node's network: its processes run there and connections to its IP are made from there.</summary>
    public NodeNetwork Network { get; } = network;

    /// <summary><c>DIR/pods/NS_POD</c>: one working directory per container below it, and <c>tls/</c>.</summary>
    public string Directory { get; } = directory;

    public string TlsDirectory => Path.Combine(Directory, "tls");

    public string ContainerDirectory(string container) => Path.Combine(Directory, container);

    public V1Container? Container(string name) => Pod.Spec.Containers.FirstOrDefault(c => c.Name == name);

    /// <summary>
    /// The container's environment: the host PATH (so host tools such as sh and tar work), HOME = its directory, the
    /// pod's identity (POD_NAME, POD_NAMESPACE, POD_IP, NODE_NAME, HOSTNAME), the API server's address, the pod's TLS
    /// directory, then the declared <c>env</c> (values and the common fieldRefs; <c>$(VAR)</c> expanded).
    /// </summary>
    public Dictionary<string, string> Environment(V1Container container, bool tty)
    {
        var env = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["PATH"] = System.Environment.GetEnvironmentVariable("PATH") ?? "/usr/local/bin:/usr/bin:/bin",
            ["HOME"] = ContainerDirectory(container.Name),
            ["HOSTNAME"] = Name,
            ["POD_NAME"] = Name,
            ["POD_NAMESPACE"] = Namespace,
            ["POD_IP"] = Ip,
            ["NODE_NAME"] = NodeName,
            ["KUBERNETES_SERVICE_HOST"] = apiServerAddress,
            ["KUBERNETES_SERVICE_PORT"] = "6443",
            ["SANDBOX_TLS_DIR"] = TlsDirectory,
        };
        foreach (var name in new[] { "DOTNET_ROOT", "LANG" })
        {
            if (System.Environment.GetEnvironmentVariable(name) is { Length: > 0 } value)
            {
                env[name] = value;
            }
        }

        if (tty)
        {
            env["TERM"] = "xterm"; // what containerd sets for a TTY
        }

        foreach (var variable in container.Env ?? [])
        {
            env[variable.Name] = variable.Value is { } value ? Expand(value, env) : FieldValue(variable.ValueFrom?.FieldRef?.FieldPath) ?? "";
        }

        return env;
    }

    /// <summary>command + args with <c>$(VAR)</c> expanded; no command means the image's entrypoint, here <c>workload idle</c>.</summary>
    public static IReadOnlyList<string> Command(V1Container container, IReadOnlyDictionary<string, string> env)
    {
        IEnumerable<string> argv = [.. container.Command ?? [], .. container.Args ?? []];
        var list = argv.Select(a => Expand(a, env)).ToList();
        return list.Count > 0 ? list : [CommandResolver.WorkloadCommand, "idle"];
    }

    private string? FieldValue(string? path) => path switch
    {
        "metadata.name" => Name,
        "metadata.namespace" => Namespace,
        "metadata.uid" => Uid,
        "spec.nodeName" => NodeName,
        "spec.serviceAccountName" => Pod.Spec.ServiceAccountName,
        "status.podIP" => Ip,
        "status.hostIP" => HostIp,
        _ => null,
    };

    private static string Expand(string text, IReadOnlyDictionary<string, string> env) =>
        Reference().Replace(text, m => m.Value == "$$" ? "$" : env.TryGetValue(m.Groups[1].Value, out var value) ? value : m.Value);

    [GeneratedRegex(@"\$\$|\$\(([A-Za-z_][A-Za-z0-9_.-]*)\)")]
    private static partial Regex Reference();

    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"{Namespace}/{Name} ({Uid})");
}
