using System.Globalization;
using System.Net;
using System.Text;

namespace ApiProxyGateway.Sandbox.Gateway;

/// <summary>
/// Where the balancer listens, the replica slots behind it, and its files; renders <c>haproxy.cfg</c>.
/// </summary>
/// <param name="Frontend">What clients dial: the sandbox's gateway address, so the kubeconfig is the same with or without replicas.</param>
/// <param name="Slots">Every replica slot: its API endpoint (the balancer forwards there) and its operations port (health checks).</param>
/// <param name="Directory">Where the configuration (and, if the path is short enough, the runtime API's socket) goes.</param>
/// <param name="LogPath">HAProxy's own output.</param>
internal sealed record HaproxyLayout(IPEndPoint Frontend, IReadOnlyList<(IPEndPoint Api, int OperationsPort)> Slots, string Directory, string LogPath)
{
    /// <summary>How often a server is checked, and how quickly again once a check has failed: a replica that stops
    /// being ready is out of rotation within about <see cref="CheckInterval"/> + <see cref="FastCheckInterval"/>.</summary>
    public static readonly TimeSpan CheckInterval = TimeSpan.FromSeconds(1);

    public static readonly TimeSpan FastCheckInterval = TimeSpan.FromMilliseconds(250);

    public string ConfigurationPath => Path.Combine(Directory, "haproxy.cfg");

    /// <summary>The runtime API. A Unix socket path has at most 107 bytes: a deep state directory gets one in the temporary directory.</summary>
    public string SocketPath { get; } = ShortEnough(Path.Combine(Directory, "haproxy.sock"));

    public string Render(IReadOnlySet<int> running)
    {
        ArgumentNullException.ThrowIfNull(running);
        string Ms(TimeSpan t) => ((int)t.TotalMilliseconds).ToString(CultureInfo.InvariantCulture) + "ms";
        var servers = new StringBuilder();
        for (var i = 0; i < Slots.Count; i++)
        {
            var (api, operationsPort) = Slots[i];
            var slot = i + 1;
            servers.Append(CultureInfo.InvariantCulture,
                $"    server {HaproxyBalancer.Server(slot)} {api} check port {operationsPort}{(running.Contains(slot) ? "" : " disabled")}\n");
        }

        // TCP mode: TLS is the gateway's, end to end. leastconn, because a gateway's connections are long-lived (watches,
        // exec, port-forward): a new or replaced replica gets the new connections until it holds its share. No
        // on-marked-down shutdown-sessions: a replica that stops being ready keeps its connections while it drains.
        // The idle timeouts are longer than the gateway's own stream idle timeout, which is the one that should act.
        return $"""
            # Written by the sandbox (--gateway-replicas): HAProxy in front of the gateway replicas.
            global
                # No maxconn: HAProxy derives it from the descriptors it may open (ulimit -n).
                stats socket {SocketPath} mode 600 level admin
            defaults
                mode tcp
                timeout connect 5s
                timeout client 1h
                timeout server 1h
                timeout client-fin 10s
                timeout server-fin 10s
                retries 3
                option redispatch
            frontend gateway
                bind {Frontend}
                default_backend {HaproxyBalancer.Backend}
            backend {HaproxyBalancer.Backend}
                balance leastconn
                option httpchk GET /readyz
                http-check expect status 200
                default-server inter {Ms(CheckInterval)} fastinter {Ms(FastCheckInterval)} downinter {Ms(CheckInterval)} fall 2 rise 1
            {servers}
            """;
    }

    private static string ShortEnough(string path) =>
        Encoding.UTF8.GetByteCount(path) <= 100 ? path : Path.Combine(System.IO.Directory.CreateTempSubdirectory("apg-haproxy-").FullName, "haproxy.sock");
}
