using System.Globalization;
using System.Text.RegularExpressions;

namespace ApiProxyGateway.Sandbox.Kubelets;

/// <summary>
/// <c>v1.PodLogOptions</c> as the kubelet decodes them from a query (<c>follow</c>, <c>previous</c>, <c>timestamps</c>,
/// <c>sinceSeconds</c>, <c>sinceTime</c>, <c>tailLines</c>, <c>limitBytes</c>, and the legacy <c>tail</c>).
/// </summary>
internal sealed partial record LogOptions
{
    public bool Follow { get; init; }

    public bool Previous { get; init; }

    public bool Timestamps { get; init; }

    public long? SinceSeconds { get; init; }

    public DateTimeOffset? SinceTime { get; init; }

    public long? TailLines { get; init; }

    public long? LimitBytes { get; init; }

    /// <summary>
    /// Decodes like apimachinery's parameter codec: a boolean is false only for "0" or "false" (any case); numbers are
    /// base-10 int64; sinceTime is RFC 3339. <c>tail=N</c> stands for tailLines (<c>tail=all</c> for none).
    /// </summary>
    public static LogOptionsResult Parse(Func<string, string?> query)
    {
        ArgumentNullException.ThrowIfNull(query);
        var tailLines = query("tailLines");
        if (query("tail") is { Length: > 0 } tail)
        {
            tailLines = tail == "all" ? null : tail;
        }

        if (!TryNumber(query("sinceSeconds"), out var sinceSeconds)
            || !TryNumber(tailLines, out var tailNumber)
            || !TryNumber(query("limitBytes"), out var limitBytes)
            || !TryTime(query("sinceTime"), out var sinceTime))
        {
            return LogOptionsResult.Undecodable;
        }

        var options = new LogOptions
        {
            Follow = Bool(query("follow")),
            Previous = Bool(query("previous")),
            Timestamps = Bool(query("timestamps")),
            SinceSeconds = sinceSeconds,
            SinceTime = sinceTime,
            TailLines = tailNumber,
            LimitBytes = limitBytes,
        };
        return options.Validate() is { } problem ? LogOptionsResult.Invalid(problem.Field, problem.Value, problem.Message) : new LogOptionsResult(options, null);
    }

    /// <summary>ValidatePodLogOptions: the first problem as (field, value, message), or null.</summary>
    public (string Field, string Value, string Message)? Validate()
    {
        if (TailLines is < 0)
        {
            return ("tailLines", Text(TailLines), "must be greater than or equal to 0");
        }

        if (LimitBytes is < 1)
        {
            return ("limitBytes", Text(LimitBytes), "must be greater than 0");
        }

        if (SinceSeconds is not null && SinceTime is not null)
        {
            return ("sinceSeconds", Text(SinceSeconds), "at most one of `sinceTime` or `sinceSeconds` may be specified");
        }

        return SinceSeconds is < 1 ? ("sinceSeconds", Text(SinceSeconds), "must be greater than 0") : null;
    }

    /// <summary>The earliest time a line may have to be shown, if any.</summary>
    public DateTimeOffset? Since(DateTimeOffset now) => SinceTime ?? (SinceSeconds is { } seconds ? now.AddSeconds(-seconds) : null);

    private static bool Bool(string? value) => value is not null && value != "0" && !value.Equals("false", StringComparison.OrdinalIgnoreCase);

    private static bool TryNumber(string? value, out long? number)
    {
        number = null;
        if (value is null)
        {
            return true;
        }

        if (long.TryParse(value, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var parsed))
        {
            number = parsed;
            return true;
        }

        return false;
    }

    private static bool TryTime(string? value, out DateTimeOffset? time)
    {
        time = null;
        if (value is null or "" or "null")
        {
            return true;
        }

        if (Rfc3339().IsMatch(value) && DateTimeOffset.TryParse(value, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var parsed))
        {
            time = parsed;
            return true;
        }

        return false;
    }

    private static string Text(long? value) => value?.ToString(CultureInfo.InvariantCulture) ?? "";

    [GeneratedRegex(@"^\d{4}-\d{2}-\d{2}[Tt]\d{2}:\d{2}:\d{2}(\.\d+)?([Zz]|[+-]\d{2}:\d{2})$")]
    private static partial Regex Rfc3339();
}
