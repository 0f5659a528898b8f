using System.Diagnostics;

namespace ApiProxyGateway.Telemetry;

/// <summary>
/// The W3C <c>traceparent</c> header (Trace Context level 1), read strictly: version <c>00</c>, exactly 55 characters,
/// lower-case hex, neither id all zeros, flags two hex digits. Anything else, a longer future version included, is
/// not a trace context as far as the gateway is concerned.
/// </summary>
internal static class TraceParent
{
    public const string HeaderName = "traceparent";

    private const int Length = 55;

    /// <summary>The headers that carry a caller's trace context or baggage, in the W3C and the older .NET formats.</summary>
    public static IReadOnlyList<string> ContextHeaders { get; } = [HeaderName, "tracestate", "baggage", "Request-Id", "Correlation-Context"];

    public static bool TryParse(string? value, out ActivityContext context)
    {
        context = default;
        if (value is not { Length: Length } || !value.StartsWith("00-", StringComparison.Ordinal) || value[35] != '-' || value[52] != '-')
        {
            return false;
        }

        var traceId = value.AsSpan(3, 32);
        var spanId = value.AsSpan(36, 16);
        var flags = value.AsSpan(53, 2);
        if (!IsLowerHex(traceId) || !IsLowerHex(spanId) || !IsLowerHex(flags) || IsZeros(traceId) || IsZeros(spanId))
        {
            return false;
        }

        var sampled = (Convert.FromHexString(flags)[0] & 1) == 1;
        context = new ActivityContext(
            ActivityTraceId.CreateFromString(traceId), ActivitySpanId.CreateFromString(spanId), sampled ? ActivityTraceFlags.Recorded : ActivityTraceFlags.None, isRemote: true);
        return true;
    }

    /// <summary>The header value naming <paramref name="activity"/> as the parent of what the upstream does.</summary>
    public static string Format(Activity activity)
    {
        ArgumentNullException.ThrowIfNull(activity);
        return $"00-{activity.TraceId.ToHexString()}-{activity.SpanId.ToHexString()}-{(activity.Recorded ? "01" : "00")}";
    }

    private static bool IsLowerHex(ReadOnlySpan<char> text)
    {
        foreach (var c in text)
        {
            if (c is not (>= '0' and <= '9') and not (>= 'a' and <= 'f'))
            {
                return false;
            }
        }

        return true;
    }

    private static bool IsZeros(ReadOnlySpan<char> text) => !text.ContainsAnyExcept('0');
}
