using System.Diagnostics;

namespace ApiProxyGateway.Telemetry;

/// <summary>
/// The gateway's one <see cref="ActivitySource"/> and the names of its spans and attributes. With tracing off nothing
/// listens to it: <see cref="ActivitySource.StartActivity(string, ActivityKind)"/> returns null at its first check and
/// every <c>activity?.SetTag(…)</c> evaluates nothing, so a request pays a null test per span site. Attribute values
/// that come from a caller (a user name, a namespace) have already passed the gateway's validation and are capped by
/// <see cref="Capped"/>; paths, query strings and header values are never attributes.
/// </summary>
internal static class GatewayActivities
{
    public const string SourceName = "ApiProxyGateway";

    /// <summary>The client certificate validated and mapped to a user, revocation included.</summary>
    public const string Authenticate = "authenticate";

    /// <summary>One authorization question: answered by the cache, by a review in flight, or by the API server.</summary>
    public const string SubjectAccessReview = "SubjectAccessReview";

    /// <summary>A connection to an upstream: the dial through its egress, then the verified TLS handshake.</summary>
    public const string UpstreamConnect = "upstream.connect";

    public const string EgressDial = "egress.dial";

    public const string TlsHandshake = "tls.handshake";

    /// <summary>A pod stream from its establishment to its end, with the bytes relayed each way.</summary>
    public const string Relay = "relay";

    /// <summary>The longest attribute value the gateway writes: a Kubernetes name is at most 253 characters.</summary>
    public const int MaxAttributeLength = 256;

    public static ActivitySource Source { get; } = new(SourceName);

    /// <summary><paramref name="value"/> cut to <paramref name="max"/> characters (a cut value ends with an ellipsis).</summary>
    public static string Capped(string value, int max = MaxAttributeLength)
    {
        ArgumentNullException.ThrowIfNull(value);
        return value.Length <= max ? value : string.Concat(value.AsSpan(0, max - 1), "…");
    }

    /// <summary>Marks <paramref name="activity"/> failed with a short description (a reason label, never exception text from a peer).</summary>
    public static void Failed(Activity? activity, string reason)
    {
        if (activity is not null)
        {
            activity.SetStatus(ActivityStatusCode.Error, Capped(reason));
            activity.SetTag("error.type", Capped(reason, 64));
        }
    }

    /// <summary>Keeps a sampled <paramref name="activity"/> (and what starts under it) out of the export: for requests nobody waits on.</summary>
    public static void DoNotRecord(Activity? activity)
    {
        if (activity is { Recorded: true })
        {
            activity.ActivityTraceFlags &= ~ActivityTraceFlags.Recorded;
            activity.IsAllDataRequested = false;
        }
    }
}
