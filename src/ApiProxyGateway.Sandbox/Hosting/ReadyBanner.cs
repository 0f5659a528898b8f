using System.Text;
using ApiProxyGateway.Sandbox.Addressing;

namespace ApiProxyGateway.Sandbox.Hosting;

/// <summary>The "ready:" line and the commands to try, printed once everything listens.</summary>
internal static class ReadyBanner
{
    public static string For(SandboxHost host, bool rolling = false)
    {
        var text = new StringBuilder();
        var gateway = host.GatewayReplicas.Count > 0 ? $"HAProxy {host.GatewayUrl} (pid {host.BalancerProcessId}) in front of {host.GatewayReplicas.Count} gateway replicas"
            : host.GatewayProcessId is { } pid ? $"gateway {host.GatewayUrl} (pid {pid})"
            : "gateway not started";
        text.AppendLine($"ready: API server {host.ApiServerUrl}, {gateway}, state in {host.StateDirectory}");
        text.AppendLine($"  export KUBECONFIG={host.KubeconfigPath}");
        text.AppendLine("  kubectl get pods -n demo                              # as admin, through the gateway");
        text.AppendLine("  kubectl exec -it -n demo shell -- sh                  # the gateway verifies the kubelet and relays the stream");
        text.AppendLine("  kubectl logs -f -n demo logger                        # pods are host processes behind simulated kubelets");
        text.AppendLine("  kubectl port-forward -n demo pod/web 8080:8080        # then curl http://127.0.0.1:8080/");
        text.AppendLine("  kubectl get --raw /api/v1/namespaces/demo/services/https:web:443/proxy/    # verified TLS to the workload");
        text.AppendLine("  kubectl --context viewer exec -n demo shell -- id     # forbidden: viewer may not exec");
        text.AppendLine("  kubectl --context direct-admin get nodes -o wide      # straight to the simulated API server");
        text.AppendLine($"  asciinema play \"$(ls -t {host.RecordingsDirectory}/*.cast | head -1)\"   # replay the latest terminal session (every exec is recorded)");
        if (host.GatewayReplicas.Count == 0)
        {
            text.AppendLine($"  metrics: http://{host.AddressPlan.GatewayAddress}:{AddressPlan.GatewayOperationsPort}/metrics; audit: {host.AuditLogPath}; gateway log: {host.GatewayLogPath}");
        }

        foreach (var replica in host.GatewayReplicas)
        {
            text.AppendLine($"  replica {replica.Name} (pid {replica.ProcessId}): {replica.ApiEndPoint}, {replica.OperationsUrl}metrics, log {replica.LogPath}, audit {replica.AuditLogPath}");
        }

        if (host.GatewayReplicas.Count > 0)
        {
            text.AppendLine(host.Options.GatewayReplicas > 1 && rolling
                ? $"  rolling restart every {SandboxCommandLine.RollPause.TotalSeconds:0} s: keep a watch, logs -f, exec and port-forward open and read how each ends"
                : "  kill -TERM a replica's pid to watch it drain, or start the sandbox with --roll for rolling restarts");
        }

        if (host.Konnectivity is { } konnectivity)
        {
            var transport = host.Options.EgressTransport == Konnectivity.EgressTransport.Uds ? konnectivity.SocketPath : konnectivity.FrontendUrl.ToString();
            text.AppendLine($"  egress: every node behind its konnectivity-agent; kubelets and pods live in network namespace {konnectivity.NetworkNamespace}, which only the agents reach");
            text.AppendLine($"  konnectivity-server: {host.Options.Egress} over {transport}; the gateway has --egress-selector-config-file {host.EgressSelectorConfigPath}");
            text.AppendLine("  kubectl --context direct-admin logs -n demo logger    # the API server, too, reaches kubelets through konnectivity");
        }

        text.AppendLine($"  users: {string.Join(", ", host.Users.Select(u => u.Name))}; pods' directories: {host.PodsDirectory}");
        text.Append("Ctrl-C stops everything.");
        return text.ToString();
    }
}
