using System.Globalization;
using ApiProxyGateway.Bench.Hosting;

namespace ApiProxyGateway.Bench.Streams;

/// <summary>The stream requests in both spellings: the API server's (gateway, API server) and the kubelet's (direct, nginx, HAProxy).</summary>
internal static class StreamPaths
{
    private const string Ns = BenchScenario.Namespace;

    public static (string Api, string Kubelet) PortForward(string pod) => ($"/api/v1/namespaces/{Ns}/pods/{pod}/portforward", $"/portForward/{Ns}/{pod}");

    public static (string Api, string Kubelet) Exec(string pod, string container, IEnumerable<string> command, string ns = Ns)
    {
        var commands = string.Join('&', command.Select(c => "command=" + Uri.EscapeDataString(c)));
        return ($"/api/v1/namespaces/{ns}/pods/{pod}/exec?container={container}&{commands}&stdout=true",
            $"/exec/{ns}/{pod}/{container}?{commands}&output=1");
    }

    public static (string Api, string Kubelet) Logs(string pod, string container, bool follow = false, int? tailLines = null)
    {
        var query = (follow ? "&follow=true" : "") + (tailLines is { } t ? "&tailLines=" + t.ToString(CultureInfo.InvariantCulture) : "");
        return ($"/api/v1/namespaces/{Ns}/pods/{pod}/log?container={container}{query}", $"/containerLogs/{Ns}/{pod}/{container}?{query.TrimStart('&')}");
    }
}
