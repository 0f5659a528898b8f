using System.Globalization;
using System.Text;
using ApiProxyGateway.Kubernetes;
using ApiProxyGateway.Protocols.Kubernetes;
using ApiProxyGateway.Requests;

namespace ApiProxyGateway.Streaming;

/// <summary>
/// Translates a pod subresource request into the kubelet URL, as kube-apiserver does: log options are passed
/// when set; <c>stdin/stdout/stderr/tty</c> become <c>input/output/error/tty=1</c>; <c>command</c> is repeated;
/// <c>ports</c> become one <c>port</c>. Exec, attach and port-forward name the pod UID in the path, so a pod
/// recreated under the same name is never reached. Malformed numbers and times throw <see cref="FormatException"/>.
/// </summary>
internal static class KubeletPaths
{
    public static string For(PodSubresource subresource, PodInfo pod, string? container, IQueryCollection query)
    {
        ArgumentNullException.ThrowIfNull(pod);
        ArgumentNullException.ThrowIfNull(query);
        var ns = Uri.EscapeDataString(pod.Namespace);
        var name = Uri.EscapeDataString(pod.Name);
        var uid = Uri.EscapeDataString(pod.Uid);
        var escapedContainer = Uri.EscapeDataString(container ?? "");
        return subresource switch
        {
            PodSubresource.Log => $"/containerLogs/{ns}/{name}/{escapedContainer}{LogQuery(query)}",
            PodSubresource.Exec => $"/exec/{ns}/{name}/{uid}/{escapedContainer}{StreamQuery(query, exec: true)}",
            PodSubresource.Attach => $"/attach/{ns}/{name}/{uid}/{escapedContainer}{StreamQuery(query, exec: false)}",
            _ => $"/portForward/{ns}/{name}/{uid}{PortQuery(query)}",
        };
    }

    private static string LogQuery(IQueryCollection query)
    {
        var output = new QueryBuilder();
        foreach (var flag in new[] { "follow", "previous", "timestamps" })
        {
            if (GoQuery.Bool(query, flag))
            {
                output.Add(flag, "true");
            }
        }

        foreach (var number in new[] { "sinceSeconds", "tailLines", "limitBytes" })
        {
            if (Number(query, number) is { } value)
            {
                output.Add(number, value.ToString(CultureInfo.InvariantCulture));
            }
        }

        if (query["sinceTime"] is { Count: > 0 } sinceTime && !string.IsNullOrEmpty(sinceTime[0]))
        {
            if (!DateTimeOffset.TryParse(sinceTime[0], CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var time))
            {
                throw new FormatException($"sinceTime: \"{sinceTime[0]}\" is not an RFC 3339 time");
            }

            output.Add("sinceTime", time.ToUniversalTime().ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture));
        }

        if (query["stream"] is { Count: > 0 } stream && !string.IsNullOrEmpty(stream[0]))
        {
            output.Add("stream", stream[0]!);
        }

        return output.ToString();
    }

    /// <summary>
    /// The standard streams an exec or attach asks for, read once, as kube-apiserver reads them: both the kubelet URL
    /// and every relay that opens the streams itself take them from here, so the two can never disagree.
    /// </summary>
    public static RemoteCommandOptions StreamOptions(IQueryCollection query) => RemoteCommandOptions.From(name => GoQuery.First(query, name));

    private static string StreamQuery(IQueryCollection query, bool exec)
    {
        var streams = StreamOptions(query);
        if (!streams.Stdin && !streams.Stdout && !streams.Stderr)
        {
            throw new FormatException("you must specify at least 1 of stdin, stdout, stderr");
        }

        var output = new QueryBuilder();
        foreach (var (set, kubeletName) in new[] { (streams.Stdin, "input"), (streams.Stdout, "output"), (streams.Stderr, "error"), (streams.Tty, "tty") })
        {
            if (set)
            {
                output.Add(kubeletName, "1");
            }
        }

        if (exec)
        {
            var command = query["command"];
            if (command.Count == 0)
            {
                throw new FormatException("you must specify at least one command for the container");
            }

            foreach (var part in command)
            {
                output.Add("command", part ?? "");
            }
        }

        return output.ToString();
    }

    /// <summary>How many ports a port-forward names (<c>ports</c>, repeated or comma-separated): the kubelet's channel pairs.</summary>
    public static int PortCount(IQueryCollection query) => Ports(query).Count();

    private static IEnumerable<string> Ports(IQueryCollection query) =>
        query["ports"].SelectMany(v => (v ?? "").Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries));

    private static string PortQuery(IQueryCollection query)
    {
        var ports = new List<string>();
        foreach (var value in Ports(query))
        {
            if (!int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var port) || port is < 1 or > 65535)
            {
                throw new FormatException($"ports: \"{value}\" is not a valid port number");
            }

            ports.Add(port.ToString(CultureInfo.InvariantCulture));
        }

        return ports.Count == 0 ? "" : new QueryBuilder().Add("port", string.Join(",", ports)).ToString();
    }

    private static long? Number(IQueryCollection query, string name)
    {
        var values = query[name];
        if (values.Count == 0 || string.IsNullOrEmpty(values[0]))
        {
            return null;
        }

        return long.TryParse(values[0], NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var value)
            ? value
            : throw new FormatException($"{name}: \"{values[0]}\" is not a number");
    }

    private sealed class QueryBuilder
    {
        private readonly StringBuilder _builder = new();

        public QueryBuilder Add(string name, string value)
        {
            _builder.Append(_builder.Length == 0 ? '?' : '&').Append(name).Append('=').Append(Uri.EscapeDataString(value));
            return this;
        }

        public override string ToString() => _builder.ToString();
    }
}
