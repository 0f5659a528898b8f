using System.Globalization;
using ApiProxyGateway.Sandbox.Scenarios;

namespace ApiProxyGateway.Sandbox.Workloads;

/// <summary>A workload's flags: <c>--name=value</c> or <c>--name value</c>; unknown flags are an error.</summary>
internal sealed class WorkloadArguments
{
    private readonly Dictionary<string, string> _values = new(StringComparer.Ordinal);
    private readonly HashSet<string> _used = new(StringComparer.Ordinal);

    public WorkloadArguments(IReadOnlyList<string> args)
    {
        for (var i = 0; i < args.Count; i++)
        {
            var arg = args[i];
            if (!arg.StartsWith("--", StringComparison.Ordinal))
            {
                throw new FormatException($"unexpected argument \"{arg}\"");
            }

            var equals = arg.IndexOf('=', StringComparison.Ordinal);
            if (equals > 0)
            {
                _values[arg[2..equals]] = arg[(equals + 1)..];
            }
            else if (i + 1 < args.Count && !args[i + 1].StartsWith("--", StringComparison.Ordinal))
            {
                _values[arg[2..]] = args[++i];
            }
            else
            {
                _values[arg[2..]] = "true";
            }
        }
    }

    public string String(string name, string fallback)
    {
        _used.Add(name);
        return _values.GetValueOrDefault(name, fallback);
    }

    public int Int(string name, int fallback) =>
        int.TryParse(String(name, fallback.ToString(CultureInfo.InvariantCulture)), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var value)
            ? value
            : throw new FormatException($"--{name} must be a whole number");

    public bool Bool(string name) => String(name, "false") is "true" or "1";

    public TimeSpan Duration(string name, TimeSpan fallback) =>
        _values.ContainsKey(name) ? GoDuration.TryParse(String(name, ""), out var value) ? value : throw new FormatException($"--{name} must be a duration such as 1s or 250ms") : fallback;

    /// <summary>Fails on flags no one asked for (call after reading every flag).</summary>
    public void RejectUnknown()
    {
        if (_values.Keys.FirstOrDefault(k => !_used.Contains(k)) is { } unknown)
        {
            throw new FormatException($"unknown flag --{unknown}");
        }
    }
}
