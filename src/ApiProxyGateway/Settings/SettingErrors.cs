using Microsoft.Extensions.Options;

namespace ApiProxyGateway.Settings;

/// <summary>
/// What an options validator finds wrong, every problem kept so all are reported at once. Each message starts with
/// the setting as an operator finds it (<c>Kubelet:Timeout (--kubelet-timeout)</c>, see
/// <see cref="GatewayFlags.Describe"/>) and says which value was wrong.
/// </summary>
internal sealed class SettingErrors
{
    /// <summary>
    /// The longest duration any setting may have: every duration ends up in a timer, <c>Task.Delay</c> or
    /// <c>CancelAfter</c>, which take at most 2³²−2 ms (about 49.7 days) and throw beyond that.
    /// </summary>
    public static readonly TimeSpan LongestDuration = TimeSpan.FromDays(49);

    private readonly List<string> _errors = [];

    public void Add(string setting, string problem) => _errors.Add($"{GatewayFlags.Describe(setting)}: {problem}");

    /// <summary>A problem with two settings that go together (a certificate and its key).</summary>
    public void Add(string setting, string other, string problem) =>
        _errors.Add($"{GatewayFlags.Describe(setting)} and {GatewayFlags.Describe(other)}: {problem}");

    public void AddIfAny(string setting, string? problem)
    {
        if (problem is not null)
        {
            Add(setting, problem);
        }
    }

    /// <summary>Problems that already start with their setting (as the API server endpoint loader writes them).</summary>
    public void AddDescribed(IEnumerable<string> problems) => _errors.AddRange(problems);

    public void Positive(string setting, long value)
    {
        if (value <= 0)
        {
            Add(setting, $"must be positive, was {value}");
        }
    }

    public void NotNegative(string setting, long value)
    {
        if (value < 0)
        {
            Add(setting, $"must not be negative, was {value}");
        }
    }

    public void AtLeast(string setting, long value, long minimum)
    {
        if (value < minimum)
        {
            Add(setting, $"must be at least {minimum}, was {value}");
        }
    }

    /// <summary>A duration above zero and at most <see cref="LongestDuration"/>.</summary>
    public void Duration(string setting, TimeSpan value)
    {
        if (value <= TimeSpan.Zero)
        {
            Add(setting, $"must be positive, was {value}");
        }
        else
        {
            AtMostLongest(setting, value);
        }
    }

    /// <summary>A duration of zero (which turns something off) or more, at most <see cref="LongestDuration"/>.</summary>
    public void DurationOrZero(string setting, TimeSpan value)
    {
        if (value < TimeSpan.Zero)
        {
            Add(setting, $"must not be negative, was {value}");
        }
        else
        {
            AtMostLongest(setting, value);
        }
    }

    /// <summary>A TCP port, 1–65535, or also 0 when <paramref name="zeroMeans"/> says what 0 does.</summary>
    public void Port(string setting, int value, string? zeroMeans = null)
    {
        if (value is < 0 or > 65535 || (value == 0 && zeroMeans is null))
        {
            Add(setting, zeroMeans is null ? $"{value} is not a port number (1-65535)" : $"{value} is not a port number (1-65535, or 0: {zeroMeans})");
        }
    }

    /// <summary>An IPv4 or IPv6 address.</summary>
    public void Address(string setting, string value)
    {
        if (!System.Net.IPAddress.TryParse(value, out _))
        {
            Add(setting, $"'{value}' is not an IP address");
        }
    }

    public ValidateOptionsResult Result() => _errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(_errors);

    private void AtMostLongest(string setting, TimeSpan value)
    {
        if (value > LongestDuration)
        {
            Add(setting, $"must be at most {LongestDuration}, was {value}");
        }
    }
}
